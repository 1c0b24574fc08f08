import { describe, expect, it } from 'vitest';
import { MigrationPreflight } from '../../../api/migration-api';
import {
  checkMigration,
  MEMORY_MARGIN_KIB,
  mib,
} from '../../../core/migration/migration-preflight-check';
import type { PreflightDomain } from '../../../core/migration/migration-preflight-domain';
import type { MigrationFacts, PoolVolume } from '../../../core/migration/migration-preflight-facts';

const MiB = 1024;
const ok = <T>(value: T) => ({ ok: true as const, value });
const failed = (error: string) => ({ ok: false as const, error });

const BASE = '/var/lib/libvirt/images/corral-lab-debian.qcow2';

function volume(v: Partial<PoolVolume> & Pick<PoolVolume, 'name'>): PoolVolume {
  return {
    pool: 'default',
    path: `/var/lib/libvirt/images/${v.name}`,
    format: 'qcow2',
    capacityBytes: 2 * 1024 ** 3,
    allocationBytes: 0,
    ...v,
  };
}

const overlay = volume({ name: 'web-0.qcow2', allocationBytes: 48 * 1024 ** 2, backingPath: BASE });
const seed = volume({
  name: 'web-0-seed.iso',
  format: 'raw',
  capacityBytes: 360_448,
  allocationBytes: 360_448,
});
const base = volume({ name: 'corral-lab-debian.qcow2', capacityBytes: 2 * 1024 ** 3 });
const kernel = volume({ name: 'corral-lab-debian.qcow2.kernel', format: 'raw' });
const initrd = volume({ name: 'corral-lab-debian.qcow2.initrd', format: 'raw' });

const domain: PreflightDomain = {
  name: 'web-0',
  uuid: '8a6f0a52-7a4e-4a0c-9d6e-1f2a3b4c5d6e',
  vcpus: 1,
  memoryKiB: 256 * MiB,
  cluster: 'web',
  virtType: 'qemu',
  arch: 'x86_64',
  machine: 'pc-i440fx-7.2',
  kernel: kernel.path,
  initrd: initrd.path,
  disks: [
    { target: 'vda', device: 'disk', path: overlay.path, readonly: false },
    { target: 'vdb', device: 'disk', path: seed.path, readonly: true },
  ],
  nics: [{ kind: 'bridge', source: 'br0' }],
};

/** A VM that can move: every fact as a healthy lab would report it. */
function facts(patch: Partial<MigrationFacts> = {}): MigrationFacts {
  return {
    vm: { hostId: 'h1', uuid: domain.uuid, name: 'web-0' },
    source: { hostId: 'h1', name: 'corral-lab-h1', online: true },
    target: { hostId: 'h2', name: 'corral-lab-h2', online: true },
    busyTasks: [],
    state: ok('running'),
    domain: ok(domain),
    snapshots: ok([]),
    disks: ok([
      { target: 'vda', path: overlay.path, readonly: false, volume: overlay, base },
      { target: 'vdb', path: seed.path, readonly: true, volume: seed },
    ]),
    clash: ok({}),
    targetMemory: ok({ availableKiB: 4096 * MiB, totalKiB: 8192 * MiB }),
    targetCpus: ok(2),
    targetStorage: ok({ pools: ['default'], volumes: [base, kernel, initrd] }),
    targetNetworks: ok(['default']),
    targetInterfaces: ok(['lo', 'eth0', 'br0']),
    cpu: { kind: 'skipped', reason: 'the hypervisor default CPU model' },
    ...patch,
  };
}

const codes = (f: MigrationFacts) => checkMigration(f).blockers.map((b) => b.code);
const only = (f: MigrationFacts) => {
  const { blockers } = checkMigration(f);
  expect(blockers).toHaveLength(1);
  return blockers[0]!;
};

describe('migration pre-flight verdict', () => {
  it('lets a healthy running VM move live, with the copy size, the target base and notices', () => {
    const v = checkMigration(facts());
    expect(v.blockers).toEqual([]);
    expect(v.mode).toBe('live');
    expect(v.storage).toEqual({ targetBackingPath: BASE, copyBytes: 48 * 1024 ** 2 });
    expect(v.notices.map((n) => n.code).sort()).toEqual([
      'console-reconnect',
      'disk-copy',
      'seed-copy',
    ]);
    expect(v.notices.find((n) => n.code === 'disk-copy')!.message).toBe(
      '48 MiB of disk vda (what web-0 wrote over corral-lab-debian.qcow2) is copied to corral-lab-h2',
    );
    expect(v.notices.find((n) => n.code === 'seed-copy')!.message).toMatch(/web-0-seed\.iso/);
    // The verdict fits the contract's shape.
    expect(() =>
      MigrationPreflight.parse({
        vm: facts().vm,
        targetHostId: 'h2',
        ok: true,
        checkedMs: 1,
        ...v,
      }),
    ).not.toThrow();
  });

  it('moves a shut-off VM offline, with an offline notice instead of the console one', () => {
    const v = checkMigration(facts({ state: ok('shut-off') }));
    expect(v.mode).toBe('offline');
    expect(v.blockers).toEqual([]);
    const notes = v.notices.map((n) => n.code);
    expect(notes).toContain('offline');
    expect(notes).not.toContain('console-reconnect');
  });

  it('refuses the VM s own host as the target', () => {
    const b = only(
      facts({
        target: { hostId: 'h1', name: 'corral-lab-h1', online: true },
        clash: undefined,
        targetMemory: undefined,
        targetCpus: undefined,
        targetStorage: undefined,
        targetNetworks: undefined,
        targetInterfaces: undefined,
      }),
    );
    expect(b).toMatchObject({ code: 'same-host', message: 'web-0 already runs on corral-lab-h1' });
  });

  it('names a source or target that is not connected', () => {
    const src = checkMigration(
      facts({
        source: { hostId: 'h1', name: 'corral-lab-h1', online: false },
        state: undefined,
        domain: undefined,
        snapshots: undefined,
        disks: undefined,
      }),
    ).blockers;
    expect(src.map((b) => b.code)).toEqual(['source-offline']);
    expect(src[0]!.message).toContain('corral-lab-h1');
    const dst = only(
      facts({
        target: { hostId: 'h2', name: 'corral-lab-h2', online: false },
        clash: undefined,
        targetMemory: undefined,
        targetCpus: undefined,
        targetStorage: undefined,
        targetNetworks: undefined,
        targetInterfaces: undefined,
      }),
    );
    expect(dst.code).toBe('target-offline');
    expect(dst.message).toBe('corral-lab-h2 is not connected');
  });

  it('names the task that keeps the VM busy', () => {
    const b = only(facts({ busyTasks: ['Resize web-0: memory 512 MiB'] }));
    expect(b.code).toBe('vm-busy');
    expect(b.message).toContain('Resize web-0: memory 512 MiB');
  });

  it('refuses a crashed or shutting-down VM, naming the state', () => {
    for (const state of ['crashed', 'shutting-down', 'suspended', 'no-state'] as const) {
      const b = only(facts({ state: ok(state) }));
      expect(b.code).toBe('vm-state');
      expect(b.message).toContain(`web-0 is ${state}`);
    }
    // Paused and blocked domains migrate live.
    expect(checkMigration(facts({ state: ok('paused') })).blockers).toEqual([]);
    expect(checkMigration(facts({ state: ok('blocked') })).mode).toBe('live');
  });

  it('names a domain of the same name or UUID on the target', () => {
    const byName = only(facts({ clash: ok({ byName: '11111111-2222-3333-4444-555555555555' }) }));
    expect(byName.code).toBe('name-clash');
    expect(byName.message).toBe(
      'corral-lab-h2 already has a domain named web-0 (UUID 11111111-2222-3333-4444-555555555555)',
    );
    const byUuid = only(facts({ clash: ok({ byUuid: 'other' }) }));
    expect(byUuid.message).toContain(`UUID of web-0 (${domain.uuid}), named other`);
    // A domain with both the name and the UUID is one clash, named once.
    expect(codes(facts({ clash: ok({ byName: domain.uuid, byUuid: 'web-0' }) }))).toEqual([
      'name-clash',
    ]);
  });

  it('refuses when the target lacks free memory for the VM plus the margin, with the figures', () => {
    const need = 256 * MiB + MEMORY_MARGIN_KIB;
    expect(
      codes(facts({ targetMemory: ok({ availableKiB: need, totalKiB: 8192 * MiB }) })),
    ).toEqual([]);
    const b = only(facts({ targetMemory: ok({ availableKiB: need - 1, totalKiB: 8192 * MiB }) }));
    expect(b.code).toBe('memory-short');
    expect(b.message).toBe(
      'corral-lab-h2 has 384 MiB free; web-0 needs 256 MiB + 128 MiB for QEMU and headroom = 384 MiB',
    );
    expect(b.remedy).toContain('corral-lab-h2');
  });

  it('checks an offline move against the target s total memory only', () => {
    const scarce = ok({ availableKiB: 10 * MiB, totalKiB: 8192 * MiB });
    expect(codes(facts({ state: ok('shut-off'), targetMemory: scarce }))).toEqual([]);
    const b = only(
      facts({ state: ok('shut-off'), targetMemory: ok({ availableKiB: 0, totalKiB: 200 * MiB }) }),
    );
    expect(b).toMatchObject({ code: 'memory-short' });
    expect(b.message).toBe('corral-lab-h2 has 200 MiB of memory in all; web-0 needs 256 MiB');
  });

  it('refuses more vCPUs than the target has CPUs', () => {
    const b = only(facts({ domain: ok({ ...domain, vcpus: 4 }) }));
    expect(b.code).toBe('vcpus-short');
    expect(b.message).toBe('web-0 has 4 vCPUs; corral-lab-h2 has 2 CPUs');
    expect(codes(facts({ domain: ok({ ...domain, vcpus: 2 }) }))).toEqual([]);
  });

  it('names a base image the target lacks, or has at another size', () => {
    const missing = only(facts({ targetStorage: ok({ pools: ['default'], volumes: [] }) }));
    expect(missing.code).toBe('base-image-missing');
    expect(missing.message).toBe(
      'corral-lab-h2 has no base image corral-lab-debian.qcow2 (the backing file of disk vda of web-0)',
    );
    // A clone of that name on the target is no base image.
    const clone = volume({ name: base.name, backingPath: '/elsewhere.qcow2' });
    expect(codes(facts({ targetStorage: ok({ pools: ['default'], volumes: [clone] }) }))).toEqual([
      'base-image-missing',
    ]);
    const other = volume({ name: base.name, capacityBytes: 1024 ** 3 });
    const differs = only(
      facts({ targetStorage: ok({ pools: ['default'], volumes: [other, kernel, initrd] }) }),
    );
    expect(differs.message).toContain('not the same image');
    expect(differs.message).toContain('corral-lab-debian.qcow2');
  });

  it('names a missing kernel or initrd of a direct-kernel-boot base image', () => {
    const b = only(facts({ targetStorage: ok({ pools: ['default'], volumes: [base, initrd] }) }));
    expect(b.code).toBe('base-image-missing');
    expect(b.message).toContain('corral-lab-debian.qcow2.kernel');
    // A disk-boot VM needs no companions.
    const diskBoot = { ...domain, kernel: undefined, initrd: undefined };
    expect(
      codes(
        facts({
          domain: ok(diskBoot),
          targetStorage: ok({ pools: ['default'], volumes: [base] }),
        }),
      ),
    ).toEqual([]);
  });

  it('uses the target base in the source base s pool when several pools have one', () => {
    const inFast = volume({ name: base.name, pool: 'fast', path: '/fast/corral-lab-debian.qcow2' });
    const v = checkMigration(
      facts({
        targetStorage: ok({ pools: ['fast', 'default'], volumes: [inFast, base, kernel, initrd] }),
      }),
    );
    expect(v.storage?.targetBackingPath).toBe(BASE);
  });

  it('names bridges and libvirt networks the target lacks', () => {
    const nics = [
      { kind: 'bridge', source: 'br0' },
      { kind: 'bridge', source: 'br9' },
      { kind: 'network', source: 'default' },
      { kind: 'network', source: 'lab' },
      { kind: 'user' },
    ];
    const blockers = checkMigration(facts({ domain: ok({ ...domain, nics }) })).blockers;
    expect(blockers.map((b) => b.code)).toEqual(['network-missing', 'network-missing']);
    expect(blockers[0]!.message).toBe('corral-lab-h2 has no bridge br9 (used by web-0)');
    expect(blockers[1]!.message).toBe(
      'corral-lab-h2 has no active libvirt network lab (used by web-0)',
    );
  });

  it('counts and names the snapshots libvirt refuses to move', () => {
    const b = only(facts({ snapshots: ok(['before-upgrade', 'cp1']) }));
    expect(b.code).toBe('snapshots');
    expect(b.message).toBe(
      'web-0 has 2 snapshots (before-upgrade, cp1); libvirt moves no VM that has any',
    );
    expect(b.remedy).toMatch(/^Delete the snapshots of web-0/);
    expect(only(facts({ snapshots: ok(['one']) })).message).toContain('1 snapshot (one)');
  });

  it('refuses a CPU the target cannot run, and lets compatible or skipped ones pass', () => {
    const compared = (result: number) =>
      facts({ cpu: { kind: 'compared', model: 'Skylake-Client', result: ok(result) } });
    const b = only(compared(0));
    expect(b.code).toBe('cpu-incompatible');
    expect(b.message).toContain('Skylake-Client');
    expect(codes(compared(1))).toEqual([]);
    expect(codes(compared(2))).toEqual([]);
    const error = only(
      facts({
        cpu: { kind: 'compared', model: 'Fancy', result: failed('unknown CPU model Fancy') },
      }),
    );
    expect(error).toMatchObject({ code: 'cpu-incompatible' });
    expect(error.message).toContain('unknown CPU model Fancy');
  });

  it('refuses disks it cannot move: outside any pool, or neither clone nor seed', () => {
    const loose = only(
      facts({
        disks: ok([
          { target: 'vda', path: overlay.path, readonly: false, volume: overlay, base },
          { target: 'vdc', path: '/srv/data.img', readonly: false },
        ]),
      }),
    );
    expect(loose).toMatchObject({ code: 'storage' });
    expect(loose.message).toContain('/srv/data.img');
    const full = volume({ name: 'data.qcow2' });
    const b = only(
      facts({
        disks: ok([
          { target: 'vda', path: overlay.path, readonly: false, volume: overlay, base },
          { target: 'vdc', path: full.path, readonly: false, volume: full },
        ]),
      }),
    );
    expect(b.message).toBe('disk vdc of web-0 (data.qcow2) is not a linked clone of a base image');
  });

  it('names a leftover volume of the same name on the target, and a missing pool', () => {
    const left = volume({ name: overlay.name });
    const b = only(
      facts({ targetStorage: ok({ pools: ['default'], volumes: [base, kernel, initrd, left] }) }),
    );
    expect(b.code).toBe('storage');
    expect(b.message).toBe('corral-lab-h2 already has a volume web-0.qcow2 in pool default');
    const inOther = volume({ name: base.name, pool: 'other' });
    const k = volume({ name: kernel.name, pool: 'other' });
    const i = volume({ name: initrd.name, pool: 'other' });
    const noPool = checkMigration(
      facts({ targetStorage: ok({ pools: ['other'], volumes: [inOther, k, i] }) }),
    ).blockers;
    expect(noPool.map((x) => x.code)).toEqual(['storage', 'storage']);
    expect(noPool[0]!.message).toContain('no active storage pool default');
  });

  it('turns every read that failed into a blocker naming it, never a pass', () => {
    const v = checkMigration(
      facts({
        state: failed('timed out'),
        snapshots: failed('timed out'),
        clash: failed('connection closed'),
        targetMemory: failed('timed out'),
        targetCpus: failed('timed out'),
        targetInterfaces: failed('this function is not supported'),
        targetStorage: failed('timed out'),
      }),
    );
    expect(v.blockers.map((b) => b.code)).toEqual([
      'vm-state',
      'snapshots',
      'name-clash',
      'vcpus-short',
      'memory-short',
      'network-missing',
      'base-image-missing',
    ]);
    for (const b of v.blockers) expect(b.message).toMatch(/^could not /);
    const noDef = checkMigration(facts({ domain: failed('no domain with matching uuid') }));
    expect(noDef.blockers.map((b) => b.code)).toEqual(['vm-state']);
    expect(noDef.storage).toBeUndefined();
  });

  it('reports every blocker at once, each with a remedy', () => {
    const v = checkMigration(
      facts({
        busyTasks: ['Checkpoint web'],
        snapshots: ok(['s1']),
        clash: ok({ byName: domain.uuid }),
        targetCpus: ok(0),
        targetMemory: ok({ availableKiB: 0, totalKiB: 0 }),
        targetStorage: ok({ pools: ['default'], volumes: [] }),
        targetInterfaces: ok([]),
      }),
    );
    expect(v.blockers.map((b) => b.code).sort()).toEqual(
      [
        'vm-busy',
        'snapshots',
        'name-clash',
        'vcpus-short',
        'memory-short',
        'network-missing',
        'base-image-missing',
      ].sort(),
    );
    for (const b of v.blockers) expect(b.remedy.length).toBeGreaterThan(10);
  });
});

describe('MiB for people', () => {
  it('shows whole MiB, and one decimal under 10 MiB', () => {
    expect(mib(256 * 1024)).toBe('256 MiB');
    expect(mib(352)).toBe('0.3 MiB');
    expect(mib(1024)).toBe('1 MiB');
  });
});
