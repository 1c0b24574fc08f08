import { Nav, NavItem, NavList, PageSidebar, PageSidebarBody } from '@patternfly/react-core';
import { useAppStore, VIEWS } from '../state/app-store';

/** The sections of the app, as PatternFly's vertical navigation. */
export function AppNav() {
  const view = useAppStore((s) => s.view);
  const show = useAppStore((s) => s.show);
  return (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label="Sections">
          <NavList>
            {VIEWS.map((v) => (
              <NavItem
                key={v.id}
                itemId={v.id}
                component="button"
                isActive={view === v.id}
                onClick={() => show(v.id)}
              >
                {v.label}
              </NavItem>
            ))}
          </NavList>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );
}
