import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';

/**
 * Just enough of Electron's main-process MessagePortMain for tests: a Node event emitter over a
 * real Node MessagePort, delivering `{ data, ports }` events as Electron does.
 */
export class FakeMessagePortMain extends EventEmitter {
  constructor(readonly raw: MessagePort) {
    super();
    raw.on('message', (data: unknown) => this.emit('message', { data, ports: [] }));
    raw.on('close', () => this.emit('close'));
  }
  start(): void {
    this.raw.start();
  }
  postMessage(message: unknown): void {
    this.raw.postMessage(message);
  }
  close(): void {
    this.raw.close();
  }
}

/** Electron's MessageChannelMain, built on Node's MessageChannel. */
export class FakeMessageChannelMain {
  readonly port1: FakeMessagePortMain;
  readonly port2: FakeMessagePortMain;
  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port1 = new FakeMessagePortMain(port1);
    this.port2 = new FakeMessagePortMain(port2);
  }
}

/** A BrowserWindow whose main frame records what main posts to it. */
export class FakeWindow {
  readonly id = 7;
  readonly posted: { channel: string; ports: FakeMessagePortMain[] }[] = [];
  readonly webContents = Object.assign(new EventEmitter(), {
    mainFrame: {
      url: '',
      postMessage: (channel: string, _message: unknown, ports: FakeMessagePortMain[] = []) => {
        this.posted.push({ channel, ports });
      },
    },
  });

  /** Simulates a (re)load of `url` finishing. */
  load(url: string): void {
    this.webContents.mainFrame.url = url;
    this.webContents.emit('did-finish-load');
  }
}
