import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { UploadTarget } from '../../api/images-api';
import { OperationJournal } from '../journal/operation-journal';
import { logDataProblem, type ReportDataProblem } from '../persistence/data-problems';
import type { VolumeFacts } from './volume-xml';

/** How often a running upload that is still receiving bytes says so in the journal (ms). */
export const UPLOAD_ALIVE_EVERY_MS = 5_000;
/**
 * Room for what the host writes after the last alive mark: the bytes in flight when the process
 * died, and the error of the host clock offset measured at creation (one round trip).
 */
const HOST_WRITE_SLACK_MS = 10_000;

/** One upload as the journal keeps it (each line a whole snapshot, latest wins). */
export interface UploadRecord {
  id: string;
  hostId: string;
  pool: string;
  name: string;
  sizeBytes: number;
  /** `creating`: the volume is being made; `uploading`: it exists and bytes flow; `ended`. */
  state: 'creating' | 'uploading' | 'ended';
  /** When the upload began (this computer's clock, ISO). */
  startedAt: string;
  /** The volume's key (its path on file pools), once it exists. */
  key?: string;
  /** The host's clock minus this computer's, measured from the new volume's timestamps (ms). */
  hostClockOffsetMs?: number;
  /** The last time bytes were seen flowing (this computer's clock, ms). */
  aliveAtMs: number;
}

/**
 * Durable record of uploads in flight (`uploads.jsonl` in the data folder): written before the
 * volume is created and cleared when the upload ends either way, so that after a crash the next
 * start knows which partial volume is left on which host and can remove exactly that one.
 * Without a data folder the records are only kept in memory (this run's host drops).
 */
export class UploadJournal {
  private readonly journal: OperationJournal<UploadRecord> | undefined;
  /** The latest record of each upload not yet ended (what the file must keep). */
  private readonly open = new Map<string, UploadRecord>();

  constructor(dataDir: string | undefined, report: ReportDataProblem = logDataProblem) {
    this.journal =
      dataDir === undefined
        ? undefined
        : new OperationJournal<UploadRecord>(join(dataDir, 'uploads.jsonl'), report);
  }

  /** Uploads that never ended (a previous run died), and keeps only those in the file. */
  loadInterrupted(): UploadRecord[] {
    if (!this.journal) return [];
    const open = this.journal.load().filter((r) => r.state !== 'ended');
    for (const r of open) this.open.set(r.id, r);
    this.journal.compact(open);
    return open;
  }

  /** Records an upload about to create its volume (call before storageVolCreateXml). */
  begin(target: UploadTarget, now = Date.now()): UploadRecord {
    const record: UploadRecord = {
      id: randomUUID(),
      hostId: target.hostId,
      pool: target.pool,
      name: target.name,
      sizeBytes: target.sizeBytes,
      state: 'creating',
      startedAt: new Date(now).toISOString(),
      aliveAtMs: now,
    };
    this.put(record);
    return record;
  }

  /** The volume exists: its identity, and the host clock's offset read from its mtime. */
  created(record: UploadRecord, key: string, hostModifiedMs: number | undefined): UploadRecord {
    const now = Date.now();
    const next: UploadRecord = {
      ...record,
      state: 'uploading',
      key,
      aliveAtMs: now,
      ...(hostModifiedMs !== undefined ? { hostClockOffsetMs: hostModifiedMs - now } : {}),
    };
    this.put(next);
    return next;
  }

  /** Bytes are still flowing. */
  alive(record: UploadRecord, now = Date.now()): UploadRecord {
    const next = { ...record, aliveAtMs: now };
    this.put(next);
    return next;
  }

  /** The upload is over (done, or its partial volume deleted). */
  end(record: UploadRecord): void {
    this.open.delete(record.id);
    // Rewritten to the uploads still open, so the file stays as small as what is in flight.
    this.journal?.compact([...this.open.values()]);
  }

  private put(record: UploadRecord): void {
    this.open.set(record.id, record);
    this.journal?.write(record);
  }
}

/** What the next start does with an interrupted upload's volume. */
export type PartialVerdict =
  /** The volume is the upload's own, unfinished: delete it. */
  | 'delete'
  /** No such volume any more: nothing to do. */
  | 'gone'
  /** A volume of that name exists but is not the upload's (made or written since): keep it. */
  | 'other'
  /** The upload died while its volume was being created: its identity is unknown. */
  | 'unknown';

/**
 * Whether the volume now named like an interrupted upload's is that upload's partial volume.
 * Same key (path) and size are not enough, since someone may have removed it and made another of
 * the same name since; the volume must also not have been written after the upload died, judged
 * on the host's own clock (its offset was measured when the volume was made).
 */
export function partialVerdict(
  record: UploadRecord,
  found: { key: string; facts: VolumeFacts } | undefined,
): PartialVerdict {
  if (record.state === 'creating' || record.key === undefined) return found ? 'unknown' : 'gone';
  if (!found) return 'gone';
  const { key, facts } = found;
  if (key !== record.key || facts.capacityBytes !== record.sizeBytes) return 'other';
  if (facts.modifiedMs === undefined || record.hostClockOffsetMs === undefined) return 'other';
  const diedBy = record.aliveAtMs + record.hostClockOffsetMs + UPLOAD_ALIVE_EVERY_MS;
  return facts.modifiedMs <= diedBy + HOST_WRITE_SLACK_MS ? 'delete' : 'other';
}
