import type { BalancePlan, BalancePolicy } from '../../../api/migration-api';

/** The policy form as typed: text fields keep what the person wrote until it parses. */
export interface BalanceForm {
  cpuHighPercent: string;
  cpuLowPercent: string;
  memoryHighPercent: string;
  memoryLowPercent: string;
  windowSeconds: string;
  keepClustersSpread: boolean;
}

export type BalanceField = Exclude<keyof BalanceForm, 'keepClustersSpread'>;

/** Each text field's label, as the form shows it. */
export const FIELD_LABELS: Record<BalanceField, string> = {
  cpuHighPercent: 'CPU high (%)',
  cpuLowPercent: 'CPU low (%)',
  memoryHighPercent: 'Memory high (%)',
  memoryLowPercent: 'Memory low (%)',
  windowSeconds: 'Window (seconds)',
};

export function formOf(policy: BalancePolicy): BalanceForm {
  return {
    cpuHighPercent: String(policy.cpuHighPercent),
    cpuLowPercent: String(policy.cpuLowPercent),
    memoryHighPercent: String(policy.memoryHighPercent),
    memoryLowPercent: String(policy.memoryLowPercent),
    windowSeconds: String(policy.windowSeconds),
    keepClustersSpread: policy.keepClustersSpread,
  };
}

/** The form as a policy, or what is wrong with each field (the server checks again). */
export function parseForm(
  form: BalanceForm,
):
  | { policy: BalancePolicy; errors?: undefined }
  | { policy?: undefined; errors: Partial<Record<BalanceField, string>> } {
  const errors: Partial<Record<BalanceField, string>> = {};
  const num = (field: BalanceField, min: number, max: number, whole = false): number => {
    const text = form[field].trim();
    const n = Number(text);
    if (text === '' || !Number.isFinite(n)) errors[field] = 'Enter a number';
    else if (whole && !Number.isInteger(n)) errors[field] = 'Enter whole seconds';
    else if (n < min || n > max) errors[field] = `Enter ${min} to ${max}`;
    return n;
  };
  const cpuHighPercent = num('cpuHighPercent', 1, 100);
  const cpuLowPercent = num('cpuLowPercent', 0, 99);
  const memoryHighPercent = num('memoryHighPercent', 1, 100);
  const memoryLowPercent = num('memoryLowPercent', 0, 99);
  const windowSeconds = num('windowSeconds', 5, 3600, true);
  if (!errors.cpuLowPercent && !errors.cpuHighPercent && cpuLowPercent >= cpuHighPercent) {
    errors.cpuLowPercent = 'Must be below CPU high';
  }
  if (
    !errors.memoryLowPercent &&
    !errors.memoryHighPercent &&
    memoryLowPercent >= memoryHighPercent
  ) {
    errors.memoryLowPercent = 'Must be below memory high';
  }
  if (Object.keys(errors).length > 0) return { errors };
  return {
    policy: {
      cpuHighPercent,
      cpuLowPercent,
      memoryHighPercent,
      memoryLowPercent,
      windowSeconds,
      keepClustersSpread: form.keepClustersSpread,
    },
  };
}

/** "Imbalance 32.5 → 12.0 (63% more even)", or why it did not change. */
export function imbalanceText(plan: Pick<BalancePlan, 'before' | 'after' | 'moves'>): string {
  const b = plan.before.imbalance;
  const a = plan.after.imbalance;
  if (plan.moves.length === 0) return `Imbalance ${b.toFixed(1)}: nothing to move`;
  const better = b > 0 ? Math.round(((b - a) / b) * 100) : 0;
  return `Imbalance ${b.toFixed(1)} → ${a.toFixed(1)} (${better}% more even)`;
}

/** One row per host: its load before and after the plan, as text cells. */
export function hostRows(
  plan: Pick<BalancePlan, 'before' | 'after'>,
): Array<{ hostId: string; name: string; cpu: string; memory: string }> {
  return plan.before.hosts.map((b) => {
    const a = plan.after.hosts.find((h) => h.hostId === b.hostId) ?? b;
    const change = (x: number, y: number) =>
      Math.round(x) === Math.round(y)
        ? `${Math.round(x)}%`
        : `${Math.round(x)}% → ${Math.round(y)}%`;
    return {
      hostId: b.hostId,
      name: b.name,
      cpu: change(b.cpuPercent, a.cpuPercent),
      memory: change(b.memoryPercent, a.memoryPercent),
    };
  });
}

/** The name of a host by id in a plan (ids are not for people). */
export function hostName(plan: Pick<BalancePlan, 'before'>, hostId: string): string {
  return plan.before.hosts.find((h) => h.hostId === hostId)?.name ?? hostId;
}
