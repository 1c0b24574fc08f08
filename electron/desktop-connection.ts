import { MessageChannelMain, type BrowserWindow } from 'electron';
import { corralApi } from '../api/corral-api';
import { serve } from '../api/dispatcher';
import { toDisposable, type Disposable } from '../api/disposable';
import type { CorralCore } from '../core/corral-core';
import { isAppUrl, type AppEntry } from './app-entry';
import { DESKTOP_PORT_CHANNEL } from './desktop-port-channel';
import { MessagePortMainTransport } from './message-port-main-transport';

/**
 * Serves the contract to one window over a MessagePort. Every page load (first load, reload)
 * gets a fresh channel and the previous connection is disposed, so a reloaded page never shares
 * subscriptions or streams with its predecessor.
 */
export function connectWindow(
  window: BrowserWindow,
  core: Pick<CorralCore, 'api'> & Partial<Pick<CorralCore, 'accounts'>>,
  entry: AppEntry,
): Disposable {
  const contents = window.webContents;
  let current: Disposable | undefined;
  let loads = 0;

  const disconnect = () => {
    current?.dispose();
    current = undefined;
  };

  const connect = () => {
    disconnect();
    const frame = contents.mainFrame;
    // The trusted-sender check: only our own page in our own window's main frame gets the port.
    if (!isAppUrl(frame.url, entry)) {
      console.warn(`corral: not handing the API to ${JSON.stringify(frame.url)}`);
      return;
    }
    const { port1, port2 } = new MessageChannelMain();
    const transport = new MessagePortMainTransport(port1);
    const sessionId = `window-${window.id}-load-${++loads}`;
    const served = serve({
      contract: corralApi,
      impl: core.api,
      transport,
      context: { sessionId },
      log: (message) => console.warn(`corral[${sessionId}]: ${message}`),
    });
    current = toDisposable(() => {
      served.dispose();
      transport.close();
      // A reload or a closed window ends this load's sign-in (issue 6: logout reloads the page).
      core.accounts?.endSession(sessionId);
    });
    frame.postMessage(DESKTOP_PORT_CHANNEL, null, [port2]);
  };

  contents.on('did-finish-load', connect);
  // A crashed renderer holds no port any more; drop its subscriptions and streams now.
  contents.on('render-process-gone', disconnect);
  return toDisposable(() => {
    contents.off('did-finish-load', connect);
    contents.off('render-process-gone', disconnect);
    disconnect();
  });
}
