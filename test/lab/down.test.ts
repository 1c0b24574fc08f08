import { existsSync, readlinkSync, readdirSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LAB, LAB_DIR, STATE_FILE } from './config';
import { processAlive, run, succeeds } from './exec';
import { bootGuest } from './guest';
import { downLocked, labUp } from './lab';
import { withExclusiveLab } from './lab-lock';
import { currentLab } from './lab-fixture';
import { guestRssKiB } from './guest';

/** Pids of every process whose network namespace is `inode`. */
function pidsInNetns(inode: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readlinkSync(`/proc/${e}/ns/net`) === `net:[${inode}]`) out.push(Number(e));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

describe('lab down', () => {
  it('leaves no lab process, namespace, bridge or runtime dir behind, and the machine libvirtd alone', async () => {
    const lab = currentLab();
    // A running guest too, so down has a QEMU to stop.
    const g = await bootGuest(lab, { name: 'lab-down-guest', host: 1 });
    const qemuRss = guestRssKiB(lab.hosts[0]!, g.name);
    expect(qemuRss).toBeGreaterThan(0);
    const inodes = lab.hosts.map((h) => statSync(`/run/netns/${h.netns}`).ino);
    const recorded = lab.hosts.flatMap((h) => [
      h.anchorPid,
      h.pids.libvirtd,
      h.pids.virtlogd,
      h.pids.sshd,
    ]);
    const labPids = inodes.flatMap(pidsInNetns);
    expect(labPids.length).toBeGreaterThanOrEqual(recorded.length + 1);
    // Processes outside the lab that must survive (the machine's own libvirtd, if any).
    const outside = (await run('pgrep', ['-x', 'libvirtd']).catch(() => ({ stdout: '' }))).stdout
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .filter((p) => !labPids.includes(p));

    // The lab is shared (e2e or a benchmark may be using it): wait until no other run holds it,
    // then take it down and check under the lab lock so nobody brings it back up in between.
    await withExclusiveLab(async () => {
      await downLocked();
      for (const pid of [...recorded, ...labPids])
        expect(processAlive(pid), `pid ${pid}`).toBe(false);
      for (const inode of inodes) expect(pidsInNetns(inode).filter(processAlive)).toEqual([]);
      const { stdout: netns } = await run('ip', ['netns', 'list']);
      expect(netns).not.toContain(LAB.netnsPrefix);
      expect(await succeeds('ip', ['link', 'show', 'dev', LAB.rootBridge])).toBe(false);
      const { stdout: links } = await run('ip', ['-o', 'link', 'show']);
      expect(links).not.toMatch(/corral-lab/);
      expect(existsSync(LAB_DIR)).toBe(false);
      for (const pid of outside) expect(processAlive(pid), `machine libvirtd ${pid}`).toBe(true);
    });

    // Bring the lab back for any test file that runs after this one (files run serially).
    await labUp({ hosts: lab.hosts.length });
    expect(existsSync(STATE_FILE)).toBe(true);
  }, 1_200_000);
});
