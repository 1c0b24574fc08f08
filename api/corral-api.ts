import { z } from 'zod';
import { accountsApi } from './accounts-api';
import { clustersApi, operationsApi } from './clusters-api';
import { consoleApi } from './console-api';
import { event, method } from './contract';
import { hostsApi } from './hosts-api';
import { imagesApi } from './images-api';
import { inventoryApi, vmApi } from './inventory-api';
import { networksApi } from './networks-api';
import { tasksApi } from './tasks-api';
import { resizeApi } from './resize-api';
import { checkpointsApi, snapshotsApi } from './snapshots-api';
import { balanceApi, migrationApi } from './migration-api';
import { jobsApi } from './jobs-api';

/** What `system.info` reports: enough to tell a user (and a bug report) what they are running. */
export const SystemInfo = z.object({
  corralVersion: z.string(),
  nodeVersion: z.string(),
  platform: z.string(),
  arch: z.string(),
  /** Which shell serves the UI. */
  shell: z.enum(['desktop', 'server', 'test']),
  localLibvirt: z.object({
    socketPath: z.string(),
    reachable: z.boolean(),
    /** Why it is not reachable, when it is not. */
    error: z.string().optional(),
  }),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

/** Something Corral did on its own that the administrator should know of (`system.notices`). */
export const AdminNotice = z.object({
  /** ISO time. */
  at: z.string(),
  /**
   * `data`: a file of the data folder set aside; `images`: a partial upload volume removed;
   * `balance`: automatic balancing proposed moves.
   */
  source: z.enum(['data', 'images', 'balance']),
  message: z.string(),
});
export type AdminNotice = z.infer<typeof AdminNotice>;

export const Theme = z.enum(['system', 'light', 'dark']);

/** User preferences; hosts, accounts and secrets live elsewhere. */
export const Settings = z.object({
  theme: Theme,
});
export type Settings = z.infer<typeof Settings>;

/**
 * The contract between the UI and the application. Every operation is declared once here; the
 * renderer's client, the dispatcher and the services all take their types from it.
 */
export const corralApi = {
  system: {
    /** Versions, platform, and whether this computer has a reachable libvirt socket. */
    info: method(z.object({}).strict(), SystemInfo),
    /**
     * Administrator: what Corral set aside or cleaned up on its own in this run (unreadable data
     * files, partial volumes of interrupted uploads), oldest first.
     */
    notices: method(z.object({}).strict(), z.array(AdminNotice)),
  },
  settings: {
    /** The current preferences. */
    get: method(z.object({}).strict(), Settings),
    /** Changes some preferences; returns them all. */
    update: method(Settings.partial().strict(), Settings),
    /** Fires after any change, from any window or browser. */
    onChanged: event(Settings),
  },
  /** Sign-up, log-in, log-out, who am I. */
  accounts: accountsApi,
  /** VM serial consoles. */
  console: consoleApi,
  /** libvirt hosts: configuration, trust, live status. */
  hosts: hostsApi,
  /** Live topology: host facts and every domain. */
  inventory: inventoryApi,
  /** VM power actions. */
  vm: vmApi,
  /** Base images per host: list, upload with progress, remove. */
  images: imagesApi,
  /** Which bridges, networks and address ranges plain users may attach nodes to. */
  networks: networksApi,
  /** Virtual clusters: preview, create, add nodes, delete. */
  clusters: clustersApi,
  /** Journaled cluster operations: progress, cancel, resume or roll back. */
  operations: operationsApi,
  /** Every long operation: progress, steps, log, cancel / resume / roll back; the audit log. */
  tasks: tasksApi,
  resize: resizeApi,
  /** One VM's snapshots: a tree, take, check a revert, revert, delete (changes run as tasks). */
  snapshots: snapshotsApi,
  /** Cluster checkpoints: every node paused, snapshotted and resumed together (as tasks). */
  checkpoints: checkpointsApi,
  /** Moving a VM to another host: pre-flight, then a cancellable task with phases. */
  migration: migrationApi,
  /** Administrator: spreading load across hosts by migrations, previewed then applied. */
  balance: balanceApi,
  /** MPI programs run on a cluster: build, distribute, run detached, per-rank output. */
  jobs: jobsApi,
} as const;

export type CorralApi = typeof corralApi;
