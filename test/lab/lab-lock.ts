import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive, sleep } from './exec';

/**
 * The lab is one per machine and several runs share it (lab tests, e2e, a person trying Corral).
 * A lock serialises `up` and `down`; leases record which live processes use the lab, so one run's
 * teardown never takes the lab from under another. Both live in /run: a reboot clears them.
 */
const LOCK_DIR = process.env.CORRAL_LAB_LOCK ?? '/run/corral-lab.lock';
const LEASE_DIR = process.env.CORRAL_LAB_LEASES ?? '/run/corral-lab.leases';

/** Runs `fn` holding the machine-wide lab lock (a directory; a dead holder's lock is broken). */
export async function withLabLock<T>(fn: () => Promise<T>, timeoutMs = 900_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      break;
    } catch {
      const holder = Number(safeRead(join(LOCK_DIR, 'pid')));
      if (holder > 0 && !processAlive(holder)) rmSync(LOCK_DIR, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new Error(`lab: lock ${LOCK_DIR} held by pid ${holder}`);
      else await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/** Records that this process uses the lab (until {@link releaseLease} or its exit). */
export function takeLease(): void {
  mkdirSync(LEASE_DIR, { recursive: true });
  writeFileSync(join(LEASE_DIR, String(process.pid)), `${process.argv.slice(1).join(' ')}\n`);
}

/** Drops this process's lease. */
export function releaseLease(): void {
  rmSync(join(LEASE_DIR, String(process.pid)), { force: true });
}

/** This process and its ancestors: a Vitest worker shares the lease its main process took. */
function ownLineage(): Set<number> {
  const own = new Set<number>();
  let pid = process.pid;
  while (pid > 1 && !own.has(pid)) {
    own.add(pid);
    const stat = safeRead(`/proc/${pid}/stat`);
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return own;
}

/** Live processes outside this one's lineage that hold a lease (stale leases are removed). */
export function otherLeases(): number[] {
  const own = ownLineage();
  let entries: string[];
  try {
    entries = readdirSync(LEASE_DIR);
  } catch {
    return [];
  }
  const others: number[] = [];
  for (const e of entries) {
    const pid = Number(e);
    if (own.has(pid)) continue;
    if (pid > 0 && processAlive(pid)) others.push(pid);
    else rmSync(join(LEASE_DIR, e), { force: true });
  }
  return others;
}

/** Waits until no other process holds a lease; fails with the holders after `timeoutMs`. */
export async function waitForExclusiveUse(timeoutMs = 900_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let others = otherLeases();
  while (others.length > 0) {
    if (Date.now() > deadline) throw new Error(`lab: still in use by pids ${others.join(', ')}`);
    await sleep(1000);
    others = otherLeases();
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * Runs `fn` holding the lab lock while no other run holds a lease: waits for the others to finish
 * first (without the lock, so their own `down` can proceed), then re-checks under the lock.
 */
export async function withExclusiveLab<T>(fn: () => Promise<T>, timeoutMs = 900_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await waitForExclusiveUse(Math.max(0, deadline - Date.now()));
    const result = await withLabLock(async () =>
      otherLeases().length === 0 ? { value: await fn() } : undefined,
    );
    if (result) return result.value;
  }
}
