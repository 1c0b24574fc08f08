/** A window as a person says it: "20 s", "5 min", "1 h 30 min". */
export function windowWords(seconds: number): string {
  if (seconds < 120 && seconds % 60 !== 0) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** A percentage as shown in reasons: whole numbers. */
export function pct(n: number): string {
  return `${Math.round(n)}%`;
}
