const MiB = 1024 * 1024;

/** Bytes as a short figure people read: KiB, MiB or GiB with one decimal where useful. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MiB) return `${(bytes / 1024 / MiB).toFixed(1)} GiB`;
  if (bytes >= MiB) return `${trim(bytes / MiB)} MiB`;
  if (bytes >= 1024) return `${trim(bytes / 1024)} KiB`;
  return `${bytes} B`;
}

function trim(n: number): string {
  return n >= 100 ? String(Math.round(n)) : n.toFixed(1).replace(/\.0$/, '');
}

/** Whole percent done, 0-100 (100 only when every byte is in). */
export function progressPercent(uploaded: number, total: number): number {
  if (total <= 0) return 0;
  if (uploaded >= total) return 100;
  return Math.min(99, Math.floor((uploaded / total) * 100));
}

/** `42 % (84 of 200 MiB)`: the progress as text, in the unit of the total. */
export function progressText(uploaded: number, total: number): string {
  const pct = progressPercent(uploaded, total);
  const unit = total >= 1024 * MiB ? 1024 * MiB : total >= MiB ? MiB : 1024;
  const name = unit === MiB ? 'MiB' : unit === 1024 ? 'KiB' : 'GiB';
  const fmt = (b: number) => trim(b / unit);
  return `${pct} % (${fmt(uploaded)} of ${fmt(total)} ${name})`;
}

/** A volume name from a file name: characters libvirt and the contract accept, nothing else. */
export function volumeNameFor(fileName: string): string {
  const cleaned = fileName.replace(/[^A-Za-z0-9._+-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return cleaned.slice(0, 128) || 'image';
}

/** qcow2 when the name says so, else raw (the server checks what the bytes really are). */
export function formatFor(fileName: string): 'qcow2' | 'raw' {
  return /\.qcow2?$/i.test(fileName) ? 'qcow2' : 'raw';
}
