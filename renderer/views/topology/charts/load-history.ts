import type { StatsSeries, StatsSubject } from '../../../../api/inventory-api';
import type { CorralClient } from '../../../boot/corral-client';
import { EMPTY_SERIES, mergeSeries, samplePoints, subjectKey } from './load-series';

/** Subjects asked for within this window go out as one `inventory.history` call. */
const BATCH_MS = 60;
/** Series nobody shows any more are kept this many at most (rows scrolled away come back). */
const KEEP_UNUSED = 300;

interface Entry {
  subject: StatsSubject;
  series: StatsSeries;
  users: number;
  /** The history read has not answered yet. */
  loading: boolean;
  listeners: Set<() => void>;
}

/**
 * The renderer's copy of the load histories on screen. A chart subscribes to its subject: the
 * first time, the history is read from core (batched with the other charts mounting now), and
 * from then on the live samples extend it. Only shown (or recently shown) subjects are kept, so
 * 5000 VMs cost what the visible rows cost.
 */
export class LoadHistory {
  windowMs = 15 * 60_000;
  periodMs = 3_000;
  private readonly entries = new Map<string, Entry>();
  private queue: StatsSubject[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscription: { dispose(): void };

  constructor(private readonly client: CorralClient) {
    this.subscription = client.inventory.onSamples((sample) => {
      const since = sample.at - this.windowMs;
      for (const [key, points] of samplePoints(sample)) {
        const e = this.entries.get(key);
        if (!e) continue;
        const next = mergeSeries(e.series, points, since);
        if (next === e.series) continue;
        e.series = next;
        for (const l of e.listeners) l();
      }
    });
  }

  /** The series of a subject now (empty until known). */
  get(key: string): StatsSeries {
    return this.entries.get(key)?.series ?? EMPTY_SERIES;
  }

  /** Follows a subject; the history is read at the first subscription. Returns the undo. */
  subscribe(subject: StatsSubject, listener: () => void): () => void {
    const key = subjectKey(subject);
    let e = this.entries.get(key);
    if (!e) {
      e = { subject, series: EMPTY_SERIES, users: 0, loading: true, listeners: new Set() };
      this.entries.set(key, e);
      this.request(subject);
    } else {
      // Most recently used last, so the oldest unused go first.
      this.entries.delete(key);
      this.entries.set(key, e);
    }
    e.subject = subject; // a migrated VM: ask its new host next time
    e.users++;
    e.listeners.add(listener);
    return () => {
      e.users--;
      e.listeners.delete(listener);
      this.trim();
    };
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    this.entries.clear();
  }

  private request(subject: StatsSubject): void {
    this.queue.push(subject);
    this.timer ??= setTimeout(() => void this.send(), BATCH_MS);
  }

  private async send(): Promise<void> {
    this.timer = undefined;
    const subjects = this.queue.splice(0, 500);
    if (this.queue.length) this.timer = setTimeout(() => void this.send(), BATCH_MS);
    if (subjects.length === 0) return;
    try {
      const answer = await this.client.inventory.history({ subjects });
      this.windowMs = answer.windowMs;
      this.periodMs = answer.periodMs;
      subjects.forEach((s, i) => this.loaded(s, answer.series[i] ?? EMPTY_SERIES));
    } catch {
      // A VM gone (or no longer ours) refuses the batch: ask for each alone, so the rest load.
      if (subjects.length > 1) {
        await Promise.all(
          subjects.map((s) =>
            this.client.inventory.history({ subjects: [s] }).then(
              (a) => this.loaded(s, a.series[0] ?? EMPTY_SERIES),
              () => this.loaded(s, EMPTY_SERIES),
            ),
          ),
        );
      } else subjects.forEach((s) => this.loaded(s, EMPTY_SERIES));
    }
  }

  private loaded(subject: StatsSubject, history: StatsSeries): void {
    const e = this.entries.get(subjectKey(subject));
    if (!e) return;
    e.loading = false;
    // Samples that arrived while the history was read come after it.
    const last = history.t.length ? history.t[history.t.length - 1]! : -Infinity;
    e.series = mergeSeries(history, e.series, last - this.windowMs);
    for (const l of e.listeners) l();
  }

  private trim(): void {
    let unused = 0;
    for (const e of this.entries.values()) if (e.users === 0) unused++;
    for (const [key, e] of this.entries) {
      if (unused <= KEEP_UNUSED) break;
      if (e.users > 0 || e.loading) continue;
      this.entries.delete(key);
      unused--;
    }
  }
}

let current: { client: CorralClient; history: LoadHistory } | undefined;

/** The load history of this client (one per connection; a new client starts afresh). */
export function loadHistoryOf(client: CorralClient): LoadHistory {
  if (current?.client !== client) {
    current?.history.dispose();
    current = { client, history: new LoadHistory(client) };
  }
  return current.history;
}
