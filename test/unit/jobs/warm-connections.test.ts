import { EventEmitter } from 'node:events';
import type { Client } from 'ssh2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobClusters, JobNodeRef } from '../../../core/jobs/job-cluster';
import { WarmJobClusters } from '../../../core/jobs/warm-connections';

// Only the handoff bookkeeping is under test here: a connection is an object that can end and
// tell when it closed (the real logins are exercised by the lab's job tests).
class Connection extends EventEmitter {
  ended = false;
  end() {
    this.ended = true;
    this.emit('close');
  }
}

const node: JobNodeRef = {
  name: 'c-0',
  hostId: 'h1',
  address: '10.0.0.2',
  hostKey: 'k1',
  vcpus: 1,
};

function setup() {
  const opened: Connection[] = [];
  const inner: JobClusters = {
    nodes: () => Promise.resolve([]),
    connect: () => {
      const c = new Connection();
      opened.push(c);
      return Promise.resolve(c as unknown as Client);
    },
  };
  return { warm: new WarmJobClusters(inner), opened };
}

describe('connections kept from the start checks for the job', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hands a parked connection to exactly one taker; the next logs in again', async () => {
    const { warm, opened } = setup();
    const checked = await warm.connect('c', node);
    warm.park('c', node, checked);
    expect(await warm.connect('c', node)).toBe(checked);
    const again = await warm.connect('c', node);
    expect(again).not.toBe(checked);
    expect(opened).toHaveLength(2);
  });

  it('does not hand a node rebuilt under the same name the old connection', async () => {
    const { warm } = setup();
    const checked = await warm.connect('c', node);
    warm.park('c', node, checked);
    const rebuilt = { ...node, hostKey: 'k2' };
    expect(await warm.connect('c', rebuilt)).not.toBe(checked);
  });

  it('closes a connection nobody took after the wait, and never hands out a closed one', async () => {
    const { warm } = setup();
    const a = await warm.connect('c', node);
    warm.park('c', node, a);
    vi.advanceTimersByTime(31_000);
    expect((a as unknown as Connection).ended).toBe(true);
    expect(await warm.connect('c', node)).not.toBe(a);

    const b = await warm.connect('c', node);
    warm.park('c', node, b);
    (b as unknown as Connection).emit('close');
    expect(await warm.connect('c', node)).not.toBe(b);
  });

  it('closes what is parked when Corral closes', async () => {
    const { warm } = setup();
    const a = await warm.connect('c', node);
    warm.park('c', node, a);
    warm.close();
    expect((a as unknown as Connection).ended).toBe(true);
  });
});
