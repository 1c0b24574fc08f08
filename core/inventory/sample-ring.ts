/** One load sample: when, CPU use (0-100, NaN when unknown) and memory in use (KiB). */
export interface LoadSample {
  at: number;
  cpu: number;
  memoryKiB: number;
}

/** What a ring hands out: parallel arrays, oldest first (the shape a chart plots). */
export interface LoadSeries {
  t: number[];
  cpu: Array<number | null>;
  memoryKiB: Array<number | null>;
}

const FIRST_SIZE = 16;

/**
 * A bounded ring of load samples in typed arrays: at most `capacity` samples, the oldest
 * overwritten first. It grows by doubling up to its capacity, so thousands of VMs that have only
 * just appeared cost little, and a full one never allocates again.
 */
export class SampleRing {
  private t: Float64Array;
  private cpu: Float32Array;
  private mem: Float64Array;
  /** Index of the oldest sample. */
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`a sample ring needs a capacity of at least 1, not ${capacity}`);
    }
    const size = Math.min(capacity, FIRST_SIZE);
    this.t = new Float64Array(size);
    this.cpu = new Float32Array(size);
    this.mem = new Float64Array(size);
  }

  get size(): number {
    return this.count;
  }

  /** Time of the newest sample, or -Infinity when empty. */
  get newest(): number {
    return this.count === 0 ? -Infinity : this.t[(this.head + this.count - 1) % this.t.length]!;
  }

  /**
   * Adds a sample. One older than the newest is ignored: a chart's x values must rise, and two
   * hosts can both report a VM for a moment while it migrates.
   */
  push(s: LoadSample): boolean {
    if (s.at < this.newest) return false;
    if (this.count === this.t.length && this.t.length < this.capacity) this.grow();
    const len = this.t.length;
    const i = (this.head + this.count) % len;
    this.t[i] = s.at;
    this.cpu[i] = s.cpu;
    this.mem[i] = s.memoryKiB;
    if (this.count < len) this.count++;
    else this.head = (this.head + 1) % len;
    return true;
  }

  /** The samples taken at `since` or later, oldest first; NaN reads as null. */
  series(since = -Infinity): LoadSeries {
    const out: LoadSeries = { t: [], cpu: [], memoryKiB: [] };
    const len = this.t.length;
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) % len;
      const at = this.t[i]!;
      if (at < since) continue;
      out.t.push(at);
      out.cpu.push(orNull(this.cpu[i]!));
      out.memoryKiB.push(orNull(this.mem[i]!));
    }
    return out;
  }

  private grow(): void {
    const size = Math.min(this.capacity, this.t.length * 2);
    const t = new Float64Array(size);
    const cpu = new Float32Array(size);
    const mem = new Float64Array(size);
    const len = this.t.length;
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) % len;
      t[k] = this.t[i]!;
      cpu[k] = this.cpu[i]!;
      mem[k] = this.mem[i]!;
    }
    this.t = t;
    this.cpu = cpu;
    this.mem = mem;
    this.head = 0;
  }
}

function orNull(n: number): number | null {
  // Float32 storage: keep one decimal, as the inventory rounds its percentages.
  return Number.isNaN(n) ? null : Math.round(n * 10) / 10;
}
