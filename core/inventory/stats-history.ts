import { SampleRing, type LoadSample, type LoadSeries } from './sample-ring';

/** Options of {@link StatsHistory}. */
export interface StatsHistoryOptions {
  /** How far back the history reaches (ms). */
  windowMs: number;
  /** How often samples arrive (ms): with the window, this bounds each ring. */
  periodMs: number;
  now?: () => number;
}

/**
 * The recent load of every host (by host id) and every VM (by UUID, so a VM that migrates keeps
 * its history), in bounded rings: a chart opened now shows the last minutes at once instead of
 * filling up from empty. A VM's ring is dropped once its newest sample has left the window (it
 * was deleted, stopped long ago, or its host is gone), so the memory stays bounded by what runs.
 */
export class StatsHistory {
  readonly capacity: number;
  private readonly hosts = new Map<string, SampleRing>();
  private readonly vms = new Map<string, SampleRing>();
  private readonly now: () => number;
  private lastPrune = -Infinity;

  constructor(readonly options: StatsHistoryOptions) {
    if (!(options.periodMs > 0) || !(options.windowMs > 0)) {
      throw new RangeError('the stats window and period must be positive');
    }
    // One more than the window holds, so a full window survives a sample landing a bit early.
    this.capacity = Math.ceil(options.windowMs / options.periodMs) + 1;
    this.now = options.now ?? Date.now;
  }

  recordHost(hostId: string, sample: LoadSample): void {
    ringOf(this.hosts, hostId, this.capacity).push(sample);
    this.pruneNow();
  }

  recordVm(uuid: string, sample: LoadSample): void {
    ringOf(this.vms, uuid.toLowerCase(), this.capacity).push(sample);
  }

  /** A host's samples within the window, oldest first (empty when none). */
  host(hostId: string): LoadSeries {
    return this.read(this.hosts.get(hostId));
  }

  /** A VM's samples within the window, oldest first, wherever it ran. */
  vm(uuid: string): LoadSeries {
    return this.read(this.vms.get(uuid.toLowerCase()));
  }

  /** A host removed from Corral: its history goes too. */
  forgetHost(hostId: string): void {
    this.hosts.delete(hostId);
  }

  /** How many rings are kept (tests, diagnostics). */
  get ringCount(): { hosts: number; vms: number } {
    return { hosts: this.hosts.size, vms: this.vms.size };
  }

  /** Drops the rings whose newest sample is older than the window. */
  prune(): void {
    const since = this.now() - this.options.windowMs;
    for (const map of [this.hosts, this.vms]) {
      for (const [k, ring] of map) if (ring.newest < since) map.delete(k);
    }
    this.lastPrune = this.now();
  }

  private pruneNow(): void {
    // Often enough to stay bounded, rarely enough to cost nothing per sample.
    if (this.now() - this.lastPrune >= this.options.windowMs / 10) this.prune();
  }

  private read(ring: SampleRing | undefined): LoadSeries {
    if (!ring) return { t: [], cpu: [], memoryKiB: [] };
    return ring.series(this.now() - this.options.windowMs);
  }
}

function ringOf(map: Map<string, SampleRing>, key: string, capacity: number): SampleRing {
  let ring = map.get(key);
  if (!ring) map.set(key, (ring = new SampleRing(capacity)));
  return ring;
}
