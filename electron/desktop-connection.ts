import { MessageChannelMain, type BrowserWindow } from 'electron';
import { toDisposable, type Disposable } from '../api/disposable';
import type { CorralCore } from '../core/corral-core';
import { serveCorral } from '../core/serve-corral';
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
  core: Pick<CorralCore, 'api' | 'accounts'>,
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
    // Sign-in and sign-up replace the context's session id; read it at use, never copy it.
    const context = { sessionId: `window-${window.id}-load-${++loads}` };
    const served = serveCorral(core, transport, context, (message) =>
      console.warn(`corral[${context.sessionId}]: ${message}`),
    );
    current = toDisposable(() => {
      served.dispose();
      transport.close();
      // A reload or a closed window ends this load's sign-in (logout reloads the page).
      core.accounts.endSession(context.sessionId);
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
