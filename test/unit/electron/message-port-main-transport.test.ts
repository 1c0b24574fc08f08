import { afterEach, describe, expect, it } from 'vitest';
import type { MessagePortMain } from 'electron';
import { MessagePortTransport } from '../../../api/message-port-transport';
import { MessagePortMainTransport } from '../../../electron/message-port-main-transport';
import { FakeMessageChannelMain } from './fake-electron';

const next = <T>(register: (resolve: (v: T) => void) => void) =>
  new Promise<T>((resolve) => register(resolve));

describe('MessagePortMain transport', () => {
  const open: { close(): void }[] = [];
  afterEach(() => open.splice(0).forEach((t) => t.close()));

  const pair = () => {
    const channel = new FakeMessageChannelMain();
    const main = new MessagePortMainTransport(channel.port1 as unknown as MessagePortMain);
    // The page's end is a DOM-style MessagePort (Node's is one), as the preload hands it over.
    const page = new MessagePortTransport(channel.port2.raw as unknown as MessagePort);
    open.push(main, page);
    return { main, page };
  };

  it('carries messages both ways, bytes as Uint8Array', async () => {
    const { main, page } = pair();
    const atMain = next<unknown>((r) => main.onMessage(r));
    page.send({ t: 'call', id: 1, path: 'system.info', input: {} });
    expect(await atMain).toEqual({ t: 'call', id: 1, path: 'system.info', input: {} });

    const atPage = next<unknown>((r) => page.onMessage(r));
    main.send({ t: 'data', id: 3, bytes: new Uint8Array([1, 2, 3]) });
    const got = (await atPage) as { bytes: unknown };
    expect(got.bytes).toBeInstanceOf(Uint8Array);
    expect([...(got.bytes as Uint8Array)]).toEqual([1, 2, 3]);
  });

  it('reports close once when the page end goes away, and then sends nothing', async () => {
    const { main, page } = pair();
    const reasons: string[] = [];
    const closed = next<void>((r) =>
      main.onClose((reason) => {
        reasons.push(reason);
        r();
      }),
    );
    page.close();
    await closed;
    main.close();
    expect(reasons).toEqual(['port closed']);
    expect(() => main.send({ t: 'credit', id: 1, credit: 1 })).not.toThrow();
  });

  it('reports its own close', () => {
    const { main } = pair();
    const reasons: string[] = [];
    main.onClose((reason) => reasons.push(reason));
    main.close();
    main.close();
    expect(reasons).toEqual(['closed']);
  });
});
