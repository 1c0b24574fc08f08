import { create } from 'zustand';
import type { Job } from '../../../api/jobs-api';
import { useAppStore } from '../../state/app-store';
import type { JobsClient } from './jobs-client';
import type { WatchState } from './job-output';
import type { ProgramFile } from './program-files';

/** What the run dialog is for: a new program (uploaded while the dialog is open) or a re-run. */
export type RunRequest =
  | { kind: 'program'; cluster: string; files: ProgramFile[]; nonce: number }
  | { kind: 'rerun'; job: Job; nonce: number };

interface JobsState {
  /** Every job this session heard of, by id. */
  jobs: Readonly<Record<string, Job>>;
  /** Clusters whose history was read (and the error when it could not be). */
  loaded: Readonly<Record<string, { error?: string }>>;
  /** The cluster whose history is shown. */
  cluster: string | undefined;
  /** Jobs open as pages in the dock, in the order they were opened. */
  open: string[];
  /** The dock's Jobs tab shows this job's page, or the history. */
  active: string | 'history';
  watch: Readonly<Record<string, WatchState>>;
  run: RunRequest | undefined;
  put(job: Job): void;
  remove(id: string): void;
  selectCluster(cluster: string | undefined): void;
  /** Reads `cluster`'s history (newest first) into the store. */
  load(client: JobsClient, cluster: string): Promise<void>;
  /** Follows every change of a job the caller may see; returns the unsubscribe. */
  connect(client: JobsClient): () => void;
  /** Shows job `id`'s page in the dock. */
  openJob(id: string): void;
  closeJob(id: string): void;
  showHistory(): void;
  setWatch(id: string, state: WatchState): void;
  /** A program dropped or chosen for `cluster`: the run dialog opens and the upload starts. */
  runProgram(cluster: string, files: ProgramFile[]): void;
  rerun(job: Job): void;
  closeRun(): void;
}

let nonce = 0;

/** The jobs UI's data: lives with the dock, so drops anywhere reach the one run dialog. */
export const useJobsStore = create<JobsState>((set, get) => ({
  jobs: {},
  loaded: {},
  cluster: undefined,
  open: [],
  active: 'history',
  watch: {},
  run: undefined,
  put: (job) => set((s) => ({ jobs: { ...s.jobs, [job.id]: job } })),
  remove: (id) =>
    set((s) => {
      const jobs = { ...s.jobs };
      delete jobs[id];
      const open = s.open.filter((o) => o !== id);
      return { jobs, open, active: s.active === id ? 'history' : s.active };
    }),
  selectCluster: (cluster) => set({ cluster }),
  load: async (client, cluster) => {
    try {
      const list = await client.jobs.list({ cluster });
      set((s) => {
        const jobs = { ...s.jobs };
        // An event that came meanwhile is at least as new as the list's copy.
        for (const j of list) if (!jobs[j.id]) jobs[j.id] = j;
        return { jobs, loaded: { ...s.loaded, [cluster]: {} } };
      });
    } catch (err) {
      set((s) => ({ loaded: { ...s.loaded, [cluster]: { error: (err as Error).message } } }));
    }
  },
  connect: (client) => {
    const sub = client.jobs.onChanged((job) => get().put(job));
    return () => sub.dispose();
  },
  openJob: (id) => {
    set((s) => ({ open: s.open.includes(id) ? s.open : [...s.open, id], active: id }));
    useAppStore.getState().showDockTab('jobs');
  },
  closeJob: (id) =>
    set((s) => ({
      open: s.open.filter((o) => o !== id),
      active: s.active === id ? 'history' : s.active,
    })),
  showHistory: () => set({ active: 'history' }),
  setWatch: (id, state) => set((s) => ({ watch: { ...s.watch, [id]: state } })),
  runProgram: (cluster, files) =>
    set({ run: { kind: 'program', cluster, files, nonce: ++nonce }, cluster }),
  rerun: (job) => set({ run: { kind: 'rerun', job, nonce: ++nonce } }),
  closeRun: () => set({ run: undefined }),
}));

/** A cluster's jobs, newest first. */
export function jobsOf(jobs: Readonly<Record<string, Job>>, cluster: string): Job[] {
  return Object.values(jobs)
    .filter((j) => j.cluster === cluster)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
}
