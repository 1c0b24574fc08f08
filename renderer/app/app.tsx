import { Bullseye, Page, Spinner } from '@patternfly/react-core';
import { Suspense, useEffect } from 'react';
import type { CorralClient } from '../boot/corral-client';
import { useAppStore } from '../state/app-store';
import { PlaceholderView } from '../views/placeholder-view';
import { prefetchRememberedMap } from '../views/topology/map/prefetch-map';
import { AppDock } from './app-dock';
import { AppMasthead } from './app-masthead';
import { AppNav } from './app-nav';
import { ClientContext } from './client-context';
import { AboutView, ClustersView, HostsView, ImagesView, TopologyView } from './lazy-views';
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
  useEffect(prefetchRememberedMap, []);
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
        <Suspense fallback={<ViewLoading />}>
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
        </Suspense>
      </AppDock>
    </Page>
  );
}

/** While a view's code loads (the first time it is shown). */
function ViewLoading() {
  return (
    <Bullseye>
      <Spinner aria-label="Loading the view" />
    </Bullseye>
  );
}
