import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostStatus } from '../../api/hosts-api';
import type { HostsService } from '../../core/hosts/hosts-service';
import { labFingerprint } from '../../test/lab/clusters-support';
import { LAB } from '../../test/lab/config';
import { hostVirsh } from '../../test/lab/guest';
import { labDown, labUp } from '../../test/lab/lab';
import { releaseLease } from '../../test/lab/lab-lock';
import { readLabState, type LabHost, type LabState } from '../../test/lab/state';

/** Logs a bench progress line on stderr (stdout carries only the figures). */
export function log(line: string): void {
  console.error(`bench: ${line}`);
}

/** The lab, brought up if it was down, and a release that leaves it as it was found. */
export interface LabUse {
  state: LabState;
  release(): Promise<void>;
}

/** Brings the lab up (or reuses a running one) with at least two hosts. */
export async function useLab(): Promise<LabUse> {
  const before = readLabState();
  const hosts = Math.max(before?.hosts.length ?? 0, LAB.defaultHosts);
  const state = await labUp({ hosts, log: (l) => log(`lab: ${l}`) });
  return {
    state,
    release: async () => {
      if (before) releaseLease();
      else await labDown((l) => log(`lab: ${l}`));
    },
  };
}

/** The SHA-256 fingerprint of a lab host's key, from the lab's known_hosts (never trust-all). */
export function labHostFingerprint(state: LabState, host: LabHost): string {
  return labFingerprint(state, host.address);
}

/** Resolves with the host's status once `accept` returns true for it (fails after `ms`). */
export async function waitHostStatus(
  hosts: HostsService,
  id: string,
  accept: (s: HostStatus) => boolean,
  ms = 60_000,
): Promise<HostStatus> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = hosts.list().find((h) => h.id === id)?.status;
    if (s && accept(s)) return s;
    if (Date.now() > deadline) throw new Error(`host ${id}: still ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Adds a lab host to Corral the way a person does: key auth with the lab key, then the presented
 * fingerprint is confirmed only if it equals the one in the lab's known_hosts. Waits for online.
 */
export async function addTrustedLabHost(
  hosts: HostsService,
  state: LabState,
  host: LabHost,
): Promise<string> {
  const view = hosts.add({
    name: host.name,
    address: host.address,
    port: host.sshPort,
    user: host.user,
    auth: { kind: 'key', keyPath: state.sshKey },
  });
  const s = await waitHostStatus(hosts, view.id, (st) => st.state !== 'connecting');
  if (s.state !== 'key-unknown') throw new Error(`${host.name}: ${JSON.stringify(s)}`);
  const expected = labHostFingerprint(state, host);
  if (s.fingerprint !== expected)
    throw new Error(`${host.name} presented ${s.fingerprint}, known_hosts says ${expected}`);
  hosts.trustKey(view.id, s.fingerprint);
  await waitHostStatus(hosts, view.id, (st) => st.state === 'online');
  return view.id;
}

function runningOnLocalLibvirtd(): Promise<number> {
  return new Promise((resolve) => {
    execFile('virsh', ['-q', '-c', 'qemu:///system', 'list', '--name'], (err, stdout) =>
      // No local libvirtd: no guests there.
      resolve(err ? 0 : String(stdout).split('\n').filter(Boolean).length),
    );
  });
}

/** Running guests on this machine: its own libvirtd plus every lab host. */
export async function liveGuestsOnMachine(state: LabState): Promise<number> {
  const perHost = await Promise.all(
    state.hosts.map(
      async (h) =>
        (await hostVirsh(h, ['list', '--name'])).stdout.split('\n').filter(Boolean).length,
    ),
  );
  return (await runningOnLocalLibvirtd()) + perHost.reduce((a, b) => a + b, 0);
}

/**
 * Waits until `need` more guests fit under the machine-wide cap (measured: 8 alive), since
 * other engineers' tests boot guests on the same machine.
 */
export async function waitForGuestRoom(state: LabState, need: number): Promise<void> {
  let warned = false;
  for (;;) {
    const live = await liveGuestsOnMachine(state);
    if (live + need <= LAB.maxLiveGuests) return;
    if (!warned) log(`waiting for room: ${live} guests alive, need ${need} more (max 8)`);
    warned = true;
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

/**
 * A directory whose `ssh` wraps /usr/bin/ssh to verify the lab hosts' keys from the lab's
 * known_hosts: libvirt's ssh transport runs `ssh` from PATH and has no option for that.
 */
export function sshWrapperEnv(state: LabState, dir: string): NodeJS.ProcessEnv {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  // Fixed text plus the lab's own paths (no spaces or quotes in them, checked).
  for (const p of [state.knownHosts, state.sshKey])
    if (!/^[\w./-]+$/.test(p)) throw new Error(`unexpected characters in ${p}`);
  writeFileSync(
    join(bin, 'ssh'),
    `#!/bin/sh\nexec /usr/bin/ssh -o UserKnownHostsFile=${state.knownHosts} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes "$@"\n`,
  );
  chmodSync(join(bin, 'ssh'), 0o755);
  return { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
}

/** `qemu+ssh://` URI of a lab host for virsh, with the lab key. */
export function virshSshUri(state: LabState, host: LabHost): string {
  return `qemu+ssh://${host.user}@${host.address}:${host.sshPort}/system?keyfile=${encodeURIComponent(state.sshKey)}&no_tty=1`;
}
