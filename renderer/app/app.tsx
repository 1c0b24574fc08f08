import { Bullseye, Page, Spinner } from '@patternfly/react-core';
import { Suspense, useEffect } from 'react';
import { parseConsoleWindowHash } from '../../api/console-window-route';
import type { CorralClient } from '../boot/corral-client';
import { useAppStore } from '../state/app-store';
import { prefetchRememberedMap } from '../views/topology/map/prefetch-map';
import { AppDock } from './app-dock';
import { AppToasts } from './app-toasts';
import { AppMasthead } from './app-masthead';
import { AppNav } from './app-nav';
import { ClientContext } from './client-context';
import { installDropGuard } from './drop-guard';
import {
  AboutView,
  ClustersView,
  ConsoleWindow,
  HostsView,
  ImagesView,
  JobsView,
  TopologyView,
} from './lazy-views';
import { useTheme } from './use-theme';
import { SessionContext, type Session } from './user-context';

/**
 * The frame people live in: masthead, navigation, the main view, and the dock for consoles and
 * jobs; or, at a console's own address (a console popped out of the dock), that console alone.
 * Shown only to a signed-in session.
 */
export function App({ client, session }: { client: CorralClient; session: Session }) {
  // Read once: a page is either the frame or one console for its whole life.
  const consoleTarget = parseConsoleWindowHash(location.hash);
  return (
    <ClientContext.Provider value={client}>
      <SessionContext.Provider value={session}>
        {consoleTarget ? (
          <Suspense fallback={<ViewLoading />}>
            <ConsoleWindow target={consoleTarget} />
          </Suspense>
        ) : (
          <Frame />
        )}
      </SessionContext.Provider>
    </ClientContext.Provider>
  );
}

function Frame() {
  useTheme();
  // A file dropped where nothing takes it gets a message instead of replacing the app.
  useEffect(() => installDropGuard(), []);
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
            <JobsView />
          )}
        </Suspense>
      </AppDock>
      <AppToasts />
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
