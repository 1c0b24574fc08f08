import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { InventoryDelta, StatsSample, Vm } from '../../api/inventory-api';
import { CorralError } from '../../api/errors';
import { CORE_ITSELF, InventoryService } from '../../core/inventory/inventory-service';
import { corralMetadataElement } from '../../core/metadata/corral-metadata';
import { VmService } from '../../core/vm/vm-service';
import { el, renderXml } from '../../core/xml/xml-element';
import { LibvirtClient, connectUnixSocket } from '../../native/libvirt';
import { guestKernel } from '../support/guest-kernel';
import { guestInitramfs } from './support/guest-initramfs';
import { guestDomainXml } from './support/guest-xml';
import { rejectionOf, waitUntil } from './support/wait';
import { LocalHost } from './support/local-host';

const HOST = 'local';
const prefix = `corral-inv-${process.pid}`;
const names = {
  a: `${prefix}-a`,
  b: `${prefix}-b`,
  guest: `${prefix}-guest`,
  late: `${prefix}-late`,
};

/** Collects deltas and answers "has a VM named X reached Y yet". */
class DeltaLog {
  readonly deltas: InventoryDelta[] = [];
  last(name: string): Vm | undefined {
    for (let i = this.deltas.length - 1; i >= 0; i--) {
      const vm = this.deltas[i]!.upserts.find((v) => v.name === name);
      if (vm) return vm;
    }
    return undefined;
  }
  waitFor(what: string, pred: (d: InventoryDelta) => boolean, ms = 60_000) {
    return waitUntil(what, ms, () => this.deltas.find(pred));
  }
}

function inactiveXml(name: string, withCorral: boolean): string {
  return renderXml(
    el(
      'domain',
      { type: 'qemu' },
      el('name', {}, name),
      withCorral &&
        el(
          'metadata',
          {},
          corralMetadataElement({
            cluster: 'inv-test',
            owner: 'acct-1',
            index: 3,
            operation: 'op-1',
          }),
        ),
      el('memory', { unit: 'MiB' }, 96),
      el('currentMemory', { unit: 'MiB' }, 64),
      el('vcpu', { current: 1 }, 2),
      el('os', {}, el('type', { arch: 'x86_64', machine: 'pc' }, 'hvm')),
      el(
        'devices',
        {},
        el(
          'disk',
          { type: 'file', device: 'disk' },
          el('driver', { name: 'qemu', type: 'qcow2' }),
          el('source', { file: `/var/lib/libvirt/images/${name}.qcow2` }),
          el('target', { dev: 'vda', bus: 'virtio' }),
        ),
        el(
          'interface',
          { type: 'bridge' },
          el('mac', { address: '52:54:00:1e:55:0a' }),
          el('source', { bridge: 'corral-inv-br' }),
          el('model', { type: 'virtio' }),
        ),
      ),
    ),
  );
}

describe('inventory + VM actions against this machine’s libvirtd', () => {
  const env = inject('integrationEnv');
  const host = new LocalHost(HOST, env.libvirtSocket);
  let admin: LibvirtClient;
  let inventory: InventoryService;
  const log = new DeltaLog();
  let vms: VmService;
  const byName = (n: string) => inventory.snapshot(CORE_ITSELF).vms.find((v) => v.name === n);

  beforeAll(async () => {
    // A separate connection plays "someone else on the host" and checks host truth.
    admin = await LibvirtClient.connect(() => connectUnixSocket(env.libvirtSocket), {
      uri: 'qemu:///system',
    });
    await admin.call('domainDefineXmlFlags', { xml: inactiveXml(names.a, true), flags: 0 });
    await admin.call('domainDefineXmlFlags', { xml: inactiveXml(names.b, false), flags: 0 });
    const guest = guestDomainXml({
      name: names.guest,
      kernel: guestKernel().vmlinuz,
      initrd: guestInitramfs(),
      memoryMiB: 128,
    });
    await admin.call('domainDefineXmlFlags', { xml: guest, flags: 0 });
    await host.connect();
    host.announce();
    // No stats polling here: every state change below must come from a lifecycle event.
    inventory = new InventoryService(host, {
      statsIntervalMs: 3_600_000,
      addressIntervalMs: 3_600_000,
    });
    inventory.onChanged((d) => log.deltas.push(d), CORE_ITSELF);
    // The service alone: VM ownership is proven in accounts-ownership.test.ts.
    vms = new VmService({
      hosts: host,
      nameOf: (r) => inventory.nameOf(r),
    });
    await log.waitFor('the first full list', (d) => d.resetHosts.includes(HOST));
  });

  afterAll(async () => {
    inventory?.dispose();
    await host.client?.close();
    for (const name of Object.values(names)) {
      const found = await admin.call('domainLookupByName', { name }).catch(() => undefined);
      if (!found) continue;
      await admin.call('domainDestroyFlags', { dom: found.dom, flags: 0 }).catch(() => {});
      await admin.call('domainUndefineFlags', { dom: found.dom, flags: 0 }).catch(() => {});
    }
    await admin?.close();
  });

  it('lists the host with node facts and the domains with their XML facts', () => {
    const snap = inventory.snapshot(CORE_ITSELF);
    const facts = snap.hosts.find((h) => h.hostId === HOST);
    expect(facts?.cpus).toBeGreaterThan(0);
    expect(facts?.memoryKiB).toBeGreaterThan(0);
    expect(facts?.freeMemoryKiB).toBeGreaterThan(0);
    expect(facts?.freeMemoryKiB).toBeLessThanOrEqual(facts!.memoryKiB);
    expect(facts?.libvirtVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(facts?.stale).toBe(false);

    const a = byName(names.a);
    expect(a).toMatchObject({
      state: 'shut-off',
      stale: false,
      vcpus: 1,
      maxMemoryKiB: 96 * 1024,
      memoryKiB: 64 * 1024,
      disks: [
        { target: 'vda', format: 'qcow2', source: `/var/lib/libvirt/images/${names.a}.qcow2` },
      ],
      nics: [{ mac: '52:54:00:1e:55:0a', source: 'corral-inv-br', model: 'virtio', addresses: [] }],
      membership: { cluster: 'inv-test', owner: 'acct-1', index: 3, operation: 'op-1' },
    });
    expect(byName(names.b)?.membership).toBeUndefined();
    expect(byName(names.guest)?.state).toBe('shut-off');
  });

  it('starts a VM: the lifecycle event brings "running"; a second action meanwhile is refused', async () => {
    const g = byName(names.guest)!;
    const ref = { hostId: HOST, uuid: g.uuid };
    const first = vms.act({ ...ref, action: 'start' });
    const second = await rejectionOf(vms.act({ ...ref, action: 'force-off' }));
    expect(second).toBeInstanceOf(CorralError);
    expect(second).toMatchObject({ code: 'conflict' });
    expect((second as Error).message).toContain(`another action is running on ${names.guest}`);
    await first;
    await log.waitFor('running from the event', () => log.last(names.guest)?.state === 'running');
    const truth = await admin.call('domainLookupByName', { name: names.guest });
    expect((await admin.call('domainGetState', { dom: truth.dom, flags: 0 })).state).toBe(1);
  });

  it('maps libvirt refusals to clear errors', async () => {
    const b = byName(names.b)!;
    const err = await rejectionOf(vms.act({ hostId: HOST, uuid: b.uuid, action: 'force-off' }));
    expect(err).toMatchObject({ code: 'conflict' });
    expect((err as Error).message).toMatch(
      new RegExp(`Could not force off ${names.b}: .*not running`),
    );
    const missing = await rejectionOf(
      vms.act({ hostId: HOST, uuid: '0badc0de-0000-4000-8000-000000000000', action: 'start' }),
    );
    expect(missing).toMatchObject({ code: 'not-found' });
    const offline = await rejectionOf(
      vms.act({ hostId: 'elsewhere', uuid: b.uuid, action: 'start' }),
    );
    expect(offline).toMatchObject({ code: 'unavailable' });
  });

  it('refreshes stats with one bulk call: CPU use of the running guest', async () => {
    const fast = new InventoryService(host, {
      statsIntervalMs: 300,
      addressIntervalMs: 3_600_000,
    });
    const seen: InventoryDelta[] = [];
    fast.onChanged((d) => seen.push(d), CORE_ITSELF);
    try {
      const vm = await waitUntil('a CPU figure for the guest', 60_000, () =>
        seen
          .flatMap((d) => d.upserts)
          .find((v) => v.name === names.guest && v.cpuPercent !== undefined),
      );
      expect(vm.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(vm.memoryKiB).toBeGreaterThan(0);
      const h = await waitUntil('host CPU use', 60_000, () =>
        seen.flatMap((d) => d.hosts).find((x) => x.cpuPercent > 0),
      );
      expect(h.cpuPercent).toBeLessThanOrEqual(100);
    } finally {
      fast.dispose();
    }
  });

  it('keeps a bounded load history per host and per VM UUID from what it polls, and tells each sample', async () => {
    const uuid = byName(names.guest)!.uuid;
    // Five periods of history: the rings wrap within this test.
    const fast = new InventoryService(host, {
      statsIntervalMs: 300,
      addressIntervalMs: 3_600_000,
      historyWindowMs: 1_500,
    });
    const samples: StatsSample[] = [];
    fast.onSamples((s) => samples.push(s), CORE_ITSELF);
    try {
      await waitUntil('ten stats periods', 60_000, () => samples.length >= 10 || undefined);
      const withGuest = samples.filter((s) => s.vms.some((v) => v.uuid === uuid));
      expect(withGuest.length).toBeGreaterThan(0);
      const point = withGuest.at(-1)!.vms.find((v) => v.uuid === uuid)!;
      expect(point.memoryKiB).toBeGreaterThan(0);
      // Only running VMs have a load: the inactive ones are not in the samples.
      const inactive = [names.a, names.b].map((n) => byName(n)!.uuid);
      expect(samples.flatMap((s) => s.vms).some((v) => inactive.includes(v.uuid))).toBe(false);

      const [hostSeries, vmSeries] = fast.historyOf([
        { kind: 'host', hostId: HOST },
        { kind: 'vm', hostId: HOST, uuid: uuid.toUpperCase() },
      ]).series;
      for (const series of [hostSeries!, vmSeries!]) {
        expect(series.t.length).toBeGreaterThan(1);
        expect(series.t.length).toBeLessThanOrEqual(1_500 / 300 + 1);
        expect([...series.t].sort((x, y) => x - y)).toEqual(series.t);
      }
      expect(hostSeries!.t.at(-1)).toBe(samples.at(-1)!.at);
      expect(vmSeries!.memoryKiB.at(-1)).toBeGreaterThan(0);
    } finally {
      fast.dispose();
    }
  });

  it('sees domains defined and undefined by others, from events', async () => {
    await admin.call('domainDefineXmlFlags', { xml: inactiveXml(names.late, false), flags: 0 });
    const added = await log.waitFor('the new domain', (d) =>
      d.upserts.some((v) => v.name === names.late),
    );
    const uuid = added.upserts.find((v) => v.name === names.late)!.uuid;
    expect(log.last(names.late)?.state).toBe('shut-off');
    const { dom } = await admin.call('domainLookupByName', { name: names.late });
    await admin.call('domainUndefineFlags', { dom, flags: 0 });
    await log.waitFor('its removal', (d) => d.removals.some((r) => r.uuid === uuid));
    expect(byName(names.late)).toBeUndefined();
  });

  it('forces a VM off: "shut-off" from the event', async () => {
    const g = byName(names.guest)!;
    await vms.act({ hostId: HOST, uuid: g.uuid, action: 'force-off' });
    await log.waitFor('shut-off from the event', () => log.last(names.guest)?.state === 'shut-off');
  });

  it('marks a dropped host’s VMs stale with their last state, and replaces the list on reconnect', async () => {
    const before = log.deltas.length;
    await host.drop();
    const stale = await log.waitFor(
      'stale VMs',
      (d) =>
        log.deltas.indexOf(d) >= before && d.upserts.some((v) => v.name === names.a && v.stale),
    );
    const a = stale.upserts.find((v) => v.name === names.a)!;
    expect(a.state).toBe('shut-off'); // the last known state, not a guess
    expect(Number.isNaN(Date.parse(a.staleSince ?? ''))).toBe(false);
    expect(stale.hosts.find((h) => h.hostId === HOST)?.stale).toBe(true);
    expect(
      inventory
        .snapshot(CORE_ITSELF)
        .vms.filter((v) => v.name.startsWith(prefix))
        .every((v) => v.stale),
    ).toBe(true);

    const mark = log.deltas.length;
    await host.connect();
    host.announce();
    const reset = await log.waitFor(
      'a fresh list',
      (d) => log.deltas.indexOf(d) >= mark && d.resetHosts.includes(HOST),
    );
    const mine = reset.upserts.filter((v) => v.name.startsWith(prefix));
    expect(mine.map((v) => v.name).sort()).toEqual([names.a, names.b, names.guest].sort());
    expect(byName(names.a)?.stale).toBe(false);
    expect(mine.every((v) => !v.stale)).toBe(true);
    expect(reset.hosts.find((h) => h.hostId === HOST)?.stale).toBe(false);
  });
});
