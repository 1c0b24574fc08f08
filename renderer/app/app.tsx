import type { CorralClient } from '../boot/corral-client';
import { useAppStore } from '../state/app-store';
import { AboutView } from '../views/about-view';
import { ClustersView } from '../views/clusters/clusters-view';
import { HostsView } from '../views/hosts/hosts-view';
import { ImagesView } from '../views/images/images-view';
import { PlaceholderView } from '../views/placeholder-view';
import { TopologyView } from '../views/topology/topology-view';
import { ClientContext } from './client-context';
import { Sidebar } from './sidebar';
import { BottomPanel } from './bottom-panel';
import { useTheme } from './use-theme';
import { SessionContext, type Session } from './user-context';

/**
 * The frame people live in: sidebar, main area, and a panel for consoles and jobs. Shown only to
 * a signed-in session (issue 6).
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
    <div className="frame">
      <Sidebar />
      <main className="main" aria-label="Main">
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
      </main>
      <BottomPanel />
    </div>
  );
}
