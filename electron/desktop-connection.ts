import { MessageChannelMain, type BrowserWindow, type WebContents } from 'electron';
import { toDisposable, type Disposable } from '../api/disposable';
import type { CorralCore } from '../core/corral-core';
import { serveCorral } from '../core/serve-corral';
import { isAppUrl, type AppEntry } from './app-entry';
import { DESKTOP_PORT_CHANNEL } from './desktop-port-channel';
import { MessagePortMainTransport } from './message-port-main-transport';

/** A window's connection: its current sign-in session can be lent to a window it opens. */
export interface WindowConnection extends Disposable {
  /** The session of the page loaded now (undefined between loads). */
  sessionId(): string | undefined;
}

/** Each connected page's connection, so a window it opens can borrow its sign-in. */
const connections = new WeakMap<WebContents, WindowConnection>();

/** The sign-in session of the page in `contents`, if Corral serves it. */
export function sessionOfContents(contents: WebContents): string | undefined {
  return connections.get(contents)?.sessionId();
}

export interface ConnectWindowOptions {
  /**
   * A console popped out of the main window signs in as the main window did: the opener's
   * session, read at each load. Such a window never ends the session it borrowed (the opener's
   * reload or logout does); without one (the opener is gone) it gets its own.
   */
  borrowSession?: () => string | undefined;
}

/**
 * Serves the contract to one window over a MessagePort. Every page load (first load, reload)
 * gets a fresh channel and the previous connection is disposed, so a reloaded page never shares
 * subscriptions or streams with its predecessor.
 */
export function connectWindow(
  window: BrowserWindow,
  core: Pick<CorralCore, 'api' | 'accounts' | 'owners'>,
  entry: AppEntry,
  options: ConnectWindowOptions = {},
): WindowConnection {
  const contents = window.webContents;
  let current: Disposable | undefined;
  let currentContext: { sessionId: string } | undefined;
  let loads = 0;

  const disconnect = () => {
    current?.dispose();
    current = undefined;
    currentContext = undefined;
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
    const borrowed = options.borrowSession?.();
    // Sign-in and sign-up replace the context's session id; read it at use, never copy it.
    const context = { sessionId: borrowed ?? `window-${window.id}-load-${++loads}` };
    const served = serveCorral(core, transport, context, (message) =>
      console.warn(`corral[${context.sessionId}]: ${message}`),
    );
    current = toDisposable(() => {
      served.dispose();
      transport.close();
      // A reload or a closed window ends this load's sign-in (logout reloads the page); a
      // borrowed sign-in belongs to the window that lent it.
      if (!borrowed) core.accounts.endSession(context.sessionId);
    });
    currentContext = context;
    frame.postMessage(DESKTOP_PORT_CHANNEL, null, [port2]);
  };

  contents.on('did-finish-load', connect);
  // A crashed renderer holds no port any more; drop its subscriptions and streams now.
  contents.on('render-process-gone', disconnect);
  const disposable = toDisposable(() => {
    contents.off('did-finish-load', connect);
    contents.off('render-process-gone', disconnect);
    disconnect();
  });
  const connection = {
    dispose: () => {
      connections.delete(contents);
      disposable.dispose();
    },
    sessionId: () => currentContext?.sessionId,
  };
  connections.set(contents, connection);
  return connection;
}
