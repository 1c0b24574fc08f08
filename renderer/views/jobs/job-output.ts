import type { ByteStream } from '../../../api/byte-stream';
import { JobOutputRecord, type JobStatus } from '../../../api/jobs-api';
import {
  decodeBase64,
  DisplayLines,
  mergedStyle,
  STDERR_STYLE,
  STDOUT_STYLE,
} from './display-bytes';
import type { JobsClient } from './jobs-client';
import { JobTerminal } from './job-terminal';
import { NdjsonLines } from './ndjson-lines';

/** Where a job's watch stream stands, for the page to show in words. */
export interface WatchState {
  /** Everything recorded so far was replayed. */
  live: boolean;
  /** The stream said the job ended, with this status. */
  ended?: JobStatus;
  /** The stream failed. */
  error?: string;
  /** Ranks that wrote something (their panes exist). */
  ranks: number[];
}

/**
 * One job's output, outside React: its watch stream and the terminals it feeds (the build, one
 * per rank, and the merged view with rank tags). Panes attach and detach the terminals.
 */
export class JobOutput {
  readonly build = new JobTerminal();
  readonly merged = new JobTerminal();
  private readonly rankTerms = new Map<number, { term: JobTerminal; lines: DisplayLines }>();
  private readonly buildLines = new DisplayLines();
  private readonly mergedLines = new DisplayLines();
  private stream: ByteStream | undefined;
  private state: WatchState = { live: false, ranks: [] };
  private disposed = false;

  constructor(
    readonly id: string,
    private readonly onState: (state: WatchState) => void,
  ) {}

  /** Rank `rank`'s terminal (made on first use, so a pane may open before its rank writes). */
  rank(rank: number): JobTerminal {
    return this.rankEntry(rank).term;
  }

  /** Opens the watch stream: the replay of everything so far, then live output. */
  async start(client: JobsClient): Promise<void> {
    let stream: ByteStream;
    try {
      stream = await client.jobs.watch({ id: this.id });
    } catch (err) {
      this.update({ error: (err as Error).message });
      return;
    }
    if (this.disposed) {
      stream.end({ code: 'cancelled', message: 'closed' });
      return;
    }
    this.stream = stream;
    const lines = new NdjsonLines();
    stream.onData((bytes) => {
      for (const line of lines.push(bytes)) {
        const parsed = JobOutputRecord.safeParse(line);
        if (parsed.success) this.apply(parsed.data);
      }
    });
    stream.onEnd((error) => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      // Core ended its side after the job's end: close ours, so the stream is forgotten.
      if (!error) stream.end();
      if (error && !this.disposed) this.update({ error: error.message });
    });
  }

  private apply(record: JobOutputRecord): void {
    switch (record.t) {
      case 'build':
        this.build.write(this.buildLines.format('build', STDOUT_STYLE, decodeBase64(record.data)));
        return;
      case 'rank': {
        const bytes = decodeBase64(record.data);
        const entry = this.rankEntry(record.rank);
        const style = record.fd === 'stderr' ? STDERR_STYLE : STDOUT_STYLE;
        entry.term.write(entry.lines.format(record.fd, style, bytes));
        this.merged.write(
          this.mergedLines.format(
            `${record.rank}:${record.fd}`,
            mergedStyle(record.rank, record.fd),
            bytes,
          ),
        );
        return;
      }
      case 'live':
        this.update({ live: true });
        return;
      case 'end':
        this.update({ ended: record.status });
        return;
    }
  }

  private rankEntry(rank: number) {
    let entry = this.rankTerms.get(rank);
    if (!entry) {
      entry = { term: new JobTerminal(), lines: new DisplayLines() };
      this.rankTerms.set(rank, entry);
      this.update({ ranks: [...this.rankTerms.keys()].sort((a, b) => a - b) });
    }
    return entry;
  }

  private update(patch: Partial<WatchState>): void {
    this.state = { ...this.state, ...patch };
    if (!this.disposed) this.onState(this.state);
  }

  dispose(): void {
    this.disposed = true;
    this.stream?.end({ code: 'cancelled', message: 'the job page was closed' });
    this.stream = undefined;
    for (const { term } of this.rankTerms.values()) term.dispose();
    this.build.dispose();
    this.merged.dispose();
  }
}
