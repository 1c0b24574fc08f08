/** A labelled meter: the figure as text too, never only as a bar. */
export function ResourceBar(props: {
  label: string;
  /** 0-100. */
  percent: number;
  text: string;
  testId?: string;
}) {
  const pct = Math.max(0, Math.min(100, props.percent));
  const tone = pct >= 90 ? 'high' : pct >= 70 ? 'mid' : 'low';
  return (
    <span className="rbar" data-testid={props.testId}>
      <span
        className="rbar-track"
        role="meter"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(pct)}
        aria-valuetext={props.text}
      >
        <span className={`rbar-fill rbar-${tone}`} style={{ width: `${pct}%` }} />
      </span>
      <span className="rbar-text">{props.text}</span>
    </span>
  );
}

/** KiB as a short human figure (MiB/GiB). */
export function formatKiB(kib: number): string {
  if (kib >= 1024 * 1024) return `${(kib / 1024 / 1024).toFixed(1)} GiB`;
  return `${Math.round(kib / 1024)} MiB`;
}
