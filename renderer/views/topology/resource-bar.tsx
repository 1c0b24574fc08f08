import {
  Progress,
  ProgressMeasureLocation,
  ProgressSize,
  ProgressVariant,
} from '@patternfly/react-core';

/**
 * A labelled meter: the figure as text too, never only as a bar. PatternFly's Progress draws
 * it; the wrapper carries the meter role (a level, not a task's progress) and the accessible
 * name, and the Progress inside is hidden from assistive technology so it is not read twice.
 */
export function ResourceBar(props: {
  label: string;
  /** 0-100. */
  percent: number;
  text: string;
  testId?: string;
}) {
  const pct = Math.max(0, Math.min(100, props.percent));
  const variant =
    pct >= 90 ? ProgressVariant.danger : pct >= 70 ? ProgressVariant.warning : undefined;
  return (
    <span
      className="rbar"
      data-testid={props.testId}
      role="meter"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(pct)}
      aria-valuetext={props.text}
    >
      <Progress
        aria-hidden
        aria-label={props.label}
        className="rbar-progress"
        value={pct}
        size={ProgressSize.sm}
        variant={variant}
        measureLocation={ProgressMeasureLocation.none}
        hideStatusIcon
      />
      <span className="rbar-text">{props.text}</span>
    </span>
  );
}

/** KiB as a short human figure (MiB/GiB). */
export function formatKiB(kib: number): string {
  if (kib >= 1024 * 1024) return `${(kib / 1024 / 1024).toFixed(1)} GiB`;
  return `${Math.round(kib / 1024)} MiB`;
}
