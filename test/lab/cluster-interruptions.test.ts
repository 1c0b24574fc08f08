import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSpec, Operation } from '../../api/clusters-api';
import type { CallContext } from '../../core/call-context';
import type { CorralCore } from '../../core/corral-core';
import { hostLeftovers, labClusterSpec, until, waitForRoom } from './clusters-support';
import { currentLab } from './lab-fixture';
import { startLabClusters, stopLabClusters } from './lab-cluster-setup';
import { setHostLink } from './link-control';
import type { LabState } from './state';

/**
 * Interruptions on the lab, through CorralCore: a creation cancelled while its nodes
 * boot leaves nothing on either host; a host whose link is cut while its node boots fails the
 * creation with an error naming what happened, the other host is cleaned at once, the cut host's
 * node is reported (not silently orphaned) and a rollback after the link returns removes it.
 */
const PREFIX = 'h12lab';
const admin: CallContext = { sessionId: 'h12-admin' };
const carol: CallContext = { sessionId: 'h12-carol' };

let core: CorralCore;
let dataDir: string;
let lab: LabState;
let hostIds: string[] = [];

/** Two nodes, with addresses of our own on the lab segment (clusters.test.ts uses .180-.199). */
const spec = (name: string, first: string, last: string): ClusterSpec =>
  labClusterSpec(lab, name, 2, { first, last });

function operation(id: string): Operation | undefined {
  return core.clusters.listOperations(carol).find((o) => o.id === id);
}

async function noLeftovers(): Promise<void> {
  for (const h of lab.hosts) {
    expect(await hostLeftovers(h, PREFIX)).toEqual({ domains: [], volumes: [] });
  }
}

describe('cluster creation interrupted on the lab', () => {
  beforeAll(async () => {
    lab = currentLab();
    ({ core, dataDir, hostIds } = await startLabClusters(lab, {
      prefix: PREFIX,
      dataDirPrefix: 'corral-h12-interrupt-',
      admin: { ctx: admin, username: 'h12admin', password: 'admin-password' },
      users: [{ ctx: carol, username: 'h12carol', password: 'carol-password' }],
    }));
  }, 120_000);

  afterAll(async () => {
    if (lab) for (const h of lab.hosts) await setHostLink(h, true).catch(() => undefined);
    await stopLabClusters({ lab, core, dataDir }, PREFIX);
  }, 120_000);

  it('cancels while the nodes boot: the operation ends cancelled and nothing is left', async () => {
    await waitForRoom(lab, 2);
    const started = await core.clusters.create(
      spec(`${PREFIX}-cancel`, '10.213.0.170', '10.213.0.171'),
      carol,
    );
    // Cancel once a node's domain runs: the overlay, seed and domain all exist by then.
    await until('a node booting', 300_000, () =>
      operation(started.id)?.nodes.some((n) => n.phase === 'waiting-ssh'),
    );
    expect((await core.clusters.cancel(started.id, carol)).status).toBe('cancelling');
    const op = await core.clusters.settled(started.id);
    expect(op.status).toBe('cancelled');
    expect(op.nodes.every((n) => n.phase === 'rolled-back' || n.phase === 'cancelled')).toBe(true);
    await noLeftovers();
    // A second cancel is refused with the reason, not ignored.
    await expect(core.clusters.cancel(started.id, carol)).rejects.toThrow(/cancelled, not running/);
  }, 600_000);

  it('reports a host cut mid-creation, cleans the other, and rolls back once it returns', async () => {
    await waitForRoom(lab, 2);
    const cutHost = lab.hosts[1]!;
    const cutId = hostIds[1]!;
    const started = await core.clusters.create(
      spec(`${PREFIX}-drop`, '10.213.0.172', '10.213.0.173'),
      carol,
    );
    await until("the second host's node booting", 300_000, () =>
      operation(started.id)?.nodes.some((n) => n.hostId === cutId && n.phase === 'waiting-ssh'),
    );
    await setHostLink(cutHost, false);
    let op: Operation;
    try {
      op = await core.clusters.settled(started.id);
    } finally {
      await setHostLink(cutHost, true);
    }
    expect(op.status).toBe('failed');
    // Clear: which node, that its host dropped, and what is left where.
    expect(op.error).toMatch(/host dropped while .*-drop-\d+ booted/);
    expect(op.error).toMatch(new RegExp(`not rolled back: .* on ${cutHost.name}`));
    expect(await hostLeftovers(lab.hosts[0]!, PREFIX)).toEqual({ domains: [], volumes: [] });
    expect((await hostLeftovers(cutHost, PREFIX)).domains).toHaveLength(1);

    await until('the cut host online again', 180_000, () =>
      core.hosts.list().find((h) => h.id === cutId && h.status.state === 'online'),
    );
    expect((await core.clusters.rollback(started.id, carol)).status).toBe('rolling-back');
    const rolled = await core.clusters.settled(started.id);
    // The cause stays on record; the "not rolled back" note is gone with what it named.
    expect(rolled.error).toMatch(/host dropped/);
    expect(rolled.error).not.toMatch(/not rolled back/);
    expect(rolled.status).toBe('rolled-back');
    await noLeftovers();
  }, 900_000);
});
