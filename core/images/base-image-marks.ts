import { join } from 'node:path';
import Conf from 'conf';
import { z } from 'zod';
import type { VolumeRef } from '../../api/images-api';
import {
  listOf,
  logDataProblem,
  type ReportDataProblem,
  setAside,
} from '../persistence/data-problems';
import { readJsonObjectFile } from '../persistence/json-file';

const StoredMark = z.object({ hostId: z.string(), pool: z.string(), name: z.string() });

/**
 * The key of a mark. A JSON array, not a joined string: a host id may hold any character, and
 * `a/b` + `c` must never equal `a` + `b/c`.
 */
export function markKey(ref: VolumeRef): string {
  return JSON.stringify([ref.hostId, ref.pool, ref.name]);
}

/**
 * The volumes the administrator marked as base images, keyed by host + pool + volume, in
 * `base-images.json` under the data folder (conf writes atomically). Without a data folder the
 * marks live in memory only (tests of the images service alone). Empty means nothing may back a
 * cluster: a volume is never a base image by default.
 */
export class BaseImageMarks {
  private readonly conf: Conf<{ marks: unknown }> | undefined;
  private marks = new Map<string, VolumeRef>();

  constructor(dataDir?: string, report: ReportDataProblem = logDataProblem) {
    if (dataDir !== undefined) {
      readJsonObjectFile(join(dataDir, 'base-images.json'), report);
      this.conf = new Conf<{ marks: unknown }>({
        cwd: dataDir,
        configName: 'base-images',
        defaults: { marks: [] },
        clearInvalidConfig: false,
        // Like every file in the data folder (see core/security/private-files.ts).
        configFileMode: 0o600,
      });
      const stored = this.conf.get('marks');
      const raw: unknown[] = Array.isArray(stored) ? stored : [];
      // A record that fails validation is never trusted; the original is set aside, not lost.
      const bad: number[] = [];
      raw.forEach((r, i) => {
        const parsed = StoredMark.safeParse(r);
        if (parsed.success) this.marks.set(markKey(parsed.data), parsed.data);
        else bad.push(i + 1);
      });
      if (bad.length > 0) {
        setAside(
          this.conf.path,
          `base image mark${bad.length > 1 ? 's' : ''} ${listOf(bad)} could not be read and ${bad.length > 1 ? 'were' : 'was'} left out`,
          report,
        );
        this.conf.set('marks', [...this.marks.values()]);
      }
    }
  }

  has(ref: VolumeRef): boolean {
    return this.marks.has(markKey(ref));
  }

  /** Whether any volume of this name is marked, on any host (a check that needs no host). */
  anyNamed(name: string): boolean {
    for (const m of this.marks.values()) if (m.name === name) return true;
    return false;
  }

  /** Host ids that have at least one mark. */
  hosts(): Set<string> {
    return new Set([...this.marks.values()].map((m) => m.hostId));
  }

  set(ref: VolumeRef, marked: boolean): void {
    const key = markKey(ref);
    if (marked === this.marks.has(key)) return;
    const next = new Map(this.marks);
    if (marked) next.set(key, { hostId: ref.hostId, pool: ref.pool, name: ref.name });
    else next.delete(key);
    this.save(next);
  }

  /** Forgets every mark of a host (it was removed from Corral). */
  forgetHost(hostId: string): void {
    const next = new Map([...this.marks].filter(([, m]) => m.hostId !== hostId));
    if (next.size !== this.marks.size) this.save(next);
  }

  private save(next: Map<string, VolumeRef>): void {
    // Written before it takes effect: a failed write leaves the old marks in force.
    this.conf?.set('marks', [...next.values()]);
    this.marks = next;
  }
}
