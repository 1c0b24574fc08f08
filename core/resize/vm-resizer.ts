import type { Client } from 'ssh2';
import { CorralError } from '../../api/errors';
import {
  ErrorNumber,
  LibvirtError,
  type DomainRef,
  type LibvirtClient,
} from '../../native/libvirt';
import { parseDomainXml } from '../inventory/domain-xml';
import * as domain from '../libvirt/domain';
import * as storageVolume from '../libvirt/storage-volume';
import { toCorralError } from '../vm/libvirt-errors';
import { growGuestRootFs, onlineGuestCpus } from './guest-commands';
import { refuseShrink, type ResizePlan } from './resize-plan';

const { LIVE, CONFIG } = domain.DomainModify;
// The guest sees a hot-plugged vCPU a moment after the call returns: ask its agent a few times.
const AGENT_TRIES = 10;
const AGENT_RETRY_MS = 1_000;
// A node restarted after a failed hot-plug boots under TCG: give it what a creation gives it.
const RESTART_TIMEOUT_MS = 300_000;
const STOP_NOTICE_MS = 5_000;

/** What one VM's resize did, part by part. */
export interface ResizeOutcome {
  /** Human-readable lines: what was applied, and how. */
  done: string[];
  /** What waits for the next boot (shown as pending). */
  pending: string[];
  /** What Corral could not finish inside the guest (the VM itself was resized). */
  warnings: string[];
}

/** How Corral reaches inside the guest over SSH, for cluster nodes whose key it holds. */
export type GuestShell = () => Promise<Client>;

export interface VmResizeTarget {
  client: LibvirtClient;
  uuid: string;
  name: string;
  /** Absent: no SSH into this guest (not a node, or the cluster's key is elsewhere). */
  shell?: GuestShell;
  /** Reports what it is doing now ("ballooning to 512 MiB"). */
  progress?(detail: string): void;
  /** Throws when the task should stop (checked between parts). */
  checkStop?(): void;
}

/**
 * Applies a plan to one VM. Memory: the balloon (live and definition) within the maximum; beyond
 * it, the definition's maximum and size (next boot). vCPUs: hot-plug within the maximum, then the
 * new CPUs brought online in the guest (its agent, else SSH); beyond, the definition. Disk: the
 * size is read first and a shrink refused before anything changes; then block resize and the
 * guest's root file system grown online (running), or the volume resized (off).
 */
export async function resizeVm(target: VmResizeTarget, plan: ResizePlan): Promise<ResizeOutcome> {
  const out: ResizeOutcome = { done: [], pending: [], warnings: [] };
  const { client } = target;
  const step = (d: string) => target.progress?.(d);
  const dom = (await domain.lookupByUuid(client, { uuid: target.uuid })).dom;

  // The disk first: a shrink found now fails the resize before anything else changed.
  let diskSource: string | undefined;
  if (plan.disk) {
    const xml = parseDomainXml((await domain.getXmlDesc(client, { dom, flags: 0 })).xml);
    diskSource = xml.disks.find((d) => d.target === plan.disk!.target)?.source;
    if (!/^[a-z][a-z0-9]*$/.test(plan.disk.target)) {
      throw new CorralError('bad-request', `${target.name}: unusual disk name ${plan.disk.target}`);
    }
    const { capacity } = await domain.blockInfo(client, {
      dom,
      path: plan.disk.target,
      flags: 0,
    });
    refuseShrink(target.name, plan.disk.target, Number(capacity), plan.disk.bytes);
  }

  if (plan.memory) {
    target.checkStop?.();
    const m = plan.memory;
    const mibText = `${Math.round(m.kib / 1024)} MiB`;
    try {
      if (m.live) {
        step(`ballooning to ${mibText}`);
        await domain.setMemory(client, { dom, memory: BigInt(m.kib), flags: LIVE | CONFIG });
        out.done.push(`memory ${mibText} live`);
      } else {
        step(`defining ${mibText} of memory`);
        if (m.raiseMaxKiB !== undefined) {
          await domain.setMemory(client, {
            dom,
            memory: BigInt(m.raiseMaxKiB),
            flags: CONFIG | domain.MEMORY_MAXIMUM,
          });
        }
        await domain.setMemory(client, { dom, memory: BigInt(m.kib), flags: CONFIG });
        ((await isRunning(client, dom)) ? out.pending : out.done).push(`memory ${mibText}`);
      }
    } catch (err) {
      throw toCorralError(err, `${target.name}: setting memory to ${mibText}`);
    }
  }

  if (plan.vcpus) {
    target.checkStop?.();
    const v = plan.vcpus;
    try {
      if (v.live) {
        step(`hot-plugging to ${v.count} vCPUs`);
        if (await hotPlug(target, dom, v.count, out)) {
          out.done.push(`${v.count} vCPUs live`);
          if (v.count > v.from) await onlineCpus(target, dom, v.from, v.count, out);
        }
      } else {
        step(`defining ${v.count} vCPUs`);
        if (v.raiseMax !== undefined) {
          await domain.setVcpus(client, {
            dom,
            nvcpus: v.raiseMax,
            flags: CONFIG | domain.VCPU_MAXIMUM,
          });
        }
        await domain.setVcpus(client, { dom, nvcpus: v.count, flags: CONFIG });
        ((await isRunning(client, dom)) ? out.pending : out.done).push(`${v.count} vCPUs`);
      }
    } catch (err) {
      throw toCorralError(err, `${target.name}: setting ${v.count} vCPUs`);
    }
  }

  if (plan.disk) {
    target.checkStop?.();
    const d = plan.disk;
    const size = `${d.bytes / 1024 ** 3} GiB`;
    try {
      if (await isRunning(client, dom)) {
        step(`growing ${d.target} to ${size}`);
        await domain.blockResize(client, {
          dom,
          disk: d.target,
          size: BigInt(d.bytes),
          flags: domain.BLOCK_RESIZE_BYTES,
        });
        out.done.push(`disk ${d.target} ${size} live`);
        await growFs(target, d.target, out);
      } else {
        if (!diskSource) throw new Error(`disk ${d.target} has no file to resize`);
        step(`resizing the volume of ${d.target} to ${size}`);
        const { vol } = await storageVolume.lookupByPath(client, { path: diskSource });
        await storageVolume.resize(client, { vol, capacity: BigInt(d.bytes), flags: 0 });
        out.done.push(`disk ${d.target} ${size}`);
      }
    } catch (err) {
      throw toCorralError(err, `${target.name}: growing disk ${d.target} to ${size}`);
    }
  }
  return out;
}

/**
 * Plugs vCPUs into the running VM; true when it did. QEMU 7.2's TCG can abort while it starts a
 * hot-plugged vCPU's thread (when every translation-cache region is in use at that moment): the
 * VM is then gone. Corral then does what the person asked the hard way, and says so: the count
 * into the definition, and the VM started again (false).
 */
async function hotPlug(
  target: VmResizeTarget,
  dom: DomainRef,
  count: number,
  out: ResizeOutcome,
): Promise<boolean> {
  const { client } = target;
  try {
    await domain.setVcpus(client, { dom, nvcpus: count, flags: LIVE | CONFIG });
    return true;
  } catch (err) {
    if (!(await stoppedWithin(client, dom, STOP_NOTICE_MS))) throw err;
    const why = err instanceof Error ? err.message : String(err);
    target.progress?.(`the VM stopped during the hot-plug; starting it with ${count} vCPUs`);
    await domain.setVcpus(client, { dom, nvcpus: count, flags: CONFIG });
    await domain.create(client, { dom, flags: 0 });
    if (target.shell) await waitForShell(target.shell, RESTART_TIMEOUT_MS);
    out.done.push(`${count} vCPUs after a restart`);
    out.warnings.push(
      `the VM stopped during the vCPU hot-plug (${why}); Corral started it again with ${count} vCPUs`,
    );
    return false;
  }
}

/** True once the domain is no longer running, polled for up to `ms` (libvirt notices a dead QEMU a moment after the failed call). */
async function stoppedWithin(client: LibvirtClient, dom: DomainRef, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const running = await isRunning(client, dom).catch(() => true);
    if (!running) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Waits until the guest takes an SSH login again (after a restart), or `ms` pass. */
async function waitForShell(shell: GuestShell, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      (await shell()).end();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

async function isRunning(client: LibvirtClient, dom: DomainRef): Promise<boolean> {
  const { state } = await domain.getState(client, { dom, flags: 0 });
  // running, blocked, paused
  return state === 1 || state === 2 || state === 3;
}

/**
 * Brings vCPUs `from`..`to - 1` online in the guest: through its QEMU guest agent (any VM with
 * the channel and a running agent), else over SSH (cluster nodes), else says it could not.
 */
async function onlineCpus(
  target: VmResizeTarget,
  dom: DomainRef,
  from: number,
  to: number,
  out: ResizeOutcome,
): Promise<void> {
  target.progress?.(`bringing vCPUs ${from}-${to - 1} online in the guest`);
  const cpumap = to - from === 1 ? String(from) : `${from}-${to - 1}`;
  let agentError: unknown;
  for (let i = 0; i < AGENT_TRIES; i++) {
    try {
      await domain.setGuestVcpus(target.client, { dom, cpumap, state: 1, flags: 0 });
      out.done.push(`vCPUs ${cpumap} online in the guest (guest agent)`);
      return;
    } catch (err) {
      agentError = err;
      // Only a guest that does not list the new CPU yet ("not present in the guest") is worth
      // asking again; no agent, or one that does not answer, goes to SSH at once.
      if (!(err instanceof LibvirtError) || err.code !== ErrorNumber.INVALID_ARG) break;
      await new Promise((r) => setTimeout(r, AGENT_RETRY_MS));
    }
  }
  const agentWhy = agentError instanceof Error ? agentError.message : String(agentError);
  if (target.shell) {
    try {
      const ssh = await target.shell();
      try {
        const n = await onlineGuestCpus(ssh);
        out.done.push(`${n} vCPUs brought online in the guest (SSH)`);
        return;
      } finally {
        ssh.end();
      }
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      out.warnings.push(
        `the new vCPUs are plugged in but not online in the guest (agent: ${agentWhy}; SSH: ${why})`,
      );
      return;
    }
  }
  out.warnings.push(
    `the new vCPUs are plugged in; the guest must bring them online itself (agent: ${agentWhy})`,
  );
}

/** Grows the guest's root file system over SSH; a warning when Corral cannot reach the guest. */
async function growFs(target: VmResizeTarget, disk: string, out: ResizeOutcome): Promise<void> {
  if (!target.shell) {
    out.warnings.push(`disk ${disk} grew; the guest must grow its file system itself`);
    return;
  }
  target.progress?.('growing the guest file system');
  try {
    const ssh = await target.shell();
    try {
      await growGuestRootFs(ssh, disk);
    } finally {
      ssh.end();
    }
    out.done.push('root file system grown online');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    out.warnings.push(`disk ${disk} grew, but its file system did not: ${why}`);
  }
}
