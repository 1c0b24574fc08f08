import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CorralError } from '../../../api/errors';
import type { HostFacts, StatsSubject, Vm } from '../../../api/inventory-api';
import type { MigrateRequest } from '../../../api/migration-api';
import type { CallContext } from '../../../core/call-context';
import { BalanceService } from '../../../core/migration/balance-service';
import { TaskEngine } from '../../../core/tasks/task-engine';

// The balance service over the real task engine and a data folder; the inventory is given as
// the facts and load series it would hold, and each move's migration is a task that succeeds.

const dirs: string[] = [];
const disposables: Array<{ dispose(): void }> = [];
const engines: TaskEngine[] = [];
afterEach(async () => {
  for (const d of disposables.splice(0)) d.dispose();
  for (const e of engines.splice(0)) await e.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const NOW = 1_000_000;
const U1 = '00000000-0000-4000-8000-000000000001';
const U2 = '00000000-0000-4000-8000-000000000002';
const facts = (hostId: string): HostFacts => ({
  hostId,
  hostname: `corral-${hostId}`,
  cpus: 2,
  memoryKiB: 8 * 1024 * 1024,
  freeMemoryKiB: 6 * 1024 * 1024,
  cpuPercent: 50,
  libvirtVersion: '9.0.0',
  stale: false,
  updatedAt: 'now',
});
const vm = (uuid: string, name: string, hostId = 'h1'): Vm => ({
  hostId,
  uuid,
  name,
  state: 'running',
  stale: false,
  vcpus: 1,
  memoryKiB: 262144,
  maxMemoryKiB: 262144,
  disks: [],
  nics: [],
  membership: { cluster: 'c', owner: 'alice', index: 0 },
});
const busy = {
  t: [NOW - 20_000, NOW - 10_000, NOW],
  cpu: [90, 90, 90],
  memoryKiB: [262144, 262144, 262144],
};

const admin: CallContext = { sessionId: 'admin' };
const user: CallContext = { sessionId: 'user' };

function setup(dataDir = mkdtempSync(join(tmpdir(), 'corral-balance-service-'))) {
  dirs.push(dataDir);
  const engine = new TaskEngine({ file: join(dataDir, 'tasks.jsonl') });
  engines.push(engine);
  const migrations: MigrateRequest[] = [];
  engine.register<MigrateRequest>({ kind: 'vm-migrate', cancellable: true, run: async () => {} });
  const vms = [vm(U1, 'c-0'), vm(U2, 'c-1')];
  const notices: string[] = [];
  const service = new BalanceService({
    dataDir,
    inventory: {
      snapshot: () => ({ hosts: [facts('h1'), facts('h2')], vms }),
      history: (s: StatsSubject) =>
        s.kind === 'host' ? busy : { t: busy.t, cpu: busy.cpu, memoryKiB: busy.memoryKiB },
    },
    tasks: engine,
    migrate: (req) => {
      migrations.push(req);
      return engine.start({
        kind: 'vm-migrate',
        ownerId: 'admin',
        title: 'm',
        targets: [],
        state: req,
      });
    },
    adminOf: (ctx) => {
      if (ctx !== admin)
        throw new CorralError('forbidden', 'only the administrator balances hosts');
      return { id: 'admin-id' };
    },
    notify: (m) => notices.push(m),
    autoIntervalMs: 0,
    now: () => NOW,
  });
  disposables.push(service);
  return { service, engine, migrations, notices, vms, dataDir };
}

const overloaded = { windowSeconds: 20, cpuHighPercent: 80, cpuLowPercent: 50 };

describe('BalanceService', () => {
  it('previews a plan from the load over the window and applies it as one balance task', async () => {
    const { service, engine, migrations } = setup();
    const plan = await service.preview(overloaded, admin);
    // Two guests at 90% of one vCPU each on a 2-CPU host: the host at 90%.
    expect(plan.before.hosts.map((h) => h.cpuPercent)).toEqual([90, 0]);
    expect(plan.moves).toHaveLength(1);
    expect(plan.moves[0]!.reason).toBe(
      'corral-h1 CPU 90% over 80% for 20 s: move c-0 (45% of the host) to corral-h2 (CPU 0%)',
    );
    const task = await service.apply(plan.planId, admin);
    expect(task).toMatchObject({
      kind: 'balance',
      ownerId: 'admin-id',
      title: 'Balance hosts: 1 move',
    });
    expect(task.steps[0]!.label).toBe('Move c-0 from corral-h1 to corral-h2');
    expect((await engine.settled(task.id)).status).toBe('succeeded');
    expect(migrations).toEqual([{ hostId: 'h1', uuid: U1, targetHostId: 'h2' }]);
  });

  it('refuses anyone but the administrator, a plan used twice, and one whose VM has moved', async () => {
    const { service, vms } = setup();
    await expect(service.preview({}, user)).rejects.toMatchObject({ code: 'forbidden' });
    const plan = await service.preview(overloaded, admin);
    await expect(service.apply(plan.planId, user)).rejects.toMatchObject({ code: 'forbidden' });
    vms[0] = { ...vms[0]!, hostId: 'h2' };
    await expect(service.apply(plan.planId, admin)).rejects.toThrow(
      'c-0 is no longer where the plan found it; preview again',
    );
    await expect(service.apply(plan.planId, admin)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('refuses thresholds that cannot work together, with the reason', async () => {
    const { service } = setup();
    await expect(service.preview({ cpuHighPercent: 40, cpuLowPercent: 60 }, admin)).rejects.toThrow(
      'the low CPU threshold (60%) must be below the high one (40%)',
    );
    await expect(service.preview({ windowSeconds: 1 }, admin)).rejects.toMatchObject({
      code: 'bad-request',
    });
  });

  it('keeps automatic mode off by default, persists it, and only proposes (with one notice)', async () => {
    const first = setup();
    expect(first.service.auto()).toMatchObject({ enabled: false });
    const on = first.service.setAuto(true, overloaded);
    expect(on.enabled).toBe(true);
    expect(on.proposal?.moves).toHaveLength(1);
    first.service.checkAuto();
    expect(first.notices).toHaveLength(1);
    expect(first.notices[0]).toMatch(/^Balancing proposes 1 move: corral-h1 CPU 90% over 80%/);
    // Nothing was applied by itself.
    expect(first.engine.list().filter((t) => t.kind === 'balance')).toEqual([]);
    const stored = JSON.parse(readFileSync(join(first.dataDir, 'balance.json'), 'utf8'));
    expect(stored).toMatchObject({ enabled: true, policy: { cpuHighPercent: 80 } });
    const again = setup(mkdtempSync(join(tmpdir(), 'corral-balance-service-')));
    writeFileSync(join(again.dataDir, 'balance.json'), JSON.stringify(stored));
    const reopened = setup(again.dataDir);
    expect(reopened.service.auto()).toMatchObject({ enabled: true, policy: { windowSeconds: 20 } });
  });

  it('sets aside a balance file it cannot read and falls back to off', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'corral-balance-service-'));
    writeFileSync(join(dataDir, 'balance.json'), JSON.stringify({ enabled: 'yes' }));
    const { service } = setup(dataDir);
    expect(service.auto().enabled).toBe(false);
  });
});
