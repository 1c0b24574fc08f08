import type { NetworkPolicy } from '../../../api/networks-api';

/** `br0, br1  br2` → `['br0', 'br1', 'br2']`: what a person types into one policy field. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The policy's fields as the form shows them. */
export function policyFields(policy: NetworkPolicy): Record<keyof NetworkPolicy, string> {
  return {
    bridges: policy.bridges.join(', '),
    networks: policy.networks.join(', '),
    addressRanges: policy.addressRanges.join(', '),
  };
}

/** One line saying what plain users may attach to, as stored (never only a colour). */
export function policySummary(policy: NetworkPolicy): string {
  const list = (names: string[]) => (names.length === 0 ? 'none' : names.join(', '));
  if (
    (policy.bridges.length === 0 && policy.networks.length === 0) ||
    policy.addressRanges.length === 0
  ) {
    return 'Plain users may attach nodes to nothing yet.';
  }
  return `Plain users may attach nodes to bridges: ${list(policy.bridges)}; libvirt networks: ${list(policy.networks)}; addresses in: ${list(policy.addressRanges)}.`;
}
