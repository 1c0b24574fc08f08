const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long ago `when` was, the way people say it: "just now", "3 min ago", "2 h ago",
 * "4 days ago"; a month or more back, the date itself. A time slightly ahead of `now` (clocks of
 * two machines differ) reads as "just now", further ahead as "in 5 min". Pure: `now` is given.
 */
export function relativeTime(when: string | number | Date, now: number): string {
  const t = new Date(when).getTime();
  if (Number.isNaN(t)) return 'at an unknown time';
  const diff = now - t;
  const ahead = diff < 0;
  const d = Math.abs(diff);
  if (d < 45_000) return 'just now';
  let amount: string;
  if (d < HOUR) amount = `${Math.max(1, Math.round(d / MINUTE))} min`;
  else if (d < DAY) amount = `${Math.round(d / HOUR)} h`;
  else if (d < 30 * DAY) {
    const days = Math.round(d / DAY);
    amount = `${days} ${days === 1 ? 'day' : 'days'}`;
  } else return `on ${isoDate(new Date(t))}`;
  // Rounding 59.6 min up gives "60 min": say "1 h" instead.
  if (amount === '60 min') amount = '1 h';
  if (amount === '24 h') amount = '1 day';
  return ahead ? `in ${amount}` : `${amount} ago`;
}

/** The exact local time, for a tooltip: "2026-11-29 14:05:09". */
export function exactTime(when: string | number | Date): string {
  const d = new Date(when);
  if (Number.isNaN(d.getTime())) return 'unknown time';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${isoDate(d)} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function isoDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
