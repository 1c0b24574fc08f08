import {
  Button,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  MastheadToggle,
  PageToggleButton,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core';
import { BarsIcon } from '@patternfly/react-icons';
import { useState } from 'react';
import appIcon from '../../resources/icons/corral.svg';
import { useSession } from './user-context';

/** The band across the top: the app's name and who is signed in, with the way out. */
export function AppMasthead() {
  return (
    <Masthead>
      <MastheadMain>
        <MastheadToggle>
          <PageToggleButton isHamburgerButton aria-label="Show or hide the navigation">
            <BarsIcon />
          </PageToggleButton>
        </MastheadToggle>
        <MastheadBrand>
          <MastheadLogo component="span" className="corral-logo">
            <img src={appIcon} alt="" width={32} height={32} />
            <span>Corral</span>
          </MastheadLogo>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <SignedInUser />
      </MastheadContent>
    </Masthead>
  );
}

/** Who is signed in (name and role as text) and Log out. */
function SignedInUser() {
  const { user, logOut } = useSession();
  const [leaving, setLeaving] = useState(false);
  return (
    <Toolbar isFullHeight isStatic>
      <ToolbarContent>
        <ToolbarGroup align={{ default: 'alignEnd' }}>
          <ToolbarItem>
            <section aria-label="Signed in" className="corral-signed-in">
              <span data-testid="signed-in-user">{user.username}</span>
              <span className="corral-muted" data-testid="signed-in-role">
                {user.role === 'admin' ? 'Administrator' : 'User'}
              </span>
              <Button
                variant="secondary"
                isDisabled={leaving}
                onClick={() => {
                  setLeaving(true);
                  void logOut();
                }}
              >
                Log out
              </Button>
            </section>
          </ToolbarItem>
        </ToolbarGroup>
      </ToolbarContent>
    </Toolbar>
  );
}
