/**
 * bench/libvirt-rpc: Corral's libvirt client against libvirt's C library, same daemon, same run,
 * over the local socket and over SSH. Prints `<name>: corral=<x> libvirt=<y> ratio=<x/y>`.
 *
 * Run: npm run bench:rpc  (root; starts libvirtd if needed and a throwaway sshd on loopback).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LibvirtClient,
  connectUnixSocket,
  openSshTransport,
  type TransportFactory,
} from '../../native/libvirt';
import { connectSsh } from '../../native/ssh';
import {
  LIBVIRT_SOCKET,
  ensureLibvirtd,
  killPid,
  startSshd,
} from '../../test/integration/support/test-daemons';
import { corralCalls, corralListAll, corralUpload } from './corral-workloads';

const SECS = Number(process.env.BENCH_SECS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const UPLOAD_ROUNDS = Number(process.env.BENCH_UPLOAD_ROUNDS ?? 5);
const DOMAINS = 1000;
const UPLOAD = 64 << 20;
const CHUNK = 1 << 20;

interface Figure {
  name: string;
  corral: number;
  libvirt: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function compileReference(dir: string): string {
  const out = join(dir, 'reference');
  const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'libvirt'], { encoding: 'utf8' })
    .trim()
    .split(/\s+/);
  execFileSync('gcc', [
    '-O2',
    '-o',
    out,
    join(import.meta.dirname, 'reference.c'),
    ...flags,
    '-lpthread',
  ]);
  return out;
}

/** Runs the C reference; its stdout is one number. */
function reference(bin: string, env: NodeJS.ProcessEnv, ...args: string[]): number {
  const out = execFileSync(bin, args, {
    encoding: 'utf8',
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return Number(out.trim());
}

async function main(): Promise<void> {
  const started: number[] = [];
  const dirs: string[] = [];
  await ensureLibvirtd(started);
  const work = mkdtempSync(join(tmpdir(), 'corral-bench-'));
  dirs.push(work);
  const sshd = await startSshd(dirs);
  const poolDir = `/var/lib/libvirt/images/corral-bench-${process.pid}`;
  const poolName = `corral-bench-${process.pid}`;
  let admin: LibvirtClient | undefined;
  try {
    const bin = compileReference(work);
    const { sshPort, sshKeyPath, sshHostFingerprint, sshKnownHosts } = sshd.env;

    // libvirt's ssh transport runs the `ssh` binary from PATH: wrap it to trust exactly our
    // throwaway host key (a known_hosts file) instead of turning verification off.
    const wrapDir = join(work, 'bin');
    mkdirSync(wrapDir);
    writeFileSync(
      join(wrapDir, 'ssh'),
      `#!/bin/sh\nexec /usr/bin/ssh -o UserKnownHostsFile='${sshKnownHosts}' -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes "$@"\n`,
    );
    chmodSync(join(wrapDir, 'ssh'), 0o755);
    const refEnv = { ...process.env, PATH: `${wrapDir}:${process.env.PATH ?? ''}` };
    const sshUri = (driver: string, path: string) =>
      `${driver}+ssh://root@127.0.0.1:${sshPort}/${path}?keyfile=${encodeURIComponent(sshKeyPath)}&no_tty=1`;

    const ssh = await connectSsh({
      host: '127.0.0.1',
      port: sshPort,
      username: 'root',
      privateKey: readFileSync(sshKeyPath),
      hostKeySha256: sshHostFingerprint,
    });

    // Upload targets on qemu:///system: a transient dir pool with one volume per side.
    mkdirSync(poolDir, { recursive: true });
    admin = await LibvirtClient.connect(() => connectUnixSocket(LIBVIRT_SOCKET), {
      uri: 'qemu:///system',
    });
    const { pool } = await admin.call('storagePoolCreateXml', {
      xml: `<pool type='dir'><name>${poolName}</name><target><path>${poolDir}</path></target></pool>`,
      flags: 1,
    });
    // One volume for both sides, written alternately, so both meet the same file and page cache.
    for (const v of ['upload.raw']) {
      await admin.call('storageVolCreateXml', {
        pool,
        xml: `<volume><name>${v}</name><capacity>${UPLOAD}</capacity><target><format type='raw'/></target></volume>`,
        flags: 0,
      });
    }

    const transports: {
      label: string;
      open: TransportFactory;
      uri: (d: string, p: string) => string;
    }[] = [
      {
        label: 'unix',
        open: () => connectUnixSocket(LIBVIRT_SOCKET),
        uri: (d, p) => `${d}+unix:///${p}`,
      },
      { label: 'ssh', open: () => openSshTransport(ssh), uri: sshUri },
    ];

    const print = (f: Figure) => {
      const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
      console.log(
        `${f.name}: corral=${fmt(f.corral)} libvirt=${fmt(f.libvirt)} ratio=${(f.corral / f.libvirt).toFixed(2)}`,
      );
    };

    // Interleaved rounds, median per side: the machine is shared (2 cores, other tests running),
    // so one-shot figures swing by +-10 %.
    const measure = async (
      name: string,
      corral: () => Promise<number>,
      libvirt: () => number,
      rounds = ROUNDS,
      before: () => void = () => {},
    ) => {
      const a: number[] = [];
      const b: number[] = [];
      for (let r = 0; r < rounds; r++) {
        before();
        a.push(await corral());
        before();
        b.push(libvirt());
      }
      print({ name, corral: median(a), libvirt: median(b) });
    };

    for (const t of transports) {
      const withCorral = async <T>(
        uri: string,
        f: (c: LibvirtClient) => Promise<T>,
      ): Promise<T> => {
        const c = await LibvirtClient.connect(t.open, { uri });
        try {
          return await f(c);
        } finally {
          await c.close();
        }
      };
      const testUri = t.uri('test', 'default');
      await withCorral('test:///default', (c) => corralCalls(c, 0.5, 1)); // warm-up (JIT)
      await measure(
        `${t.label} sequential calls/s`,
        () => withCorral('test:///default', (c) => corralCalls(c, SECS, 1)),
        () => reference(bin, refEnv, testUri, 'seq', String(SECS)),
      );
      await measure(
        `${t.label} calls/s with 5 in flight`,
        () => withCorral('test:///default', (c) => corralCalls(c, SECS, 5)),
        () => reference(bin, refEnv, testUri, 'par', String(SECS), '5'),
      );
      await measure(
        `${t.label} list-all-domains (${DOMAINS} domains) lists/s`,
        () => withCorral('test:///default', (c) => corralListAll(c, SECS, DOMAINS)),
        () => reference(bin, refEnv, testUri, 'list', String(SECS), String(DOMAINS)),
      );
      await measure(
        `${t.label} 64 MiB volume upload MiB/s`,
        () =>
          withCorral('qemu:///system', (c) =>
            corralUpload(c, poolName, 'upload.raw', UPLOAD, CHUNK),
          ),
        () =>
          reference(
            bin,
            refEnv,
            t.uri('qemu', 'system'),
            'upload',
            poolName,
            'upload.raw',
            String(UPLOAD),
            String(CHUNK),
          ),
        UPLOAD_ROUNDS,
        // Start each upload with no dirty pages left by the previous one.
        () => execFileSync('sync'),
      );
    }
    ssh.end();
  } finally {
    if (admin?.connection.isOpen) {
      const p = await admin
        .call('storagePoolLookupByName', { name: poolName })
        .catch(() => undefined);
      if (p) {
        const { vols } = await admin.call('storagePoolListAllVolumes', {
          pool: p.pool,
          needResults: true,
          flags: 0,
        });
        for (const vol of vols)
          await admin.call('storageVolDelete', { vol, flags: 0 }).catch(() => {});
        await admin.call('storagePoolDestroy', { pool: p.pool }).catch(() => {});
      }
      await admin.close();
    }
    rmSync(poolDir, { recursive: true, force: true });
    if (sshd.child.pid) killPid(sshd.child.pid);
    for (const pid of started) killPid(pid);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

await main();
