import type { AddressPool } from '../../api/clusters-api';
import { CorralError } from '../../api/errors';

/** `10.0.0.5` → 167772165. */
export function ipv4ToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new CorralError('bad-request', `${JSON.stringify(ip)} is not an IPv4 address`);
  }
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** 167772165 → `10.0.0.5`. */
export function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The prefix length of a CIDR (`10.0.0.0/24` → 24). */
export function prefixLength(cidr: string): number {
  const len = Number(cidr.split('/')[1]);
  if (!Number.isInteger(len) || len < 0 || len > 32) {
    throw new CorralError('bad-request', `${JSON.stringify(cidr)} is not an IPv4 CIDR`);
  }
  return len;
}

/**
 * Checks a pool: first and last inside the CIDR, first <= last, gateway inside too. Returns the
 * usable range as integers (network and broadcast addresses excluded for prefixes below /31).
 */
export function poolRange(pool: AddressPool): { first: number; last: number } {
  const len = prefixLength(pool.cidr);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  const network = (ipv4ToInt(pool.cidr.split('/')[0]!) & mask) >>> 0;
  const broadcast = (network | (~mask >>> 0)) >>> 0;
  const inside = (n: number) => (n & mask) >>> 0 === network;
  const first = ipv4ToInt(pool.first);
  const last = ipv4ToInt(pool.last);
  if (!inside(first) || !inside(last)) {
    throw new CorralError(
      'bad-request',
      `addresses ${pool.first}-${pool.last} are not in ${pool.cidr}`,
    );
  }
  if (first > last) {
    throw new CorralError(
      'bad-request',
      `the pool's first address ${pool.first} is after its last`,
    );
  }
  if (pool.gateway !== undefined && !inside(ipv4ToInt(pool.gateway))) {
    throw new CorralError('bad-request', `the gateway ${pool.gateway} is not in ${pool.cidr}`);
  }
  const edges = len < 31;
  return {
    first: edges && first === network ? first + 1 : first,
    last: edges && last === broadcast ? last - 1 : last,
  };
}

/**
 * The first `count` addresses of `pool` that are not in `used` (addresses of existing nodes of
 * any cluster, and of operations still in flight) nor the gateway, in order. Refuses, saying how
 * many are left, when the pool is too small: nothing is half-allocated.
 */
export function allocateAddresses(
  pool: AddressPool,
  used: ReadonlySet<string>,
  count: number,
): string[] {
  const { first, last } = poolRange(pool);
  const out: string[] = [];
  for (let n = first; n <= last && out.length < count; n++) {
    const ip = intToIpv4(n);
    if (used.has(ip) || ip === pool.gateway) continue;
    out.push(ip);
  }
  if (out.length < count) {
    throw new CorralError(
      'conflict',
      `the address pool ${pool.first}-${pool.last} has ${out.length} free addresses; ${count} are needed`,
    );
  }
  return out;
}
