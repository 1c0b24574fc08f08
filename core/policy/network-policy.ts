import type { NicSpec } from '../../api/clusters-api';
import { CorralError } from '../../api/errors';
import type { NetworkPolicy } from '../../api/networks-api';
import { intToIpv4, ipv4ToInt, prefixLength } from '../clusters/address-pool';

/** The policy nobody set yet: plain users may attach to nothing. */
export const EMPTY_NETWORK_POLICY: NetworkPolicy = { bridges: [], networks: [], addressRanges: [] };

/** An inclusive range of IPv4 addresses as integers. */
export interface Ipv4Interval {
  first: number;
  last: number;
}

/** Every address of a CIDR, network and broadcast included (`10.0.0.7/30` → .4-.7). */
export function cidrInterval(cidr: string): Ipv4Interval {
  const len = prefixLength(cidr);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  const first = (ipv4ToInt(cidr.split('/')[0]!) & mask) >>> 0;
  return { first, last: (first | (~mask >>> 0)) >>> 0 };
}

/** `10.0.0.7/24` → `10.0.0.0/24`: host bits cleared, so the stored policy reads as it acts. */
export function normalizeCidr(cidr: string): string {
  return `${intToIpv4(cidrInterval(cidr).first)}/${prefixLength(cidr)}`;
}

/**
 * Whether every address from `first` to `last` lies in the union of `ranges` (CIDRs). Adjacent
 * or overlapping ranges count together: .0/25 and .128/25 cover .100-.150.
 */
export function rangeCovered(first: string, last: string, ranges: readonly string[]): boolean {
  let from = ipv4ToInt(first);
  const to = ipv4ToInt(last);
  if (from > to) return false;
  const intervals = ranges.map(cidrInterval).sort((a, b) => a.first - b.first);
  for (const r of intervals) {
    if (r.first > from) return false;
    if (r.last >= from) {
      if (r.last >= to) return true;
      from = r.last + 1;
    }
  }
  return false;
}

/** Whether one address lies in any of `ranges`. */
export function addressAllowed(address: string, ranges: readonly string[]): boolean {
  return rangeCovered(address, address, ranges);
}

/** The policy as stored: names deduplicated and sorted, CIDRs normalised. */
export function normalizePolicy(policy: NetworkPolicy): NetworkPolicy {
  const tidy = (list: readonly string[]) => [...new Set(list)].sort();
  return {
    bridges: tidy(policy.bridges),
    networks: tidy(policy.networks),
    addressRanges: tidy(policy.addressRanges.map(normalizeCidr)),
  };
}

/**
 * Refuses (`forbidden`) a NIC list a plain user may not attach: a bridge or libvirt network the
 * policy does not name, or a static address range not inside the allowed ranges. The message says
 * which NIC and why, so the person knows what to ask the administrator for.
 */
export function requireNicsAllowed(policy: NetworkPolicy, nics: readonly NicSpec[]): void {
  nics.forEach((nic, i) => {
    const which = `interface ${i + 1}`;
    const source = nic.source;
    if (source.kind === 'bridge' && !policy.bridges.includes(source.bridge)) {
      throw new CorralError(
        'forbidden',
        `${which}: bridge ${source.bridge} is not allowed for your account; the administrator allows ${listed(policy.bridges)}`,
      );
    }
    if (source.kind === 'network' && !policy.networks.includes(source.network)) {
      throw new CorralError(
        'forbidden',
        `${which}: libvirt network ${source.network} is not allowed for your account; the administrator allows ${listed(policy.networks)}`,
      );
    }
    const { first, last } = nic.addresses;
    if (!rangeCovered(first, last, policy.addressRanges)) {
      throw new CorralError(
        'forbidden',
        `${which}: addresses ${first}-${last} are outside the ranges allowed for your account (${listed(policy.addressRanges)})`,
      );
    }
  });
}

function listed(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}
