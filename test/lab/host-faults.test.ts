import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostStatus } from '../../api/hosts-api';
import type { Vm } from '../../api/inventory-api';
import type { CallContext } from '../../core/call-context';
import { CorralCore } from '../../core/corral-core';
import { el, renderXml } from '../../core/xml/xml-element';
import { cleanLab, labFingerprint, until, waitForRoom } from './clusters-support';
import {
  daemonPid,
  ownConnectionsTo,
  sshdSessionsFrom,
  startDaemon,
  stopDaemon,
} from './daemon-control';
import { sleep } from './exec';
import { hostPath, hostVirsh } from './guest';
import { currentLab } from './lab-fixture';
import type { LabHost, LabState } from './state';

/**
 * Faults on a real lab host, watched through CorralCore with its production timings: libvirtd
 * restarted, a guest's QEMU killed, sshd killed and restarted. Every stopped daemon is started
 * again in afterAll, whatever failed. One small guest (no disk: firmware only) is enough to see
 * lifecycle events and a crash.
 */
const PREFIX = 'faults';
const GUEST = `${PREFIX}-g1`;
const admin: CallContext = { sessionId: 'faults-admin' };

let core: CorralCore;
let dataDir: string;
let lab: LabState;
let host: LabHost;
let hostId: string;
/** Every status the host went through, with when we saw it. */
const statuses: Array<{ at: number; status: HostStatus }> = [];

const log = (line: string) => console.error(`host faults: ${line}`);
const status = () => core.hosts.list().find((h) => h.id === hostId)!.status;
const vmOf = (name: string): Vm | undefined =>
  core.inventory.snapshot().vms.find((v) => v.hostId === hostId && v.name === name);

/** A firmware-only TCG domain: it runs (and can crash) without a disk or a boot. */
function tinyGuestXml(name: string): string {
  return renderXml(
    el(
      'domain',
      { type: 'qemu' },
      el('name', {}, name),
      el('memory', { unit: 'MiB' }, 48),
      el('vcpu', {}, 1),
      el('os', {}, el('type', { arch: 'x86_64', machine: 'pc' }, 'hvm')),
      el('features', {}, el('tcg', {}, el('tb-cache', { unit: 'MiB' }, 16))),
      el('on_crash', {}, 'destroy'),
      el(
        'devices',
        {},
        el('emulator', {}, '/usr/bin/qemu-system-x86_64'),
        el('memballoon', { model: 'none' }),
      ),
    ),
  );
}

/** virsh's truth for the host: name -> state word (`running`, `shut off`, …). */
async function virshStates(): Promise<Map<string, string>> {
  const { stdout } = await hostVirsh(host, ['list', '--all']);
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^\s*(\S+)\s+(\S+)\s+(.+?)\s*$/.exec(line);
    if (m) out.set(m[2]!, m[3]!);
  }
  return out;
}

/** Corral's state words in virsh's spelling, for comparing the two lists. */
const virshWord = (state: Vm['state']): string =>
  ({ 'shut-off': 'shut off', 'shutting-down': 'in shutdown', suspended: 'pmsuspended' })[
    state as string
  ] ?? state;

async function inventoryMatchesVirsh(): Promise<void> {
  const truth = await virshStates();
  const shown = new Map(
    core.inventory
      .snapshot()
      .vms.filter((v) => v.hostId === hostId)
      .map((v) => [v.name, v]),
  );
  expect([...shown.keys()].sort()).toEqual([...truth.keys()].sort());
  for (const [name, vm] of shown) {
    expect(vm.stale, `${name} stale`).toBe(false);
    expect(virshWord(vm.state), name).toBe(truth.get(name));
  }
}

/** When `virsh event` on the host prints the guest's next Stopped event (NaN if it never does). */
function virshStopEvent(): Promise<number> {
  const child = spawn(
    'nsenter',
    [
      '-t',
      String(host.anchorPid),
      '-m',
      '-u',
      '-n',
      '--',
      'virsh',
      '-q',
      '-c',
      'qemu:///system',
    ].concat(['event', '--domain', GUEST, '--event', 'lifecycle', '--timeout', '10']),
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return new Promise((done) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('Stopped')) done(Date.now());
    });
    child.once('exit', () => done(NaN));
  });
}

describe('faults on a lab host', () => {
  beforeAll(async () => {
    lab = currentLab();
    host = lab.hosts[lab.hosts.length - 1]!;
    await cleanLab(lab, PREFIX);
    await waitForRoom(lab, 1);
    dataDir = mkdtempSync(join(tmpdir(), 'corral-faults-'));
    const xml = join(dataDir, 'guest.xml');
    writeFileSync(xml, tinyGuestXml(GUEST));
    await hostVirsh(host, ['define', xml]);

    core = new CorralCore({ dataDir, shell: 'test', hosts: { localHost: false } });
    await core.api.accounts.signUp({ username: 'faultsadmin', password: 'admin-password' }, admin);
    const view = await core.api.hosts.add(
      {
        name: host.name,
        address: host.address,
        port: host.sshPort,
        user: host.user,
        auth: { kind: 'key', keyPath: lab.sshKey },
      },
      admin,
    );
    hostId = view.id;
    core.hosts.onChanged(() => statuses.push({ at: Date.now(), status: status() }));
    await until('the host key', 30_000, () => status().state === 'key-unknown');
    core.hosts.trustKey(hostId, labFingerprint(lab, host.address));
    await until('the host online with its guest', 60_000, () => vmOf(GUEST));
  }, 120_000);

  afterAll(async () => {
    // Whatever failed, the lab's daemons run again and our guest is gone.
    if (host) {
      await startDaemon(host, 'libvirtd').catch((e: unknown) => log(`libvirtd: ${String(e)}`));
      await startDaemon(host, 'sshd').catch((e: unknown) => log(`sshd: ${String(e)}`));
    }
    core?.dispose();
    if (lab) await cleanLab(lab, PREFIX);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('libvirtd restarted: the host reconnects, events flow again and the inventory matches virsh', async () => {
    expect(status().state).toBe('online');
    const from = statuses.length;
    await stopDaemon(host, 'libvirtd');
    await until('the host to notice', 30_000, () => status().state !== 'online');
    // Down long enough for several retries to fail, as during a slow restart or an upgrade.
    await sleep(8_000);
    // Meanwhile the retries went through the one SSH connection Corral already had.
    expect((await ownConnectionsTo(host.address, host.sshPort)).size).toBe(1);
    const { answeredAt } = await startDaemon(host, 'libvirtd');
    // The first thing after the restart: start a guest behind Corral's back.
    await hostVirsh(host, ['start', GUEST]);
    const startedAt = Date.now();
    await until(
      'the guest running in Corral within 5 s of libvirtd answering',
      5_000,
      () => {
        const vm = vmOf(GUEST);
        return vm?.state === 'running' && !vm.stale;
      },
      20,
    );
    const seenAt = Date.now();
    const onlineAt = statuses.slice(from).find((s) => s.status.state === 'online')?.at ?? NaN;
    log(
      `libvirtd restart: online ${onlineAt - answeredAt} ms after libvirtd answered; ` +
        `virsh start seen ${seenAt - startedAt} ms after it returned ` +
        `(${seenAt - answeredAt} ms after libvirtd answered)`,
    );
    // While libvirtd was gone the host said so and had a retry planned (reconnecting).
    const between = statuses.slice(from).map((s) => s.status);
    expect(between.some((s) => s.state === 'unreachable' && s.retryAt !== undefined)).toBe(true);
    expect(status().state).toBe('online');
    expect((await ownConnectionsTo(host.address, host.sshPort)).size).toBe(1);
    await inventoryMatchesVirsh();
  }, 120_000);

  it('a guest whose QEMU is killed with SIGKILL shows as shut off within 5 s', async () => {
    await until('the guest running', 30_000, () => vmOf(GUEST)?.state === 'running');
    const pid = Number(readFileSync(hostPath(host, `/run/libvirt/qemu/${GUEST}.pid`), 'utf8'));
    expect(pid).toBeGreaterThan(0);
    // libvirt's own event, seen by virsh on the host, for comparison in the log.
    const libvirtSaw = virshStopEvent();
    await sleep(300); // virsh has registered for events by now
    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    // libvirt reports a QEMU that died under it as stopped (failed): Corral shows it shut off.
    await until(
      'the guest shut off in Corral',
      5_000,
      () => {
        const s = vmOf(GUEST)?.state;
        return s === 'shut-off' || s === 'crashed';
      },
      20,
    );
    const shownAt = Date.now();
    const eventAt = await libvirtSaw;
    log(
      `QEMU SIGKILL: shown as ${vmOf(GUEST)?.state} ${shownAt - killedAt} ms after the kill ` +
        `(virsh saw libvirt's event after ${eventAt - killedAt} ms)`,
    );
    expect((await virshStates()).get(GUEST)).toBe('shut off');
    await inventoryMatchesVirsh();
  }, 60_000);

  it('sshd killed and restarted: Corral reconnects with back-off and keeps one SSH connection', async () => {
    await until('the host online', 30_000, () => status().state === 'online');
    const before = await ownConnectionsTo(host.address, host.sshPort);
    expect(before.size).toBe(1);
    const sessions = await sshdSessionsFrom(host, lab.network.address, before);
    expect(sessions.length).toBeGreaterThan(0);
    const from = statuses.length;
    // The listener and the session process serving Corral: the connection dies with them.
    await stopDaemon(host, 'sshd', 'SIGKILL');
    for (const pid of sessions) process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    expect(daemonPid(host, 'sshd')).toBeUndefined();
    await until('the host to notice', 30_000, () => status().state === 'unreachable');
    // Refused for a while: at least two retries are planned, each further out.
    await until('two failed retries', 30_000, () => {
      const planned = new Set(
        statuses
          .slice(from)
          .map((s) => (s.status.state === 'unreachable' ? s.status.retryAt : undefined))
          .filter(Boolean),
      );
      return planned.size >= 3;
    });
    const { answeredAt } = await startDaemon(host, 'sshd');
    await until('the host online again', 90_000, () => status().state === 'online', 20);
    const onlineAt = Date.now();
    const retries = statuses
      .slice(from)
      .filter((s) => s.status.state === 'unreachable' && s.status.retryAt)
      .map((s) => Date.parse((s.status as { retryAt: string }).retryAt) - s.at);
    log(
      `sshd restart: online ${onlineAt - answeredAt} ms after sshd started ` +
        `(${onlineAt - killedAt} ms after the kill); retry delays planned: ${retries.join(', ')} ms`,
    );
    // Let any stray attempt show itself before counting.
    await until('the inventory back', 30_000, () => vmOf(GUEST) && !vmOf(GUEST)!.stale);
    await sleep(3_000);
    const after = await ownConnectionsTo(host.address, host.sshPort);
    expect(after.size).toBe(1);
    expect(await sshdSessionsFrom(host, lab.network.address, after)).toHaveLength(1);
    await inventoryMatchesVirsh();
  }, 180_000);
});
