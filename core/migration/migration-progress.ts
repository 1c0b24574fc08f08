/**
 * What a person reads of a running migration, from libvirt's job statistics (DomainGetJobStats
 * as plain numbers). Pure, so the wording and the estimates are unit-tested.
 */
export interface MigrationProgress {
  /** "copying disk 40%" or "memory pass 3, dirty 12 MiB/s, 40 MiB left, expected downtime 30 ms". */
  text: string;
  /** 0 to 1 (never 1 while the job runs: the switch-over is still to come). */
  fraction: number;
  /** Seconds left, when the transfer rate says (absent while the guest dirties memory faster). */
  remainingSeconds?: number;
}

const MiB = 1024 * 1024;
const DEFAULT_PAGE = 4096;
/** The job has started but not yet sent anything measurable. */
const STARTING: MigrationProgress = { text: 'starting', fraction: 0 };

function mib(bytes: number): string {
  const v = bytes / MiB;
  return `${v >= 10 || v === 0 ? Math.round(v) : v.toFixed(1)} MiB`;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * Describes one sample of the job's figures. `previous` (the sample before, if any) lets the
 * rate be measured when libvirt reports none.
 */
export function describeMigrationJob(
  job: Readonly<Record<string, number>>,
  previous?: Readonly<Record<string, number>>,
): MigrationProgress {
  const dataTotal = job.data_total ?? 0;
  if (dataTotal <= 0) return STARTING;
  const dataRemaining = clamp(job.data_remaining ?? dataTotal, 0, dataTotal);
  const fraction = clamp(1 - dataRemaining / dataTotal, 0, 0.99);

  const diskTotal = job.disk_total ?? 0;
  const diskRemaining = job.disk_remaining ?? 0;
  const pageSize = job.memory_page_size ?? DEFAULT_PAGE;
  const dirtyBps = (job.memory_dirty_rate ?? 0) * pageSize;
  const memRemaining = job.memory_remaining ?? 0;

  let text: string;
  if (diskTotal > 0 && diskRemaining > 0) {
    // NBD copies the disks first; memory follows once they are in sync.
    const pct = Math.floor(clamp(1 - diskRemaining / diskTotal, 0, 0.99) * 100);
    text = `copying disk ${pct}%`;
  } else {
    const parts = [`memory pass ${Math.max(1, (job.memory_iteration ?? 0) + 1)}`];
    if (dirtyBps > 0) parts.push(`dirty ${mib(dirtyBps)}/s`);
    parts.push(`${mib(memRemaining)} left`);
    if (job.downtime !== undefined) parts.push(`expected downtime ${Math.round(job.downtime)} ms`);
    text = parts.join(', ');
  }

  const remainingSeconds = estimateSeconds(job, previous, dataRemaining, dirtyBps);
  return { text, fraction, ...(remainingSeconds !== undefined ? { remainingSeconds } : {}) };
}

/** The transfer rate (libvirt's own figure, else measured between samples) net of dirtying. */
function estimateSeconds(
  job: Readonly<Record<string, number>>,
  previous: Readonly<Record<string, number>> | undefined,
  dataRemaining: number,
  dirtyBps: number,
): number | undefined {
  if (job.time_remaining !== undefined && job.time_remaining > 0) {
    return Math.ceil(job.time_remaining / 1000);
  }
  let rate = (job.memory_bps ?? 0) + (job.disk_bps ?? 0);
  if (rate <= 0 && previous) {
    const dt = ((job.time_elapsed ?? 0) - (previous.time_elapsed ?? 0)) / 1000;
    const sent = (job.data_processed ?? 0) - (previous.data_processed ?? 0);
    if (dt > 0 && sent > 0) rate = sent / dt;
  }
  // While the guest dirties memory as fast as it is sent, no end is in sight.
  const net = rate - (job.disk_remaining ? 0 : dirtyBps);
  if (net <= 0) return undefined;
  return Math.ceil(dataRemaining / net);
}
