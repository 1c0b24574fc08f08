/**
 * bench/topology: Corral against virsh on the same lab host over SSH, same run,
 * interleaved rounds, medians. Prints one line per figure:
 * `<name>: corral=<x> virsh=<y> ratio=<virsh time / corral time, higher is better>`.
 *
 * (a) connect to a complete inventory of a host with 1000 inactive domains: Corral's hosts service
 *     (SSH, libvirt over it) + inventory service until the snapshot holds all 1000 with their XML
 *     facts, against one `virsh -c qemu+ssh://...` running `list --all` and `domstats`.
 * (b) console keystroke-to-echo on a busybox guest's serial shell: Corral's console service through
 *     the contract (and, to locate costs, the bare libvirt stream under it) against `virsh
 *     console` on a pty.
 *
 * Run: npm run bench:topology (root; brings the lab up if it is down and takes it down after).
 * BENCH_INVENTORY_ROUNDS (default 9), BENCH_ROUNDS (console, default 5), BENCH_CONSOLE_SAMPLES
 * (default 200 per side).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostsService } from '../../core/hosts/hosts-service';
import { inHost } from '../../test/lab/host-daemons';
import { defineBenchDomains, undefineBenchDomains } from './bench-domains';
import { CONSOLE_GUEST, removeConsoleGuest, startConsoleGuest } from './console-guest';
import { corralConsoleSamples, libvirtStreamSamples, virshConsoleSamples } from './console-figure';
import {
  benchHostsService,
  corralInventorySeconds,
  virshInventorySeconds,
} from './inventory-figure';
import {
  addTrustedLabHost,
  log,
  sshWrapperEnv,
  useLab,
  virshSshUri,
  waitForGuestRoom,
} from './lab-access';
import { median, quantile, timeLine } from './stats';

const DOMAINS = 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// One inventory round is ~1 s: more of them steady the median on a shared machine.
const INVENTORY_ROUNDS = Number(process.env.BENCH_INVENTORY_ROUNDS ?? 9);
const CONSOLE_SAMPLES = Number(process.env.BENCH_CONSOLE_SAMPLES ?? 200);

async function main(): Promise<void> {
  const lab = await useLab();
  const { state } = lab;
  const host = state.hosts[0]!;
  const work = mkdtempSync(join(tmpdir(), 'corral-bench-topology-'));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  const env = sshWrapperEnv(state, work);
  const uri = virshSshUri(state, host);
  let setup: HostsService | undefined;
  let hostId: string | undefined;
  try {
    // Added and trusted once, as a person would; every measured round starts from that store.
    setup = benchHostsService(dataDir);
    hostId = await addTrustedLabHost(setup, state, host);
    const client = setup.libvirt(hostId);
    const t0 = performance.now();
    const defined = await defineBenchDomains(client, DOMAINS);
    log(
      `${defined} domains defined on ${host.name} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // (a) Interleaved rounds after one warm-up each (JIT, libvirtd's caches).
    await corralInventorySeconds(dataDir, hostId, DOMAINS);
    await virshInventorySeconds(uri, env, DOMAINS);
    // The same machine's load moves both sides; a busy machine hurts the single-threaded side
    // more (see the CPU figures in the log).
    const inv = { corral: [] as number[], virsh: [] as number[] };
    const cpu = { corral: [] as number[], virsh: [] as number[] };
    for (let r = 0; r < INVENTORY_ROUNDS; r++) {
      const c = await corralInventorySeconds(dataDir, hostId, DOMAINS);
      const v = await virshInventorySeconds(uri, env, DOMAINS);
      inv.corral.push(c.seconds);
      inv.virsh.push(v.seconds);
      cpu.corral.push(c.cpuSeconds);
      cpu.virsh.push(v.cpuSeconds);
      log(
        `inventory round ${r + 1}: corral ${c.seconds.toFixed(3)} s (CPU ${c.cpuSeconds.toFixed(2)} s), virsh ${v.seconds.toFixed(3)} s (CPU ${v.cpuSeconds.toFixed(2)} s, with ssh)`,
      );
    }
    log(
      `inventory CPU medians: corral ${median(cpu.corral).toFixed(2)} s in one Node process, virsh ${median(cpu.virsh).toFixed(2)} s (virsh + ssh)`,
    );
    console.log(
      timeLine(
        `inventory-${DOMAINS}-domains connect-to-complete (s)`,
        median(inv.corral),
        median(inv.virsh),
      ),
    );

    // (b) One small guest; each side takes the console over (FORCE) in turn.
    await waitForGuestRoom(state, 1);
    // libvirt locks a pty console in /var/lock (-> /run/lock); a lab host's /run is a bare tmpfs.
    await inHost(host.anchorPid, 'mkdir', ['-p', '/run/lock']);
    const dom = await startConsoleGuest(client);
    const ref = { hostId, uuid: dom.uuid };
    const per = Math.ceil(CONSOLE_SAMPLES / ROUNDS);
    const con = { corral: [] as number[], stream: [] as number[], virsh: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      con.corral.push(...(await corralConsoleSamples(setup, ref, per)));
      con.stream.push(...(await libvirtStreamSamples(client, dom, per)));
      con.virsh.push(...(await virshConsoleSamples(uri, env, CONSOLE_GUEST, per)));
      log(
        `console round ${r + 1}: median corral ${median(con.corral).toFixed(1)} ms, libvirt stream ${median(con.stream).toFixed(1)} ms, virsh ${median(con.virsh).toFixed(1)} ms`,
      );
    }
    console.log(timeLine('console-echo median (ms)', median(con.corral), median(con.virsh)));
    console.log(
      timeLine('console-echo p95 (ms)', quantile(con.corral, 0.95), quantile(con.virsh, 0.95)),
    );
    console.log(
      timeLine('console-echo libvirt-stream median (ms)', median(con.stream), median(con.virsh)),
    );
    console.log(
      timeLine(
        'console-echo libvirt-stream p95 (ms)',
        quantile(con.stream, 0.95),
        quantile(con.virsh, 0.95),
      ),
    );
    log(`console samples per side: ${con.corral.length}`);
  } finally {
    if (setup && hostId) {
      const client = setup.libvirt(hostId);
      await removeConsoleGuest(client).catch((err: unknown) =>
        log(`console guest: ${String(err)}`),
      );
      const gone = await undefineBenchDomains(client);
      log(`${gone} bench domains undefined on ${host.name}`);
    }
    setup?.dispose();
    rmSync(work, { recursive: true, force: true });
    await lab.release();
  }
}

main().then(
  // ssh2 keepalive timers of disposed connections may linger a moment; the figures are out.
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
