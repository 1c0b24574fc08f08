import { describe, expect, it } from 'vitest';
import { PaneFeed } from '../../../core/console/pane-feed';

const bytes = (n: number, fill = 0x61) => new Uint8Array(n).fill(fill);
const tick = () => new Promise((r) => setTimeout(r, 0));

/**
 * A pane whose writes wait for credit the test grants by hand: `writes` holds every write in
 * order, `grant()` lets the oldest waiting one complete.
 */
function pane(cap: number) {
  const writes: Uint8Array[] = [];
  const waiting: Array<() => void> = [];
  let credit = true;
  let caughtUp = 0;
  const errors: unknown[] = [];
  const feed = new PaneFeed({
    cap,
    write: (b) => {
      writes.push(b);
      if (credit) return Promise.resolve();
      return new Promise<void>((done) => waiting.push(done));
    },
    onCaughtUp: () => caughtUp++,
    onError: (e) => errors.push(e),
  });
  return {
    feed,
    writes,
    errors,
    caughtUp: () => caughtUp,
    stall: () => (credit = false),
    /** Gives the pane credit again and completes what waited. */
    resume: async () => {
      credit = true;
      for (const done of waiting.splice(0)) done();
      await tick();
    },
  };
}

describe('PaneFeed: bounded buffering per console pane', () => {
  it('passes bytes through in order while the pane has credit', async () => {
    const p = pane(100);
    for (const n of [10, 20, 30]) p.feed.push(bytes(n, n));
    await tick();
    expect(p.writes.map((w) => [w.length, w[0]])).toEqual([
      [10, 10],
      [20, 20],
      [30, 30],
    ]);
    expect(p.feed.behind).toBe(false);
    expect(p.caughtUp()).toBe(0);
  });

  it('queues up to the cap while the pane has no credit, and delivers it all once it reads', async () => {
    const p = pane(100);
    p.stall();
    p.feed.push(bytes(10)); // in flight, waiting for credit
    await tick();
    for (let i = 0; i < 10; i++) p.feed.push(bytes(10)); // exactly the cap
    expect(p.feed.queuedBytes).toBe(100);
    expect(p.feed.behind).toBe(false);
    await p.resume();
    expect(p.writes.reduce((n, w) => n + w.length, 0)).toBe(110);
    expect(p.feed.queuedBytes).toBe(0);
    expect(p.caughtUp()).toBe(0);
  });

  it('past the cap drops the queue and stops buffering, then asks for the screen once the pane reads again', async () => {
    const p = pane(100);
    p.stall();
    p.feed.push(bytes(10));
    await tick();
    for (let i = 0; i < 10; i++) p.feed.push(bytes(10));
    p.feed.push(bytes(1)); // one byte past the cap
    expect(p.feed.behind).toBe(true);
    expect(p.feed.queuedBytes).toBe(0);
    // A flood while behind costs nothing: it is counted, not kept.
    for (let i = 0; i < 1000; i++) p.feed.push(bytes(1000));
    expect(p.feed.queuedBytes).toBe(0);
    expect(p.feed.dropped).toBe(100 + 1 + 1000 * 1000);
    expect(p.caughtUp()).toBe(0); // still no credit

    await p.resume();
    expect(p.caughtUp()).toBe(1);
    expect(p.writes).toHaveLength(1); // only the write that was already in flight
    // Live bytes pushed before the owner answers are in the screen it will send.
    p.feed.push(bytes(5));
    p.feed.resync(bytes(3, 0x53));
    p.feed.push(bytes(7, 0x4c));
    await tick();
    expect(p.feed.behind).toBe(false);
    expect(p.writes.slice(1).map((w) => [w.length, w[0]])).toEqual([
      [3, 0x53],
      [7, 0x4c],
    ]);
  });

  it('a screen bigger than the cap is not an overflow by itself', async () => {
    const p = pane(100);
    p.stall();
    p.feed.resync(bytes(10_000, 0x53));
    await tick();
    p.feed.push(bytes(60));
    p.feed.push(bytes(40));
    expect(p.feed.behind).toBe(false);
    await p.resume();
    expect(p.writes.map((w) => w.length)).toEqual([10_000, 60, 40]);
  });

  it('one chunk larger than the cap goes through when nothing is queued', async () => {
    const p = pane(100);
    p.feed.push(bytes(500));
    await tick();
    expect(p.feed.behind).toBe(false);
    expect(p.writes.map((w) => w.length)).toEqual([500]);
  });

  it('reports a failed write once and stops; a disposed feed takes nothing', async () => {
    const errors: unknown[] = [];
    const feed = new PaneFeed({
      cap: 100,
      write: () => Promise.reject(new Error('gone')),
      onCaughtUp: () => {},
      onError: (e) => errors.push(e),
    });
    feed.push(bytes(1));
    await tick();
    expect(errors).toEqual([new Error('gone')]);
    feed.dispose();
    feed.push(bytes(1));
    await tick();
    expect(errors).toHaveLength(1);
    expect(feed.queuedBytes).toBe(0);
  });
});
