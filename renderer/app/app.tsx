import { Page } from '@patternfly/react-core';
import type { CorralClient } from '../boot/corral-client';
import { useAppStore } from '../state/app-store';
import { AboutView } from '../views/about-view';
import { ClustersView } from '../views/clusters/clusters-view';
import { HostsView } from '../views/hosts/hosts-view';
import { ImagesView } from '../views/images/images-view';
import { PlaceholderView } from '../views/placeholder-view';
import { TopologyView } from '../views/topology/topology-view';
import { AppDock } from './app-dock';
import { AppMasthead } from './app-masthead';
import { AppNav } from './app-nav';
import { ClientContext } from './client-context';
import { useTheme } from './use-theme';
import { SessionContext, type Session } from './user-context';

/**
 * The frame people live in: masthead, navigation, the main view, and the dock for consoles and
 * jobs. Shown only to a signed-in session.
 */
export function App({ client, session }: { client: CorralClient; session: Session }) {
  return (
    <ClientContext.Provider value={client}>
      <SessionContext.Provider value={session}>
        <Frame />
      </SessionContext.Provider>
    </ClientContext.Provider>
  );
}

function Frame() {
  useTheme();
  const view = useAppStore((s) => s.view);
  return (
    <Page
      masthead={<AppMasthead />}
      sidebar={<AppNav />}
      isManagedSidebar
      isContentFilled
      mainAriaLabel="Main"
    >
      <AppDock>
        {view === 'about' ? (
          <AboutView />
        ) : view === 'hosts' ? (
          <HostsView />
        ) : view === 'topology' ? (
          <TopologyView />
        ) : view === 'clusters' ? (
          <ClustersView />
        ) : view === 'images' ? (
          <ImagesView />
        ) : (
          <PlaceholderView title="Jobs" text="MPI jobs and their output will appear here." />
        )}
      </AppDock>
    </Page>
  );
}
