import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { STATE_FILE } from './config';
import type { GuestImage } from './image-builder';

/** One lab host, as `status` prints it and tests read it. */
export interface LabHost {
  /** 1-based index. */
  index: number;
  /** Hostname inside the host (UTS namespace) and its alias in the lab's ssh_config. */
  name: string;
  address: string;
  sshPort: number;
  user: string;
  /** libvirt's host UUID (libvirtd.conf host_uuid), distinct per host so migration works. */
  uuid: string;
  /** What Corral or virsh connect to, e.g. `qemu+ssh://root@10.213.0.11/system`. */
  libvirtUri: string;
  /** Network namespace name (`ip netns`). */
  netns: string;
  /** A process holding the host's mount + UTS namespaces: `nsenter -t <anchorPid> -m -u -n`. */
  anchorPid: number;
  pids: { virtlogd: number; libvirtd: number; sshd: number };
  /** Host-private tree; its `var-lib-libvirt` is the host's /var/lib/libvirt, and so on. */
  dir: string;
}

/** The lab as written by `up`, read by `status`, `down` and tests (JSON at {@link STATE_FILE}). */
export interface LabState {
  version: 1;
  createdAt: string;
  dir: string;
  network: { bridge: string; address: string; prefixLength: number; subnet: string };
  /** Private key (0600, root) that every host and guest accepts for root. */
  sshKey: string;
  sshPublicKey: string;
  /** known_hosts with every lab host's (and booted guest's) key: verify, never trust-all. */
  knownHosts: string;
  /** `ssh -F <sshConfig> corral-lab-h1` reaches host 1 with the right key and known_hosts. */
  sshConfig: string;
  image: GuestImage;
  hosts: LabHost[];
}

/** Reads the state file, or undefined when no lab is up. */
export function readLabState(file = STATE_FILE): LabState | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as LabState;
}

/** Writes the state file atomically (rename), so a reader never sees half of it. */
export function writeLabState(state: LabState, file = STATE_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o644 });
  renameSync(`${file}.tmp`, file);
}
