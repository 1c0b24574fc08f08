import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseVolumeXml } from '../../core/images/volume-xml';

/** A lab host as the reference reaches it: virsh on this machine over libvirt's SSH transport. */
export interface ReferenceHost {
  /** `qemu+ssh://` URI (bench/topology's virshSshUri). */
  uri: string;
}

/** One virsh command as a person types it, with the environment that checks host keys. */
export function virsh(env: NodeJS.ProcessEnv, uri: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('virsh', ['-q', '-c', uri, ...args], { env }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`virsh ${args.join(' ')}: ${stderr || err.message}`))
        : resolve(stdout),
    ),
  );
}

/** The VM's overlay and seed as its host names them, read with virsh. */
interface VmVolumes {
  overlay: { name: string; path: string; capacity: string; backing: string };
  seed: { name: string; bytes: string };
}

async function volumesOf(env: NodeJS.ProcessEnv, uri: string, vm: string): Promise<VmVolumes> {
  const blk = await virsh(env, uri, 'domblklist', vm, '--details');
  const rows = blk
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((r) => r.length >= 4 && r[3]!.startsWith('/'));
  // The seed is a read-only disk (a virtio disk on Corral's nodes, a CD-ROM elsewhere).
  const isSeed = (path: string) => path.endsWith('-seed.iso');
  const disk = rows.find((r) => r[1] === 'disk' && !isSeed(r[3]!))![3]!;
  const cdrom = rows.find((r) => isSeed(r[3]!))![3]!;
  const overlay = parseVolumeXml(await virsh(env, uri, 'vol-dumpxml', disk));
  const seed = parseVolumeXml(await virsh(env, uri, 'vol-dumpxml', cdrom));
  const capacity = String(overlay.capacityBytes);
  const backing = overlay.backingPath!;
  const seedBytes = String(seed.capacityBytes);
  return {
    overlay: { name: disk.split('/').pop()!, path: disk, capacity, backing },
    seed: { name: cdrom.split('/').pop()!, bytes: seedBytes },
  };
}

/**
 * What a person with virsh at their desk does to move a running linked clone between two hosts
 * that do not trust each other: the overlay pre-created on the target over the target's base
 * image, the seed copied through this machine, then a managed live migration (virsh connected
 * to both hosts, no --p2p) copying the overlay's data, then the source's volumes deleted.
 * Returns the wall time in seconds.
 */
export async function referenceMigrate(
  env: NodeJS.ProcessEnv,
  vm: string,
  from: ReferenceHost,
  to: ReferenceHost,
): Promise<number> {
  const t0 = performance.now();
  const v = await volumesOf(env, from.uri, vm);
  const baseName = v.overlay.backing.split('/').pop()!;
  const targetBase = (await virsh(env, to.uri, 'vol-path', '--pool', 'default', baseName)).trim();
  await virsh(
    env,
    to.uri,
    'vol-create-as',
    'default',
    v.overlay.name,
    `${v.overlay.capacity}b`,
    '--format',
    'qcow2',
    '--backing-vol',
    targetBase,
    '--backing-vol-format',
    'qcow2',
  );
  const dir = mkdtempSync(join(tmpdir(), 'corral-bench-migrate-'));
  try {
    const file = join(dir, v.seed.name);
    await virsh(env, from.uri, 'vol-download', '--pool', 'default', v.seed.name, file);
    await virsh(
      env,
      to.uri,
      'vol-create-as',
      'default',
      v.seed.name,
      `${v.seed.bytes}b`,
      '--format',
      'raw',
    );
    await virsh(env, to.uri, 'vol-upload', '--pool', 'default', v.seed.name, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await virsh(
    env,
    from.uri,
    'migrate',
    '--live',
    '--persistent',
    '--undefinesource',
    '--copy-storage-inc',
    vm,
    to.uri,
  );
  await virsh(env, from.uri, 'vol-delete', '--pool', 'default', v.overlay.name);
  await virsh(env, from.uri, 'vol-delete', '--pool', 'default', v.seed.name);
  return (performance.now() - t0) / 1000;
}

/** The switch-over pause (ms) of the last migration, from the target's completed job figures. */
export async function completedDowntimeMs(
  env: NodeJS.ProcessEnv,
  target: ReferenceHost,
  vm: string,
): Promise<number> {
  const out = await virsh(env, target.uri, 'domjobinfo', vm, '--completed');
  const m = /Total downtime:\s+(\d+)\s+ms/.exec(out);
  if (!m) throw new Error(`no downtime in domjobinfo --completed:\n${out}`);
  return Number(m[1]);
}
