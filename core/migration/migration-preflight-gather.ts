import type { MigrateRequest } from '../../api/migration-api';
import type { TaskStatus } from '../../api/tasks-api';
import type { LibvirtClient, PoolRef, VolRef } from '../../native/libvirt';
import { ErrorNumber, LibvirtError } from '../../native/libvirt';
import { companionNames } from '../images/base-images';
import { parseVolumeXml } from '../images/volume-xml';
import { CallLimiter } from '../inventory/call-limiter';
import { availableMemoryKiB, domainStateName } from '../inventory/domain-stats';
import { compareHypervisorCpu } from '../libvirt/connect-cpu';
import * as domain from '../libvirt/domain';
import * as domainSnapshot from '../libvirt/domain-snapshot';
import { LIST_ACTIVE, listAllInterfaces, listAllNetworks } from '../libvirt/host-networks';
import * as node from '../libvirt/node';
import * as storagePool from '../libvirt/storage-pool';
import * as storageVolume from '../libvirt/storage-volume';
import type { PreflightDeps } from './migration-preflight';
import { parsePreflightDomain, type PreflightDomain } from './migration-preflight-domain';
import type {
  CpuFact,
  MigrationFacts,
  PoolVolume,
  Read,
  SourceDisk,
} from './migration-preflight-facts';

/** Well under the 2 s a person waits for the dialog's verdict, even over slow links. */
export const PREFLIGHT_BUDGET_MS = 1500;

// A task in one of these may still change the VM: an interrupted one waits to be resumed or
// rolled back, and either would act on a VM that has moved away under it.
const WORKING = new Set<TaskStatus>([
  'queued',
  'running',
  'cancelling',
  'rolling-back',
  'interrupted',
]);
// virDomainXMLFlags: the definition as a migration sends it (host-model CPUs expanded).
const XML_MIGRATABLE = 8;
// virNodeGetMemoryStats: all NUMA cells together.
const ALL_CELLS = -1;
// virConnectListAllStoragePools: active pools only.
const POOLS_ACTIVE = 2;
// libvirtd serves at most 5 calls per client at once; the inventory shares the connection.
const CALLS_PER_HOST = 4;

type Opts = () => { timeoutMs: number };

/**
 * Reads everything the checks need, both hosts in parallel: the source's definition, state,
 * snapshots and disks; the target's domains, memory, CPUs, networks, bridges and storage. Every
 * call has a deadline (what is left of the budget); a failed read is kept as such, never thrown.
 */
export async function gatherMigrationFacts(
  deps: PreflightDeps,
  req: MigrateRequest,
): Promise<MigrationFacts> {
  const deadline = performance.now() + (deps.budgetMs ?? PREFLIGHT_BUDGET_MS);
  const opts: Opts = () => ({ timeoutMs: Math.max(1, Math.round(deadline - performance.now())) });
  const online = new Set(deps.hosts.online().map((h) => h.hostId));
  const client = (hostId: string) =>
    online.has(hostId) ? safe(() => deps.hosts.libvirt(hostId)) : undefined;
  const sameHost = req.hostId === req.targetHostId;
  const knownName = deps.nameOf(req);
  const source = client(req.hostId);
  const target = sameHost ? undefined : client(req.targetHostId);

  const [src, dst] = await Promise.all([
    source ? readSource(source, req.uuid, opts) : undefined,
    target ? readTarget(target, knownName, req.uuid, opts) : undefined,
  ]);
  const def = src?.domain.ok ? src.domain.value : undefined;
  const name = knownName ?? def?.name ?? req.uuid;

  // What depends on the source's answers: the VM's name when the inventory did not know it, its
  // disks' volumes on the target, and its CPU.
  const [clashByName, targetStorage, cpu] = target
    ? await Promise.all([
        knownName === undefined && def
          ? read(() => lookupUuidByName(target, def.name, opts))
          : undefined,
        dst!.pools.ok && src?.disks?.ok
          ? read(() => targetVolumes(target, dst!.pools, src.disks!, def, opts))
          : dst!.pools.ok
            ? undefined
            : ({ ok: false, error: dst!.pools.error } as const),
        def ? compareCpu(target, def, opts) : undefined,
      ])
    : [undefined, undefined, undefined];

  const cluster = def?.cluster;
  // A balance task names the VMs it moves but acts on them only through migration tasks, each
  // checked here on its own: it must not count as keeping its own moves busy.
  const busy = deps.tasks.select(
    (t) =>
      WORKING.has(t.status) &&
      t.kind !== 'balance' &&
      t.targets.some(
        (x) =>
          (x.kind === 'vm' && x.uuid === req.uuid) ||
          (x.kind === 'cluster' && cluster !== undefined && x.cluster === cluster),
      ),
  );

  return {
    vm: { hostId: req.hostId, uuid: req.uuid, name },
    source: { hostId: req.hostId, name: deps.hostName(req.hostId) ?? req.hostId, online: !!source },
    target: {
      hostId: req.targetHostId,
      name: deps.hostName(req.targetHostId) ?? req.targetHostId,
      online: sameHost ? !!source : !!target,
    },
    busyTasks: busy.map((t) => t.title),
    ...(src ? { state: src.state, domain: src.domain, snapshots: src.snapshots } : {}),
    ...(src?.disks ? { disks: src.disks } : {}),
    ...(dst
      ? {
          clash: clashByName ? mergeClash(dst.clash, clashByName) : dst.clash,
          targetMemory: dst.memory,
          targetCpus: dst.cpus,
          targetNetworks: dst.networks,
          targetInterfaces: dst.interfaces,
        }
      : {}),
    ...(targetStorage ? { targetStorage } : {}),
    ...(cpu ? { cpu } : {}),
  };
}

interface SourceReads {
  state: Read<ReturnType<typeof domainStateName>>;
  domain: Read<PreflightDomain>;
  snapshots: Read<string[]>;
  disks?: Read<SourceDisk[]>;
}

async function readSource(client: LibvirtClient, uuid: string, opts: Opts): Promise<SourceReads> {
  const found = await read(async () => (await domain.lookupByUuid(client, { uuid }, opts())).dom);
  if (!found.ok) return { state: found, domain: found, snapshots: found };
  const dom = found.value;
  const [state, def, snapshots] = await Promise.all([
    read(async () =>
      domainStateName((await domain.getState(client, { dom, flags: 0 }, opts())).state),
    ),
    read(async () =>
      parsePreflightDomain(
        (await domain.getXmlDesc(client, { dom, flags: XML_MIGRATABLE }, opts())).xml,
      ),
    ),
    read(async () =>
      (
        await domainSnapshot.listAll(client, { dom, needResults: true, flags: 0 }, opts())
      ).snapshots.map((s) => s.name),
    ),
  ]);
  const disks = def.ok ? await read(() => sourceDisks(client, def.value, opts)) : undefined;
  return { state, domain: def, snapshots, ...(disks ? { disks } : {}) };
}

/** Each file disk's volume and, for a linked clone, its base image's volume. */
async function sourceDisks(
  client: LibvirtClient,
  def: PreflightDomain,
  opts: Opts,
): Promise<SourceDisk[]> {
  const limiter = new CallLimiter(CALLS_PER_HOST);
  const byPath = async (path: string): Promise<PoolVolume | undefined> => {
    const vol = await limiter.run(() =>
      storageVolume.lookupByPath(client, { path }, opts()).then(
        (r) => r.vol,
        (err: unknown) => {
          if (isMissing(err)) return undefined;
          throw err;
        },
      ),
    );
    return vol && limiter.run(() => volumeOf(client, vol, opts));
  };
  return Promise.all(
    def.disks
      .filter((d) => d.path !== undefined)
      .map(async (d) => {
        const volume = await byPath(d.path!);
        const base = volume?.backingPath ? await byPath(volume.backingPath) : undefined;
        return {
          target: d.target,
          path: d.path!,
          readonly: d.readonly,
          ...(volume ? { volume } : {}),
          ...(base ? { base } : {}),
        };
      }),
  );
}

interface TargetReads {
  clash: Read<{ byName?: string; byUuid?: string }>;
  memory: Read<{ availableKiB: number; totalKiB: number }>;
  cpus: Read<number>;
  networks: Read<string[]>;
  interfaces: Read<string[]>;
  pools: Read<PoolRef[]>;
}

async function readTarget(
  client: LibvirtClient,
  name: string | undefined,
  uuid: string,
  opts: Opts,
): Promise<TargetReads> {
  const [byName, byUuid, memory, info, networks, interfaces, pools] = await Promise.all([
    name === undefined ? ok(undefined) : read(() => lookupUuidByName(client, name, opts)),
    read(async () => {
      try {
        return (await domain.lookupByUuid(client, { uuid }, opts())).dom.name;
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    }),
    read(() => memoryOf(client, opts)),
    read(async () => (await node.info(client, undefined, opts())).cpus),
    read(async () =>
      (await listAllNetworks(client, { needResults: true, flags: LIST_ACTIVE }, opts())).nets.map(
        (n) => n.name,
      ),
    ),
    read(async () =>
      (
        await listAllInterfaces(client, { needResults: true, flags: LIST_ACTIVE }, opts())
      ).ifaces.map((i) => i.name),
    ),
    read(
      async () =>
        (await storagePool.listAll(client, { needResults: true, flags: POOLS_ACTIVE }, opts()))
          .pools,
    ),
  ]);
  const clash: TargetReads['clash'] =
    byName.ok && byUuid.ok
      ? {
          ok: true,
          value: {
            ...(byName.value !== undefined ? { byName: byName.value } : {}),
            ...(byUuid.value !== undefined ? { byUuid: byUuid.value } : {}),
          },
        }
      : { ok: false, error: byName.ok ? (byUuid as { error: string }).error : byName.error };
  return { clash, memory, cpus: info, networks, interfaces, pools };
}

function mergeClash(
  first: Read<{ byName?: string; byUuid?: string }>,
  byName: Read<string | undefined>,
): Read<{ byName?: string; byUuid?: string }> {
  if (!first.ok) return first;
  if (!byName.ok) return byName;
  return {
    ok: true,
    value: { ...first.value, ...(byName.value !== undefined ? { byName: byName.value } : {}) },
  };
}

/** The UUID of the target's domain of that name, if it has one. */
async function lookupUuidByName(
  client: LibvirtClient,
  name: string,
  opts: Opts,
): Promise<string | undefined> {
  try {
    return (await domain.lookupByName(client, { name }, opts())).dom.uuid;
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

async function memoryOf(
  client: LibvirtClient,
  opts: Opts,
): Promise<{ availableKiB: number; totalKiB: number }> {
  const { nparams } = await node.memoryStats(
    client,
    { nparams: 0, cellNum: ALL_CELLS, flags: 0 },
    opts(),
  );
  const { params } = await node.memoryStats(
    client,
    { nparams, cellNum: ALL_CELLS, flags: 0 },
    opts(),
  );
  const stats = Object.fromEntries(params.map((p) => [p.field, p.value]));
  const availableKiB = availableMemoryKiB(stats);
  if (availableKiB === undefined || stats.total === undefined) {
    throw new Error('the host reports no free and total memory');
  }
  return { availableKiB, totalKiB: Number(stats.total) };
}

/**
 * The target's volumes of the names the move needs: every linked clone's base image (and a
 * direct-kernel-boot image's kernel and initrd) in any active pool, and the clone's and seed's own
 * names in the pool they will be made in (a leftover there would clash).
 */
async function targetVolumes(
  client: LibvirtClient,
  pools: Read<PoolRef[]>,
  disks: Read<SourceDisk[]>,
  def: PreflightDomain | undefined,
  opts: Opts,
): Promise<{ pools: string[]; volumes: PoolVolume[] }> {
  if (!pools.ok) throw new Error(pools.error);
  if (!disks.ok) return { pools: pools.value.map((p) => p.name), volumes: [] };
  const wanted: Array<{ pool: PoolRef; name: string }> = [];
  for (const disk of disks.value) {
    const vol = disk.volume;
    if (!vol) continue;
    const own = pools.value.find((p) => p.name === vol.pool);
    if (own) wanted.push({ pool: own, name: vol.name });
    if (!vol.backingPath) continue;
    const baseName = disk.base?.name ?? vol.backingPath.slice(vol.backingPath.lastIndexOf('/') + 1);
    const companions = def?.kernel ? Object.values(companionNames(baseName)) : [];
    for (const pool of pools.value) {
      for (const name of [baseName, ...companions]) wanted.push({ pool, name });
    }
  }
  const limiter = new CallLimiter(CALLS_PER_HOST);
  const found = await Promise.all(
    wanted.map(({ pool, name }) =>
      limiter.run(async () => {
        try {
          const { vol } = await storageVolume.lookupByName(client, { pool, name }, opts());
          return await volumeOf(client, vol, opts);
        } catch (err) {
          if (isMissing(err)) return undefined;
          throw err;
        }
      }),
    ),
  );
  return {
    pools: pools.value.map((p) => p.name),
    volumes: found.filter((v): v is PoolVolume => v !== undefined),
  };
}

/**
 * Compares the VM's CPU with what the target's hypervisor can run, where a comparison means
 * something. Not compared: no `<cpu>` or no model (the hypervisor's default model, qemu64 on
 * x86, which every QEMU offers, TCG or KVM); host-passthrough and maximum (the host's own CPU:
 * nothing to compare a definition with; libvirt itself checks at the migration's start);
 * host-model on a shut-off VM (libvirt works it out on the target when the VM next starts). A
 * running host-model VM reads as its expanded model (the migratable XML) and is compared. Under
 * TCG (`qemu`) the comparison is against what QEMU emulates, so it stays meaningful.
 */
async function compareCpu(
  client: LibvirtClient,
  def: PreflightDomain,
  opts: Opts,
): Promise<CpuFact> {
  const cpu = def.cpu;
  if (!cpu || !cpu.model) {
    return { kind: 'skipped', reason: 'the hypervisor default CPU model, which every host offers' };
  }
  if (cpu.mode !== 'custom') {
    return { kind: 'skipped', reason: `CPU mode ${cpu.mode} is the host's own CPU` };
  }
  const result = await read(
    async () =>
      (
        await compareHypervisorCpu(
          client,
          {
            emulator: null,
            arch: def.arch ?? null,
            machine: def.machine ?? null,
            virttype: def.virtType,
            xmlCPU: cpu.xml,
            flags: 0,
          },
          opts(),
        )
      ).result,
  );
  return { kind: 'compared', model: cpu.model, result };
}

async function volumeOf(client: LibvirtClient, vol: VolRef, opts: Opts): Promise<PoolVolume> {
  const { xml } = await storageVolume.getXmlDesc(client, { vol, flags: 0 }, opts());
  return { pool: vol.pool, ...parseVolumeXml(xml) };
}

const MISSING: readonly number[] = [
  ErrorNumber.NO_DOMAIN,
  ErrorNumber.NO_STORAGE_POOL,
  ErrorNumber.NO_STORAGE_VOL,
];

function isMissing(err: unknown): boolean {
  return err instanceof LibvirtError && MISSING.includes(err.code);
}

/** Runs one read; its failure becomes data (the message), never a throw. */
async function read<T>(run: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

function ok<T>(value: T): Promise<Read<T>> {
  return Promise.resolve({ ok: true, value });
}

function safe<T>(get: () => T): T | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}
