import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW } from '../../../api/byte-stream';
import { CorralError } from '../../../api/errors';
import { inMemoryHarness, webSocketHarness, type Harness } from './test-contract';

const waitFor = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe.each([
  ['in-memory', inMemoryHarness],
  ['WebSocket', webSocketHarness],
])('contract over the %s transport', (_name, makeHarness) => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('round-trips a method call', async () => {
    h = await makeHarness();
    await expect(h.client.api.math.add({ a: 2, b: 40 })).resolves.toBe(42);
    expect(h.service.calls.add).toBe(1);
  });

  it('carries a service failure back as error data', async () => {
    h = await makeHarness();
    const err = await h.client.api.math.fail({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorralError);
    expect(err).toMatchObject({ code: 'internal', message: 'boom' });
  });

  it('rejects invalid input with a contract error before the service runs', async () => {
    h = await makeHarness();
    const call = h.client.api.math.add({ a: 'two', b: 1 } as never);
    await expect(call).rejects.toMatchObject({ code: 'bad-request' });
    expect(h.service.calls.add).toBe(0);
  });

  it('answers a malformed message with bad-request and never reaches a service', async () => {
    h = await makeHarness();
    h.sendRaw({ t: 'call', id: 777, path: 42, input: { a: 1, b: 2 } });
    h.sendRaw({ t: 'call', id: 778, path: 'math.add', input: { a: 1, b: 2, extra: true } });
    h.sendRaw({ t: 'call', id: 779, path: 'math.nope', input: {} });
    h.sendRaw('not even an object');
    await waitFor(() => h.received.length >= 3, 'three error results');
    expect(h.received).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 777,
          ok: false,
          error: expect.objectContaining({ code: 'bad-request' }),
        }),
        expect.objectContaining({
          id: 778,
          ok: false,
          error: expect.objectContaining({ code: 'bad-request' }),
        }),
        expect.objectContaining({
          id: 779,
          ok: false,
          error: expect.objectContaining({ code: 'not-found' }),
        }),
      ]),
    );
    expect(h.service.calls.add).toBe(0);
    // The connection survives bad input.
    await expect(h.client.api.math.add({ a: 1, b: 1 })).resolves.toBe(2);
  });

  it('delivers events to subscribers only, and stops after unsubscribe', async () => {
    h = await makeHarness();
    const seen: number[] = [];
    const sub = h.client.api.ticks.onTick(({ n }) => seen.push(n));
    await waitFor(() => h.service.tick.size === 1, 'the subscription');
    h.service.tick.fire(1);
    h.service.tick.fire(2);
    await waitFor(() => seen.length === 2, 'two events');
    sub.dispose();
    await waitFor(() => h.service.tick.size === 0, 'the unsubscription');
    h.service.tick.fire(3);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([1, 2]);
  });

  it('streams bytes with back-pressure: a slow reader holds the writer to one window', async () => {
    h = await makeHarness();
    const total = 4 * 1024 * 1024;
    const s = await h.client.api.bytes.download({ total });
    let consumed = 0;
    let maxAhead = 0;
    let intact = true;
    let slow = true;
    s.onData(async (bytes) => {
      for (let i = 0; i < bytes.byteLength; i++) {
        if (bytes[i] !== (consumed + i) % 251) intact = false;
      }
      consumed += bytes.byteLength;
      maxAhead = Math.max(maxAhead, (h.service.written[0] ?? 0) - consumed);
      if (slow) await new Promise((r) => setTimeout(r, 2));
    });
    // While the reader is slow, the writer may not run more than a window (plus one chunk) ahead.
    await waitFor(() => consumed > 1024 * 1024, 'a megabyte');
    expect(maxAhead).toBeLessThanOrEqual(DEFAULT_WINDOW + 16 * 1024);
    expect(h.service.written[0]).toBeLessThan(total);
    slow = false;
    const ended = new Promise<unknown>((r) => s.onEnd(r));
    await expect(ended).resolves.toBeUndefined();
    expect(consumed).toBe(total);
    expect(intact).toBe(true);
  });

  it('streams client-to-server with half-close and a reply', async () => {
    h = await makeHarness();
    const s = await h.client.api.bytes.upload({ delayMs: 1 });
    const reply: number[] = [];
    s.onData((bytes) => void reply.push(...bytes));
    const ended = new Promise<unknown>((r) => s.onEnd(r));
    for (let i = 0; i < 40; i++) await s.write(new Uint8Array(32 * 1024).fill(i));
    s.end();
    await expect(ended).resolves.toBeUndefined();
    expect(new TextDecoder().decode(new Uint8Array(reply))).toBe(String(40 * 32 * 1024));
  });

  it('refuses to open a stream with invalid arguments', async () => {
    h = await makeHarness();
    await expect(h.client.api.bytes.download({ total: -1 })).rejects.toMatchObject({
      code: 'bad-request',
    });
    expect(h.service.streams).toHaveLength(0);
  });

  it('fails pending calls when the connection closes', async () => {
    h = await makeHarness();
    const s = await h.client.api.bytes.upload({ delayMs: 0 });
    const ended = new Promise<unknown>((r) => s.onEnd(r));
    h.client.dispose();
    await expect(ended).resolves.toMatchObject({ code: 'unavailable' });
    await expect(h.client.api.math.add({ a: 1, b: 2 })).rejects.toMatchObject({
      code: 'unavailable',
    });
  });
});
