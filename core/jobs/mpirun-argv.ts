import type { RunSpec } from '../../api/jobs-api';

/** What the argv of one job's mpirun is made of besides the person's RunSpec. */
export interface MpirunPlan {
  /** The cluster's hostfile on the launch node. */
  hostfile: string;
  /** Ranks to start (the RunSpec's, or every slot). */
  np: number;
  /** The per-rank wrapper script (the same path on every node). */
  wrapper: string;
  /** The job's folder on every node; the wrapper writes its rank records there. */
  jobDir: string;
  /** The distributed executable (the same path on every node). */
  program: string;
  /** Interfaces mpirun and the ranks talk over (nodes with several NICs need this pinned). */
  nic?: string;
}

/**
 * mpirun as a job runs it, as an argument array (each element is later quoted on its own, so
 * nothing here ever reaches a shell as free text). mpirun options come only from the vetted
 * RunSpec fields; the environment the person gives is set for mpirun with `env` and exported to
 * every rank with `-x NAME`. Root needs OpenMPI's explicit consent variables.
 */
export function mpirunArgv(run: RunSpec, plan: MpirunPlan): string[] {
  const env = [
    'OMPI_ALLOW_RUN_AS_ROOT=1',
    'OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1',
    ...run.env.map((e) => `${e.name}=${e.value}`),
  ];
  const argv = ['env', ...env, 'mpirun', '--xml', '--hostfile', plan.hostfile];
  argv.push('-np', String(plan.np));
  if (run.ranksPerNode !== undefined) argv.push('--npernode', String(run.ranksPerNode));
  if (run.options.mapBy) argv.push('--map-by', run.options.mapBy);
  if (run.options.bindTo) argv.push('--bind-to', run.options.bindTo);
  if (run.options.reportBindings) argv.push('--report-bindings');
  if (run.oversubscribe) argv.push('--oversubscribe');
  if (plan.nic) {
    argv.push('--mca', 'btl', 'self,tcp');
    argv.push('--mca', 'btl_tcp_if_include', plan.nic);
    argv.push('--mca', 'oob_tcp_if_include', plan.nic);
  }
  for (const e of run.env) argv.push('-x', e.name);
  argv.push(plan.wrapper, plan.jobDir, plan.program, ...run.args);
  return argv;
}

/**
 * Starts a command detached in `jobDir` (its first positional argument; the command follows):
 * its own session (setsid), immune to the SSH channel going away (nohup, no fd of the channel
 * kept), stdout to mpirun.xml, stderr to mpirun.err, stdin from the job's stdin file; its exit
 * status lands in mpirun.status, and the session leader's pid (= its process group) in
 * mpirun.pid before the script returns. A fixed script: the command arrives as quoted arguments.
 */
export const LAUNCH_SCRIPT = [
  'd="$1"; shift; cd "$d" || exit 1',
  'setsid nohup sh -c \'"$@" > mpirun.xml 2> mpirun.err < stdin; echo $? > mpirun.status\' sh "$@" < /dev/null > /dev/null 2>&1 &',
  'echo $! > mpirun.pid.tmp && mv mpirun.pid.tmp mpirun.pid && echo $!',
].join('\n');

/** The argv that launches `command` detached in `jobDir` (see {@link LAUNCH_SCRIPT}). */
export function launchArgv(jobDir: string, command: readonly string[]): string[] {
  return ['sh', '-c', LAUNCH_SCRIPT, 'sh', jobDir, ...command];
}

/**
 * The wrapper every rank runs under (`wrapper JOBDIR PROGRAM ARGS…`): it records in
 * JOBDIR/ranks/<rank> on its own node when it started (ns since the epoch) and where, and how
 * the program ended (builtins where it can: each process started delays the rank). A shell reports a program killed by signal N as status 128+N; that is how
 * the record is read (a program exiting with such a status on purpose reads as that signal).
 */
export const RANK_WRAPPER = `#!/bin/sh
d="$1"; shift
r="\${OMPI_COMM_WORLD_RANK:-unknown}"
[ -d "$d/ranks" ] || mkdir -p "$d/ranks"
read -r h < /proc/sys/kernel/hostname || h=$(hostname)
echo "start $(date +%s%N) $h" > "$d/ranks/$r"
"$@"
s=$?
echo "end $(date +%s%N) $s" >> "$d/ranks/$r"
exit $s
`;

/** Slots per node of an OpenMPI hostfile (`name slots=N`; a line without slots counts as 1). */
export function hostfileSlots(text: string): Array<{ node: string; slots: number }> {
  const nodes: Array<{ node: string; slots: number }> = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [node, ...rest] = line.split(/\s+/);
    const slots = rest.map((w) => /^slots=(\d+)$/.exec(w)?.[1]).find((s) => s !== undefined);
    nodes.push({ node: node!, slots: slots === undefined ? 1 : Number(slots) });
  }
  return nodes;
}

/** Why a RunSpec cannot run on these slots (undefined: it can), checked before anything runs. */
export function slotProblem(
  run: RunSpec,
  slots: ReadonlyArray<{ node: string; slots: number }>,
): string | undefined {
  const total = slots.reduce((n, s) => n + s.slots, 0);
  const np = run.ranks ?? total;
  if (np > total && !run.oversubscribe) {
    return `${np} ranks need more than the cluster's ${total} slots (${slots
      .map((s) => `${s.node}: ${s.slots}`)
      .join(', ')}); allow oversubscription to run them anyway`;
  }
  if (run.ranksPerNode !== undefined && run.ranksPerNode * slots.length < np) {
    return `${np} ranks do not fit ${run.ranksPerNode} per node on ${slots.length} nodes`;
  }
  return undefined;
}
