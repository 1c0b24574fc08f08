import type { VmRef } from '../../api/inventory-api';
import type { ResizeChange } from '../../api/resize-api';
import type { HostConnections } from '../hosts/host-connections';
import * as domain from '../libvirt/domain';
import type { TaskContext, TaskRunner } from '../tasks/task-runner';
import {
  nodeShell,
  readNodeDetails,
  recordNodeSpec,
  resizedSpec,
  writeHostfiles,
} from './node-records';
import { describePlan, type ResizePlan } from './resize-plan';
import { resizeVm, type ResizeOutcome, type VmResizeTarget } from './vm-resizer';

/** What the resize runners need from the rest of the core. */
export interface ResizeDeps {
  hosts: HostConnections;
  /** The cluster's SSH private key, when this Corral holds it (to reach inside its nodes). */
  clusterKey(cluster: string): string | undefined;
  /** Shows a VM's new sizes (and what is pending) without waiting for the next poll. */
  reread(ref: VmRef): Promise<void>;
  /** A node's recorded spec changed: forget what was read of it. */
  forgetNode(hostId: string, uuid: string): void;
}

/** One VM of a resize task, as journaled: the plan was checked before the task started. */
export interface ResizeNode {
  hostId: string;
  uuid: string;
  name: string;
  plan: ResizePlan;
  running: boolean;
  /** The cluster it belongs to, when it is a node (Corral may SSH into it). */
  cluster?: string;
  done?: boolean;
  /** vCPUs the guest runs with after the resize (the hostfile's slots). */
  vcpusAfter?: number;
}

export type VmResizeState = ResizeNode;

export interface ClusterResizeState {
  cluster: string;
  change: ResizeChange;
  nodes: ResizeNode[];
}

/** Where a resize of one VM is applied, with SSH into it when it is a node Corral holds the key of. */
async function targetOf(
  deps: ResizeDeps,
  node: ResizeNode,
  progress: (detail: string) => void,
): Promise<VmResizeTarget> {
  const client = deps.hosts.libvirt(node.hostId);
  const key = node.cluster !== undefined ? deps.clusterKey(node.cluster) : undefined;
  const details = key ? await readNodeDetails(client, node.uuid) : undefined;
  const shell = details && key ? nodeShell(deps.hosts, node.hostId, details, key) : undefined;
  return { client, uuid: node.uuid, name: node.name, progress, ...(shell ? { shell } : {}) };
}

function summary(out: ResizeOutcome): string {
  return [
    ...out.done,
    ...out.pending.map((p) => `${p} at next boot (pending)`),
    ...out.warnings.map((w) => `warning: ${w}`),
  ].join('; ');
}

/** Resizes one node as a step of its task; true when it succeeded. */
async function resizeStep<S>(
  ctx: TaskContext<S>,
  deps: ResizeDeps,
  node: ResizeNode,
  save: () => void,
): Promise<boolean> {
  if (node.done) return true;
  ctx.step(node.name, { status: 'running', hostId: node.hostId });
  try {
    const target = await targetOf(deps, node, (detail) => ctx.step(node.name, { detail }));
    const out = await resizeVm(target, node.plan);
    for (const w of out.warnings) ctx.log(`${node.name}: ${w}`, 'warn');
    node.done = true;
    const v = node.plan.vcpus;
    node.vcpusAfter = v ? (v.live || !node.running ? v.count : v.from) : undefined;
    save();
    ctx.step(node.name, { status: 'done', detail: summary(out) || 'already that size' });
    ctx.log(`${node.name}: ${summary(out) || 'already that size'}`);
    return true;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    ctx.step(node.name, { status: 'failed', error: why });
    ctx.log(`${node.name}: ${why}`, 'error');
    return false;
  } finally {
    await deps.reread({ hostId: node.hostId, uuid: node.uuid }).catch(() => undefined);
  }
}

/** `vm-resize`: one VM, checked before the task started; idempotent, so resume runs it again. */
export function vmResizeRunner(deps: ResizeDeps): TaskRunner<VmResizeState> {
  const run = async (ctx: TaskContext<VmResizeState>) => {
    const node = { ...ctx.state };
    ctx.log(`${node.name}: ${describePlan(node.plan, node.running)}`);
    const ok = await resizeStep(ctx, deps, node, () => ctx.save(node));
    ctx.progress(1);
    if (!ok) throw new Error(`resizing ${node.name} failed`);
  };
  return { kind: 'vm-resize', cancellable: false, run, resume: run };
}

/**
 * `cluster-resize`: every node at once (one step each), then the cluster's recorded sizes on
 * every node, so nodes added later match, and the MPI hostfile when the vCPUs changed.
 */
export function clusterResizeRunner(deps: ResizeDeps): TaskRunner<ClusterResizeState> {
  const run = async (ctx: TaskContext<ClusterResizeState>) => {
    const state: ClusterResizeState = structuredClone(ctx.state);
    const save = () => ctx.save(structuredClone(state));
    let finished = 0;
    const results = await Promise.all(
      state.nodes.map(async (node) => {
        const ok = await resizeStep(ctx, deps, node, save);
        ctx.progress((++finished / state.nodes.length) * 0.8);
        return ok;
      }),
    );
    const failed = state.nodes.filter((_, i) => !results[i]).map((n) => n.name);
    if (failed.length > 0) {
      ctx.step('record', { status: 'skipped', detail: 'not every node was resized' });
      if (state.change.vcpus !== undefined) ctx.step('hostfile', { status: 'skipped' });
      throw new Error(`resizing ${failed.join(', ')} failed; the other nodes were resized`);
    }

    ctx.step('record', { status: 'running' });
    const key = deps.clusterKey(state.cluster);
    const peers: Parameters<typeof writeHostfiles>[0][number][] = [];
    try {
      await Promise.all(
        state.nodes.map(async (node) => {
          const client = deps.hosts.libvirt(node.hostId);
          const details = await readNodeDetails(client, node.uuid);
          if (!details?.spec) throw new Error(`${node.name} carries no cluster spec`);
          await recordNodeSpec(client, node.uuid, details, resizedSpec(details.spec, state.change));
          const shell = key ? nodeShell(deps.hosts, node.hostId, details, key) : undefined;
          const address = details.nics[0]?.address.split('/')[0];
          if (shell && address && details.hostKey) {
            const { num } = await domain.getVcpus(client, {
              dom: (await domain.lookupByUuid(client, { uuid: node.uuid })).dom,
              flags: node.running ? domain.DomainModify.LIVE : domain.DomainModify.CONFIG,
            });
            peers.push({
              name: node.name,
              address,
              hostKey: details.hostKey,
              vcpus: node.vcpusAfter ?? num,
              shell,
            });
          }
        }),
      );
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      ctx.step('record', { status: 'failed', error: why });
      throw new Error(`recording the cluster's new sizes failed: ${why}`, { cause: err });
    } finally {
      for (const node of state.nodes) deps.forgetNode(node.hostId, node.uuid);
    }
    ctx.step('record', { status: 'done', detail: 'nodes added later get the new sizes' });
    ctx.progress(0.9);

    if (state.change.vcpus !== undefined) {
      ctx.step('hostfile', { status: 'running' });
      if (!key || peers.length !== state.nodes.length) {
        ctx.step('hostfile', {
          status: 'failed',
          error: 'this Corral cannot reach every node (it does not hold the cluster key)',
        });
        throw new Error('the MPI hostfile could not be rewritten on every node');
      }
      try {
        await writeHostfiles(peers);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        ctx.step('hostfile', { status: 'failed', error: why });
        throw new Error(`rewriting the MPI hostfile failed: ${why}`, { cause: err });
      }
      const slots = peers.map((p) => `${p.name} slots=${p.vcpus}`).join(', ');
      ctx.step('hostfile', { status: 'done', detail: slots });
    }
    ctx.progress(1);
  };
  return { kind: 'cluster-resize', cancellable: false, run, resume: run };
}
