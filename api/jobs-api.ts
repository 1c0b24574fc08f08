import { z } from 'zod';
import { ClusterName } from './clusters-api';
import { event, method, stream } from './contract';

/**
 * One segment of a program's file path: no `/`, no `..`, no control characters, not hidden
 * behind a leading dash (it reaches compilers as an argument).
 */
export const ProgramPathSegment = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\p{Cc}/\\]+$/u, 'no "/", "\\" or control characters')
  .refine((s) => s !== '.' && s !== '..', 'no "." or ".."')
  .refine((s) => !s.startsWith('-'), 'must not start with "-"');

/** A file of a dropped program, relative to the program's root ("src/main.c" for a folder). */
export const ProgramPath = z
  .string()
  .min(1)
  .max(1024)
  .refine(
    (p) => p.split('/').every((s) => ProgramPathSegment.safeParse(s).success),
    'a relative path of names without "..", "\\" or control characters',
  );

/** What Corral made of a dropped program. */
export const ProgramKind = z.enum(['c', 'cxx', 'fortran', 'make', 'elf']);
export type ProgramKind = z.infer<typeof ProgramKind>;

/** Sent before the bytes of `jobs.upload`: the files in the order their bytes follow. */
export const ProgramUpload = z
  .object({
    cluster: ClusterName,
    files: z
      .array(
        z.object({
          path: ProgramPath,
          sizeBytes: z
            .number()
            .int()
            .nonnegative()
            .max(2 ** 31),
        }),
      )
      .min(1)
      .max(512),
  })
  .strict();
export type ProgramUpload = z.infer<typeof ProgramUpload>;

/** The program as staged in Corral (kept with the job so it can run again). */
export const Program = z.object({
  programId: z.string(),
  /** Shown in the history: the file, folder or archive name. */
  name: z.string(),
  kind: ProgramKind,
  files: z.array(z.string()),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string(),
});
export type Program = z.infer<typeof Program>;

/** One line of the upload stream's answer (newline-delimited JSON); the last carries `program`. */
export const ProgramUploadProgress = z.object({
  received: z.number().int().nonnegative(),
  program: Program.optional(),
});

const NoNul = z
  .string()
  .max(4096)
  .regex(/^[^\0]*$/, 'no NUL characters');

/** mpirun options Corral passes for the user; nothing here reaches a shell as free text. */
export const MpirunOptions = z
  .object({
    mapBy: z.enum(['slot', 'node', 'core']).optional(),
    bindTo: z.enum(['none', 'core', 'socket']).optional(),
    /** Ends the job (and says so) after this many seconds. */
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .optional(),
    /** Print the rank-to-node map in the merged output. */
    reportBindings: z.boolean().optional(),
  })
  .strict();

export const RunSpec = z
  .object({
    /** Default: every slot of the cluster's hostfile. */
    ranks: z.number().int().min(1).max(4096).optional(),
    ranksPerNode: z.number().int().min(1).max(256).optional(),
    /** More ranks than slots is refused unless this is set. */
    oversubscribe: z.boolean().default(false),
    args: z.array(NoNul).max(128).default([]),
    env: z
      .array(
        z.object({
          name: z
            .string()
            .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'letters, digits and underscore'),
          value: NoNul,
        }),
      )
      .max(64)
      .default([]),
    options: MpirunOptions.default({}),
    /** Given to rank 0 on its standard input. */
    stdin: z
      .string()
      .max(1024 * 1024)
      .optional(),
  })
  .strict();
export type RunSpec = z.infer<typeof RunSpec>;

export const JobStatus = z.enum([
  'uploading',
  'building',
  'distributing',
  'running',
  'cancelling',
  'interrupted',
  'succeeded',
  'failed',
  'cancelled',
]);
export type JobStatus = z.infer<typeof JobStatus>;

/** A compiler message as a list entry: file, line, what it said. */
export const BuildDiagnostic = z.object({
  file: z.string(),
  line: z.number().int().nonnegative(),
  column: z.number().int().nonnegative().optional(),
  severity: z.enum(['error', 'warning', 'note']),
  message: z.string(),
});
export type BuildDiagnostic = z.infer<typeof BuildDiagnostic>;

export const RankState = z.object({
  rank: z.number().int().nonnegative(),
  /** The node it ran on. */
  node: z.string(),
  status: z.enum(['pending', 'running', 'exited', 'signalled', 'lost']),
  exitCode: z.number().int().optional(),
  /** "SIGSEGV" when a signal ended it. */
  signal: z.string().optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  stdoutBytes: z.number().int().nonnegative(),
  stderrBytes: z.number().int().nonnegative(),
  /** The output kept on disk reached its limit; later bytes were dropped. */
  truncated: z.boolean(),
});
export type RankState = z.infer<typeof RankState>;

/** An MPI job; its id is its task's id (the Tasks tab shows it too). */
export const Job = z.object({
  id: z.string(),
  cluster: z.string(),
  ownerId: z.string(),
  program: Program,
  run: RunSpec,
  status: JobStatus,
  /** The node that built the program and runs mpirun. */
  launchNode: z.string().optional(),
  build: z.object({
    diagnostics: z.array(BuildDiagnostic),
    /** The compiler or make exit status. */
    exitCode: z.number().int().optional(),
  }),
  ranks: z.array(RankState),
  /** The rank that failed first and how ("rank 2 on web-3: SIGSEGV"). */
  firstFailure: z.string().optional(),
  /** Why the job ended when it did not end by itself ("cancelled", "node web-2 dropped"). */
  reason: z.string().optional(),
  /** The output kept per rank and stream on disk. */
  outputLimitBytes: z.number().int().positive(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
});
export type Job = z.infer<typeof Job>;

export const JobRef = z.object({ id: z.string().min(1).max(64) }).strict();

/**
 * One record of `jobs.watch` (newline-delimited JSON): output bytes as base64, exact as the
 * program wrote them, in the order Corral received them.
 */
export const JobOutputRecord = z.discriminatedUnion('t', [
  z.object({ t: z.literal('build'), data: z.string() }),
  z.object({
    t: z.literal('rank'),
    rank: z.number().int().nonnegative(),
    fd: z.enum(['stdout', 'stderr']),
    data: z.string(),
  }),
  /** Everything recorded so far was replayed; what follows is live. */
  z.object({ t: z.literal('live') }),
  z.object({ t: z.literal('end'), status: JobStatus }),
]);
export type JobOutputRecord = z.infer<typeof JobOutputRecord>;

export const jobsApi = {
  /**
   * Stages a program for a cluster: the client writes every file's bytes in order and
   * half-closes; the answer is newline-delimited {@link ProgramUploadProgress}, the last line
   * naming the staged program. Refused with the limit named when it is too big, and for names
   * with "/", ".." or control characters, or a binary that is not an x86-64 ELF.
   */
  upload: stream(ProgramUpload),
  /**
   * Builds the staged program once on a node, distributes it to every node (checked by
   * checksum) and starts mpirun detached. A task; refused, naming the node, when a node is
   * stopped or unreachable.
   */
  start: method(
    z.object({ cluster: ClusterName, programId: z.string().min(1).max(64), run: RunSpec }).strict(),
    Job,
  ),
  /** Runs a finished job's program again with the same or edited parameters. */
  rerun: method(z.object({ id: z.string().min(1).max(64), run: RunSpec.optional() }).strict(), Job),
  /** The cluster's jobs, newest first. */
  list: method(z.object({ cluster: ClusterName }).strict(), z.array(Job)),
  get: method(JobRef, Job),
  /** Build output and every rank's output so far, then live until the job ends. */
  watch: stream(JobRef),
  /** One rank's stream as raw bytes (for download). */
  output: stream(
    JobRef.extend({
      rank: z.number().int().nonnegative(),
      fd: z.enum(['stdout', 'stderr']),
    }).strict(),
  ),
  /** Stops every rank on every node (SIGTERM, then SIGKILL) and checks they are gone. */
  cancel: method(JobRef, Job),
  /** Deletes a finished job's history and output. */
  remove: method(JobRef, z.object({})),
  /** Every change of a job the caller may see. */
  onChanged: event(Job),
} as const;
