import { statSync } from 'node:fs';
import type { Operation } from '../../api/clusters-api';
import type { CallContext } from '../../core/call-context';
import { CorralCore } from '../../core/corral-core';
import { nodeVolumeNames } from '../../core/clusters/cluster-naming';
import { hostPath, hostVirsh } from '../../test/lab/guest';
import type { LabHost, LabState } from '../../test/lab/state';
import {
  addLabHosts,
  allowLabClusters,
  asAdministrator,
  until,
} from '../../test/lab/clusters-support';
import { log } from '../topology/lab-access';
import { CORRAL_CLUSTER, IMAGES_DIR, corralSpec } from './bench-shape';
import { CORE_ITSELF } from '../../core/inventory/inventory-service';

/** Bytes a node's files take on its host's disk: its overlay and its seed. */
export interface NodeStorage {
  overlay: number;
  seed: number;
}

/** Allocated bytes of a file inside a lab host (what `du` counts, not its apparent size). */
export function allocatedBytes(host: LabHost, path: string): number {
  return statSync(hostPath(host, path)).blocks * 512;
}

/** A running Corral (CorralCore) with the administrator signed in and the lab hosts trusted. */
export interface CorralSide {
  core: CorralCore;
  ctx: CallContext;
  /** Corral's host id of each lab host, in lab order. */
  hostIds: string[];
}

/**
 * Starts Corral the way a person would have it before the wizard: the first account (the
 * administrator) signed up, both lab hosts added with the lab key and their fingerprints checked
 * against the lab's known_hosts, both online with facts in the inventory, and the lab image
 * marked as a base image.
 */
export async function startCorral(state: LabState, dataDir: string): Promise<CorralSide> {
  const core = new CorralCore({
    dataDir,
    shell: 'test',
    hosts: { localHost: false },
    clusters: { log: (line) => log(`corral: ${line}`) },
  });
  const ctx: CallContext = { sessionId: 'bench-cluster' };
  await core.api.accounts.signUp({ username: 'bench', password: 'bench-cluster-password' }, ctx);
  const hostIds = await addLabHosts(core, state, ctx);
  await allowLabClusters(asAdministrator(core, ctx), hostIds);
  return { core, ctx, hostIds };
}

// A deletion that could not finish ends as 'failed' (delete again to retry); 'interrupted' when
// Corral stopped meanwhile.
const ENDED = new Set<Operation['status']>([
  'succeeded',
  'failed',
  'cancelled',
  'rolled-back',
  'interrupted',
]);

/**
 * Runs an operation-starting call and resolves with the operation once it has ended, from the
 * contract's operation events (what the UI's progress view follows), to the event.
 */
async function untilEnded(
  side: CorralSide,
  start: () => Operation | Promise<Operation>,
): Promise<Operation> {
  const latest = new Map<string, Operation>();
  let wake = () => {};
  const sub = side.core.api.operations.onChanged((op) => {
    latest.set(op.id, op);
    wake();
  }, side.ctx);
  try {
    const { id } = await start();
    for (;;) {
      const op = latest.get(id);
      if (op && ENDED.has(op.status)) return op;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    sub.dispose();
  }
}

/** Creates the 4-node cluster through the contract; seconds from `create` to `succeeded`. */
export async function createCorralCluster(
  side: CorralSide,
  state: LabState,
): Promise<{ seconds: number; op: Operation; storage: NodeStorage[] }> {
  const t0 = performance.now();
  const op = await untilEnded(side, () =>
    side.core.api.clusters.create(corralSpec(state.sshPublicKey), side.ctx),
  );
  const seconds = (performance.now() - t0) / 1000;
  if (op.status !== 'succeeded')
    throw new Error(`corral: cluster creation ${op.status}: ${op.error ?? ''}`);
  const storage = op.nodes.map((n) => {
    const host = labHostOf(side, state, n.hostId);
    const names = nodeVolumeNames(CORRAL_CLUSTER, n.index, op.id);
    return {
      overlay: allocatedBytes(host, `${IMAGES_DIR}/${names.overlay}`),
      seed: allocatedBytes(host, `${IMAGES_DIR}/${names.seed}`),
    };
  });
  return { seconds, op, storage };
}

/** Where each node landed, as lab host names in node order. */
export function placementOf(side: CorralSide, state: LabState, op: Operation): string[] {
  return [...op.nodes]
    .sort((a, b) => a.index - b.index)
    .map((n) => labHostOf(side, state, n.hostId).name);
}

/** Deletes the cluster through the contract (confirming its domains) and checks the hosts. */
export async function deleteCorralCluster(side: CorralSide, state: LabState): Promise<void> {
  const { core, ctx } = side;
  const cluster = await until('the cluster listed with all its nodes', 60_000, async () => {
    const c = (await core.api.clusters.list({}, ctx)).find((x) => x.name === CORRAL_CLUSTER);
    return c && c.nodes.length >= 4 ? c : undefined;
  });
  const op = await untilEnded(side, () =>
    core.api.clusters.remove(
      { cluster: CORRAL_CLUSTER, confirm: cluster.nodes.map((n) => n.name) },
      ctx,
    ),
  );
  if (op.status !== 'succeeded') throw new Error(`corral: delete ${op.status}: ${op.error ?? ''}`);
  const left = await leftovers(state, `${CORRAL_CLUSTER}-`);
  if (left.length > 0)
    throw new Error(`corral: left on the hosts after delete: ${left.join(', ')}`);
  // The inventory must forget the nodes too before the next round reuses the name.
  await until('the cluster gone from the inventory', 60_000, () =>
    core.inventory.snapshot(CORE_ITSELF).vms.every((v) => v.membership?.cluster !== CORRAL_CLUSTER),
  );
}

/** Domains and default-pool volumes named `prefix…` on any lab host (`host:name`). */
export async function leftovers(state: LabState, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for (const h of state.hosts) {
    const doms = (await hostVirsh(h, ['list', '--all', '--name'])).stdout.split('\n');
    await hostVirsh(h, ['pool-refresh', 'default']);
    const vols = (await hostVirsh(h, ['vol-list', 'default'])).stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[0] ?? '');
    for (const n of [...doms.map((d) => d.trim()), ...vols])
      if (n.startsWith(prefix)) out.push(`${h.name}:${n}`);
  }
  return out;
}

function labHostOf(side: CorralSide, state: LabState, hostId: string): LabHost {
  const host = state.hosts[side.hostIds.indexOf(hostId)];
  if (!host) throw new Error(`node on an unknown host ${hostId}`);
  return host;
}
