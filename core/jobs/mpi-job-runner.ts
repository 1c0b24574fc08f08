import type { Client, ClientChannel } from 'ssh2';
import type { Job, JobOutputRecord, JobStatus, Program, RunSpec } from '../../api/jobs-api';
import { CorralError } from '../../api/errors';
import { HOSTFILE_PATH } from '../clusters/cluster-naming';
import { execArgs } from '../clusters/node-ssh';
import type { TaskContext, TaskRunner } from '../tasks/task-runner';
import type { JobClusters, JobNodeRef } from './job-cluster';
import {
  jobDirOf,
  launchAlive,
  launchDetached,
  mpirunStatus,
  rankRecordLines,
  recordedPid,
  removeJobDir,
  signalGroup,
  sweepNode,
  tailXml,
  writeJobFiles,
} from './job-remote';
import { rankKey, type JobStore, type OutputKey } from './job-store';
import { mpirunArgv, RANK_WRAPPER } from './mpirun-argv';
import { MpirunXmlParser } from './mpirun-xml-parser';
import type { JobNode, ProgramPipeline } from './program/program-pipeline';
import { firstFailureOf, parseRankRecords, rankStateOf, type RankRecord } from './rank-records';

/** An mpi-job task's journaled state: what resuming after a restart needs. */
export interface MpiJobState {
  cluster: string;
  program: Program;
  run: RunSpec;
  np: number;
  nodes: JobNodeRef[];
  outputLimitBytes: number;
  phase: 'build' | 'distribute' | 'launch' | 'run';
  binary?: string;
  /** The launch's session leader (its process group: mpirun and its local ranks). */
  pid?: number;
  /** Where reading mpirun.xml carries on: an element boundary… */
  offset: number;
  /** …and every stream's bytes on disk at that point (cut back to these on resume). */
  sizes: Record<string, number>;
  /** Bytes received per stream at that point (kept or not). */
  totals: Record<string, number>;
  /** When the job's timeout ends it (ISO). */
  deadline?: string;
}

export interface MpiJobDeps {
  programs: ProgramPipeline;
  store: JobStore;
  clusters: JobClusters;
  /** Records a job's new state and tells whoever watches. */
  publish(job: Job): void;
  /** A live output record of a job. */
  output(id: string, record: JobOutputRecord): void;
}

/** The wrapper's file in the job folder (the same on every node). */
const WRAPPER = 'corral-rank.sh';
/** SIGTERM first; what has not gone this long after gets SIGKILL. */
const TERM_GRACE_MS = 2_000;
/** How often the nodes are checked (and their rank records read) while the job runs. */
const PROBE_MS = 5_000;
/**
 * Missed checks in a row after which a node counts as dropped (a loaded machine can be slow to
 * answer one; a node that is gone misses every one).
 */
const PROBE_MISSES = 3;
/** How long one check may take before it counts as missed. */
const PROBE_TIMEOUT_MS = 10_000;
/** How often the reader's position is saved to the journal at most. */
const SAVE_MS = 500;
/** How long a resumed job waits for its launch node to answer again. */
const RESUME_WAIT_MS = 180_000;

/** Why a running job is being stopped before mpirun ended by itself. */
interface Stop {
  status: JobStatus;
  reason: string;
}

/**
 * The `mpi-job` task: build once on the launch node (the cluster's first), distribute to every
 * node, start mpirun detached there under the per-rank wrapper, follow its XML output into the
 * job's per-rank files, and at the end read each rank's record from its node. After a restart it
 * resumes by itself: mpirun kept running (detached), so reading goes on from the saved position.
 */
export function mpiJobRunner(deps: MpiJobDeps): TaskRunner<MpiJobState> {
  return {
    kind: 'mpi-job',
    cancellable: true,
    run: (ctx) => new JobRun(ctx, deps).start(),
    resume: (ctx) => new JobRun(ctx, deps).resume(),
  };
}

class JobRun {
  private state: MpiJobState;
  private readonly jobDir: string;
  private readonly shells = new Map<string, Promise<Client>>();
  private lastSave = 0;

  constructor(
    private readonly ctx: TaskContext<MpiJobState>,
    private readonly deps: MpiJobDeps,
  ) {
    this.state = { ...ctx.state };
    this.jobDir = jobDirOf(ctx.id);
    this.ensureJob();
  }

  async start(): Promise<void> {
    try {
      await this.prepare();
      await this.follow();
    } catch (err) {
      this.endUnfinished(err);
      throw err;
    } finally {
      this.closeShells();
    }
  }

  /** A job stopped before its end was recorded (build refused, cancelled early, node gone). */
  private endUnfinished(err: unknown): void {
    const job = this.deps.store.get(this.ctx.id);
    if (!job || ['succeeded', 'failed', 'cancelled'].includes(job.status)) return;
    const cancelled =
      this.ctx.signal.aborted || (err instanceof CorralError && err.code === 'cancelled');
    const status: JobStatus = cancelled ? 'cancelled' : 'failed';
    this.update({
      status,
      endedAt: now(),
      reason: cancelled ? 'cancelled' : err instanceof Error ? err.message : String(err),
    });
    this.deps.output(this.ctx.id, { t: 'end', status });
  }

  async resume(): Promise<void> {
    try {
      await this.waitForLaunchNode();
      if (this.state.pid === undefined && this.state.phase === 'launch') {
        // Cut off between the launch and its checkpoint: the launch left its pid on the node.
        const pid = await this.onLaunch((ssh) => recordedPid(ssh, this.jobDir));
        if (pid !== undefined) await this.checkpoint({ pid, phase: 'run' });
      }
      if (this.state.pid === undefined) await this.prepare();
      this.ctx.log('Reattaching to mpirun');
      await this.follow();
    } catch (err) {
      this.endUnfinished(err);
      throw err;
    } finally {
      this.closeShells();
    }
  }

  /** At Corral's start the hosts connect a moment after the tasks resume: wait for them. */
  private async waitForLaunchNode(): Promise<void> {
    const until = Date.now() + RESUME_WAIT_MS;
    for (;;) {
      try {
        await this.onLaunch(async () => undefined);
        return;
      } catch (err) {
        this.shells.clear();
        if (Date.now() > until || this.ctx.signal.aborted) throw err;
        await sleep(2_000);
      }
    }
  }

  // ---- build, distribute, launch -----------------------------------------------------------

  private async prepare(): Promise<void> {
    const staged = this.deps.programs.get(this.state.program.programId);
    if (!staged) throw new CorralError('not-found', 'the program is no longer staged in Corral');
    const [launch, ...others] = this.state.nodes;
    if (!launch) throw new CorralError('conflict', `cluster ${this.state.cluster} has no nodes`);
    this.update({ status: 'building', launchNode: launch.name });
    this.ctx.step('build', { status: 'running', detail: `on ${launch.name}` });
    // The wrapper (and the launch node's stdin) go to every node while the build runs.
    const files = this.writeRunFiles(launch);
    files.catch(() => undefined);
    let built;
    try {
      built = await this.deps.programs.build(
        staged,
        this.jobNode(launch),
        this.jobDir,
        (bytes) => this.emitBuild(bytes),
        this.ctx.signal,
      );
    } catch (err) {
      // Its end is recorded first: the cleanup on the nodes must not delay what watchers see.
      this.endUnfinished(err);
      await this.removeRunFiles(files, others);
      throw err;
    }
    this.update({ build: { diagnostics: built.diagnostics, exitCode: built.exitCode } });
    if (!built.ok || !built.binaryPath) {
      this.ctx.step('build', { status: 'failed', error: `exit status ${built.exitCode}` });
      this.update({ status: 'failed', endedAt: now(), reason: 'the build failed' });
      this.deps.output(this.ctx.id, { t: 'end', status: 'failed' });
      await this.removeRunFiles(files, others);
      throw new Error(`the build failed (exit status ${built.exitCode})`);
    }
    this.ctx.step('build', { status: 'done' });
    this.update({ status: 'distributing' });
    this.ctx.step('distribute', { status: 'running' });
    await this.checkpoint({ phase: 'distribute' });
    const [{ path }] = await Promise.all([
      this.deps.programs.distribute(
        this.jobNode(launch),
        built.binaryPath,
        others.map((n) => this.jobNode(n)),
        this.jobDir,
        this.ctx.signal,
      ),
      files,
    ]);
    this.ctx.step('distribute', { status: 'done', detail: `${this.state.nodes.length} nodes` });
    if (this.ctx.signal.aborted) throw new CorralError('cancelled', 'cancelled by its owner');
    await this.checkpoint({ phase: 'launch', binary: path });
    const argv = mpirunArgv(this.state.run, {
      hostfile: HOSTFILE_PATH,
      np: this.state.np,
      wrapper: `${this.jobDir}/${WRAPPER}`,
      jobDir: this.jobDir,
      program: path,
      // Corral names a node's first NIC eth0 and its name resolves to that NIC's address.
      nic: 'eth0',
    });
    const pid = await this.onLaunch((ssh) => launchDetached(ssh, this.jobDir, argv));
    const timeout = this.state.run.options.timeoutSeconds;
    await this.checkpoint({
      phase: 'run',
      pid,
      ...(timeout ? { deadline: new Date(Date.now() + timeout * 1000).toISOString() } : {}),
    });
    this.ctx.log(`mpirun started on ${launch.name} (${this.state.np} ranks)`);
  }

  /** Writes the rank wrapper to every node's job folder, and stdin on the launch node. */
  private async writeRunFiles(launch: JobNodeRef): Promise<void> {
    const wrapper = {
      path: `${this.jobDir}/${WRAPPER}`,
      content: RANK_WRAPPER,
      permissions: '0755',
    };
    const stdin = {
      path: `${this.jobDir}/stdin`,
      content: this.state.run.stdin ?? '',
      permissions: '0600',
    };
    await Promise.all(
      this.state.nodes.map((n) =>
        this.withShell(n, async (ssh) => {
          // The job folder is private whichever step makes it first (the build or this).
          await execArgs(
            ssh,
            ['mkdir', '-p', '-m', '0700', '--', this.jobDir, `${this.jobDir}/ranks`],
            {
              purpose: 'creating the job folder',
            },
          );
          await writeJobFiles(ssh, n === launch ? [wrapper, stdin] : [wrapper]);
        }),
      ),
    );
  }

  /** A build that did not succeed leaves nothing of the job on the other nodes. */
  private async removeRunFiles(files: Promise<void>, others: JobNodeRef[]): Promise<void> {
    await files.catch(() => undefined);
    await Promise.all(
      others.map((n) =>
        this.withShell(n, (ssh) => removeJobDir(ssh, this.jobDir)).catch(() => undefined),
      ),
    );
  }

  // ---- following the run -------------------------------------------------------------------

  private async follow(): Promise<void> {
    const pid = this.state.pid!;
    const id = this.ctx.id;
    this.deps.store.truncateTo(id, this.state.sizes);
    const totals: Record<string, number> = { ...this.state.totals };
    const parser = new MpirunXmlParser(this.state.offset);
    let readOffset = this.state.offset;
    this.update({ status: 'running' });
    this.ctx.step('run', { status: 'running', detail: `${this.state.np} ranks` });

    let stop: Stop | undefined;
    let wake: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (wake = resolve));
    // Set once reading is over: late answers of the periodic checks change nothing then.
    let over = false;
    const requestStop = (s: Stop) => {
      if (over) return;
      stop ??= s;
      wake();
    };
    const onAbort = () => requestStop({ status: 'cancelled', reason: 'cancelled' });
    if (this.ctx.signal.aborted) onAbort();
    this.ctx.signal.addEventListener('abort', onAbort);
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    if (this.state.deadline) {
      const ms = Math.max(0, Date.parse(this.state.deadline) - Date.now());
      const secs = this.state.run.options.timeoutSeconds ?? Math.round(ms / 1000);
      timers.push(
        setTimeout(
          () => requestStop({ status: 'failed', reason: `timed out after ${secs} s` }),
          ms,
        ),
      );
    }
    // One command per node and period both proves the node answers and reads its rank
    // records: every process started on a node takes time from the ranks running there.
    const down = new Map<string, number>();
    let probing = false;
    timers.push(
      setInterval(() => {
        if (probing || stop) return;
        probing = true;
        void this.probeNodes(down)
          .then(({ lost, records }) => {
            if (lost) requestStop({ status: 'failed', reason: `node ${lost} dropped` });
            else if (!over) this.update({ ranks: this.rankStates(records, totals, false) });
          })
          .finally(() => (probing = false));
      }, PROBE_MS),
    );

    const onBytes = (chunk: Buffer) => {
      readOffset += chunk.byteLength;
      for (const ev of parser.feed(chunk)) {
        const key: OutputKey = ev.rank === undefined ? 'mpirun' : rankKey(ev.rank, ev.fd);
        this.deps.store.append(id, key, ev.data, this.state.outputLimitBytes);
        totals[key] = (totals[key] ?? 0) + ev.data.byteLength;
        if (ev.rank !== undefined) {
          this.deps.output(id, {
            t: 'rank',
            rank: ev.rank,
            fd: ev.fd,
            data: ev.data.toString('base64'),
          });
        }
      }
      if (parser.atBoundary) this.schedulePositionSave(parser.boundary, totals);
    };

    // Reads until the launch's session leader is gone (tail's --pid), again after a dropped
    // connection; a launch node that stays unreachable ends the job.
    let ended = false;
    let failures = 0;
    while (!ended) {
      let channel: ClientChannel | undefined;
      try {
        const ssh = await this.shell(this.state.nodes[0]!);
        channel = await tailXml(ssh, this.jobDir, readOffset, pid);
        const ch = channel;
        ch.on('data', onBytes);
        const code = await new Promise<number | null>((resolve) => {
          ch.on('close', (c: number | null) => resolve(c));
          ch.on('error', () => resolve(null));
          // Once stopped, tail ends when the session leader is gone; a launch node that no
          // longer answers cannot say so, so its reader is closed shortly after.
          void stopped
            .then(() => this.stopJob())
            .then(() => setTimeout(() => ch.close(), 5_000).unref());
        });
        if (code === 0) ended = true;
        else throw new Error(`tail ended with ${code}`);
      } catch (err) {
        channel?.close();
        this.shells.delete(this.state.nodes[0]!.name);
        if (stop) break;
        failures++;
        if (failures >= 4) {
          requestStop({ status: 'failed', reason: `node ${this.state.nodes[0]!.name} dropped` });
          ended = true;
          this.ctx.log(`lost the launch node: ${String(err)}`, 'warn');
        } else {
          await sleep(1_000 * failures);
        }
      }
    }
    over = true;
    this.cancelPositionSave();
    for (const t of timers) clearTimeout(t);
    this.ctx.signal.removeEventListener('abort', onAbort);
    // A stop asked while the reader ended: make sure nothing of the job is left anywhere.
    if (stop) await this.stopJob();
    this.savePosition(parser.boundary, totals, true);
    await this.finish(stop, totals);
  }

  private stopping: Promise<void> | undefined;

  /**
   * Ends the job everywhere: SIGTERM to mpirun's process group, SIGKILL after the grace, then
   * on every node every process naming the job folder is killed and checked gone.
   */
  private stopJob(): Promise<void> {
    this.stopping ??= (async () => {
      const pid = this.state.pid!;
      this.update({ status: 'cancelling' });
      await this.onLaunch(async (ssh) => {
        await signalGroup(ssh, pid, 'TERM').catch(() => undefined);
        const until = Date.now() + TERM_GRACE_MS;
        while (Date.now() < until && (await launchAlive(ssh, this.jobDir, pid))) await sleep(200);
        await signalGroup(ssh, pid, 'KILL').catch(() => undefined);
      }).catch(() => undefined);
      const left = await Promise.all(
        this.state.nodes.map((n) =>
          this.withShell(n, (ssh) => sweepNode(ssh, this.jobDir)).catch(() => [] as string[]),
        ),
      );
      const rest = left.flat();
      if (rest.length) this.ctx.log(`still running after the stop: ${rest.join('; ')}`, 'warn');
    })();
    return this.stopping;
  }

  /**
   * Reads every node's rank records; `lost` is the first node that missed PROBE_MISSES reads in
   * a row (undefined: all answer).
   */
  private async probeNodes(
    down: Map<string, number>,
  ): Promise<{ lost: string | undefined; records: RankRecord[] }> {
    const results = await Promise.all(
      this.state.nodes.map(async (n) => {
        try {
          const text = await this.withShell(n, (ssh) =>
            rankRecordLines(ssh, this.jobDir, PROBE_TIMEOUT_MS),
          );
          down.delete(n.name);
          return { records: parseRankRecords(text, n.name) };
        } catch {
          this.shells.delete(n.name);
          const misses = (down.get(n.name) ?? 0) + 1;
          down.set(n.name, misses);
          return { lost: misses >= PROBE_MISSES ? n.name : undefined, records: [] };
        }
      }),
    );
    return {
      lost: results.find((r) => r.lost !== undefined)?.lost,
      records: results.flatMap((r) => r.records),
    };
  }

  private async readRanks(
    final: boolean,
  ): Promise<{ records: RankRecord[]; unreachable: string[] }> {
    const unreachable: string[] = [];
    const per = await Promise.all(
      this.state.nodes.map(async (n) => {
        try {
          const text = await this.withShell(n, (ssh) => rankRecordLines(ssh, this.jobDir));
          return parseRankRecords(text, n.name);
        } catch {
          if (final) unreachable.push(n.name);
          return [];
        }
      }),
    );
    return { records: per.flat(), unreachable };
  }

  private rankStates(records: RankRecord[], totals: Record<string, number>, ended: boolean) {
    const limit = this.state.outputLimitBytes;
    return Array.from({ length: this.state.np }, (_, rank) => {
      const rec = records.find((r) => r.rank === rank) ?? { rank, node: '' };
      const out = totals[rankKey(rank, 'stdout')] ?? 0;
      const err = totals[rankKey(rank, 'stderr')] ?? 0;
      return rankStateOf(
        rec,
        { stdoutBytes: out, stderrBytes: err, truncated: out > limit || err > limit },
        ended,
      );
    });
  }

  private async finish(stop: Stop | undefined, totals: Record<string, number>): Promise<void> {
    const [{ records, unreachable }, status] = await Promise.all([
      this.readRanks(true),
      this.onLaunch((ssh) => mpirunStatus(ssh, this.jobDir)).catch(() => undefined),
    ]);
    const ranks = this.rankStates(records, totals, true);
    const firstFailure = firstFailureOf(ranks);
    let final: JobStatus;
    let reason = stop?.reason;
    if (stop) final = stop.status;
    else if (unreachable.length) {
      final = 'failed';
      reason = `node ${unreachable[0]} dropped`;
    } else {
      final = status === 0 && ranks.every((r) => r.exitCode === 0) ? 'succeeded' : 'failed';
    }
    this.ctx.step('run', {
      status: final === 'succeeded' ? 'done' : final === 'cancelled' ? 'cancelled' : 'failed',
      detail: reason ?? firstFailure ?? `mpirun exit status ${status ?? 'unknown'}`,
    });
    this.update({
      status: final,
      endedAt: now(),
      ranks,
      ...(firstFailure ? { firstFailure } : {}),
      ...(reason ? { reason } : {}),
    });
    this.deps.output(this.ctx.id, { t: 'end', status: final });
    if (final === 'failed') await this.logMpirunMessages();
    // The job's files on the nodes have served their purpose (the output is in Corral).
    await Promise.all(
      this.state.nodes.map((n) =>
        this.withShell(n, (ssh) => removeJobDir(ssh, this.jobDir)).catch(() => undefined),
      ),
    );
    if (final === 'cancelled') throw new CorralError('cancelled', 'cancelled by its owner');
    if (final === 'failed') {
      throw new Error(reason ?? firstFailure ?? `mpirun exited with status ${status ?? 'unknown'}`);
    }
  }

  /** What mpirun itself said (its own XML messages and its stderr), for the task's log. */
  private async logMpirunMessages(): Promise<void> {
    const own = this.deps.store.read(this.ctx.id, 'mpirun').toString('utf8').slice(-1500);
    const err = await this.onLaunch((ssh) =>
      execArgs(ssh, ['tail', '-c', '1500', `${this.jobDir}/mpirun.err`], {
        purpose: 'reading mpirun.err',
      }),
    ).catch(() => undefined);
    for (const text of [own, err?.stdout ?? '']) {
      const t = text.trim();
      if (t) this.ctx.log(`mpirun: ${t}`, 'warn');
    }
  }

  // ---- bookkeeping -------------------------------------------------------------------------

  private pendingSave: NodeJS.Immediate | undefined;

  /**
   * Saves the reading position after the output just parsed has gone out to its watchers: the
   * save writes files synchronously and must not hold a line back.
   */
  private schedulePositionSave(offset: number, totals: Record<string, number>): void {
    if (Date.now() - this.lastSave < SAVE_MS) return;
    if (this.pendingSave) clearImmediate(this.pendingSave);
    // The position and the sizes on disk are taken together now; later bytes belong to later.
    const at = this.positionAt(offset, totals);
    this.pendingSave = setImmediate(() => {
      this.pendingSave = undefined;
      this.savePositionState(at);
    });
  }

  private cancelPositionSave(): void {
    if (this.pendingSave) clearImmediate(this.pendingSave);
    this.pendingSave = undefined;
  }

  private savePosition(offset: number, totals: Record<string, number>, force: boolean): void {
    if (!force && Date.now() - this.lastSave < SAVE_MS) return;
    this.savePositionState(this.positionAt(offset, totals));
  }

  private positionAt(offset: number, totals: Record<string, number>) {
    const sizes: Record<string, number> = {};
    for (const [key, size] of this.deps.store.streams(this.ctx.id)) {
      if (key !== 'build') sizes[key] = size;
    }
    sizes.build = this.deps.store.size(this.ctx.id, 'build');
    return { offset, sizes, totals: { ...totals } };
  }

  private savePositionState(at: Pick<MpiJobState, 'offset' | 'sizes' | 'totals'>): void {
    this.lastSave = Date.now();
    this.state = { ...this.state, ...at };
    this.ctx.save(this.state);
    this.update({
      ranks: this.rankStates([], at.totals, false).map((r, i) => this.keepRank(r, i)),
    });
  }

  /** Keeps what was read of a rank already (its node, start) when only its counts change. */
  private keepRank(fresh: Job['ranks'][number], i: number): Job['ranks'][number] {
    const old = this.job().ranks[i];
    return old
      ? {
          ...old,
          stdoutBytes: fresh.stdoutBytes,
          stderrBytes: fresh.stderrBytes,
          truncated: fresh.truncated,
        }
      : fresh;
  }

  private async checkpoint(patch: Partial<MpiJobState>): Promise<void> {
    this.state = { ...this.state, ...patch };
    await this.ctx.checkpoint(this.state);
  }

  private emitBuild(bytes: Uint8Array): void {
    this.deps.store.append(this.ctx.id, 'build', bytes, this.state.outputLimitBytes);
    this.deps.output(this.ctx.id, { t: 'build', data: Buffer.from(bytes).toString('base64') });
  }

  private ensureJob(): void {
    if (this.deps.store.get(this.ctx.id)) return;
    this.deps.publish({
      id: this.ctx.id,
      cluster: this.state.cluster,
      ownerId: this.ctx.ownerId,
      program: this.state.program,
      run: this.state.run,
      status: 'building',
      build: { diagnostics: [] },
      ranks: [],
      outputLimitBytes: this.state.outputLimitBytes,
      startedAt: now(),
    });
  }

  private job(): Job {
    return this.deps.store.get(this.ctx.id)!;
  }

  private update(patch: Partial<Job>): void {
    this.deps.publish({ ...this.job(), ...patch });
  }

  private jobNode(node: JobNodeRef): JobNode {
    return { name: node.name, shell: () => this.shell(node), shared: true };
  }

  /** A kept connection to a node (dropped from the cache when it closes). */
  private shell(node: JobNodeRef): Promise<Client> {
    let s = this.shells.get(node.name);
    if (!s) {
      s = this.deps.clusters.connect(this.state.cluster, node).then((c) => {
        c.on('close', () => {
          if (this.shells.get(node.name) === s) this.shells.delete(node.name);
        });
        return c;
      });
      s.catch(() => this.shells.delete(node.name));
      this.shells.set(node.name, s);
    }
    return s;
  }

  private async withShell<T>(node: JobNodeRef, fn: (ssh: Client) => Promise<T>): Promise<T> {
    return fn(await this.shell(node));
  }

  private onLaunch<T>(fn: (ssh: Client) => Promise<T>): Promise<T> {
    return this.withShell(this.state.nodes[0]!, fn);
  }

  private closeShells(): void {
    for (const s of this.shells.values()) void s.then((c) => c.end()).catch(() => undefined);
    this.shells.clear();
  }
}

function now(): string {
  return new Date().toISOString();
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
