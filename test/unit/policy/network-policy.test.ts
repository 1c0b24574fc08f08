import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NicSpec } from '../../../api/clusters-api';
import { CorralError } from '../../../api/errors';
import { NetworkPolicy } from '../../../api/networks-api';
import { intToIpv4 } from '../../../core/clusters/address-pool';
import {
  EMPTY_NETWORK_POLICY,
  addressAllowed,
  cidrInterval,
  normalizeCidr,
  normalizePolicy,
  rangeCovered,
  requireNicsAllowed,
} from '../../../core/policy/network-policy';

const bridgeNic = (bridge: string, first: string, last: string): NicSpec => ({
  source: { kind: 'bridge', bridge },
  addresses: { cidr: '10.213.0.0/24', first, last },
});
const networkNic = (network: string, first: string, last: string): NicSpec => ({
  source: { kind: 'network', network },
  addresses: { cidr: '10.213.0.0/24', first, last },
});

function refusal(fn: () => void): CorralError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CorralError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('IPv4 CIDR containment', () => {
  it('a CIDR spans network to broadcast, whatever host bits it was written with', () => {
    expect(cidrInterval('10.213.0.0/24')).toEqual(cidrInterval('10.213.0.77/24'));
    const { first, last } = cidrInterval('10.213.0.77/24');
    expect([intToIpv4(first), intToIpv4(last)]).toEqual(['10.213.0.0', '10.213.0.255']);
    expect(normalizeCidr('10.213.0.77/25')).toBe('10.213.0.0/25');
    expect(normalizeCidr('10.213.0.200/25')).toBe('10.213.0.128/25');
  });

  it('/32 holds exactly one address, /31 two, /0 all of them', () => {
    expect(addressAllowed('10.0.0.5', ['10.0.0.5/32'])).toBe(true);
    expect(addressAllowed('10.0.0.4', ['10.0.0.5/32'])).toBe(false);
    expect(addressAllowed('10.0.0.6', ['10.0.0.5/32'])).toBe(false);
    expect(rangeCovered('10.0.0.4', '10.0.0.5', ['10.0.0.5/31'])).toBe(true);
    expect(rangeCovered('10.0.0.5', '10.0.0.6', ['10.0.0.5/31'])).toBe(false);
    expect(rangeCovered('0.0.0.0', '255.255.255.255', ['1.2.3.4/0'])).toBe(true);
  });

  it('the top of the address space does not wrap around', () => {
    expect(addressAllowed('255.255.255.255', ['255.255.255.0/24'])).toBe(true);
    expect(addressAllowed('0.0.0.0', ['255.255.255.0/24'])).toBe(false);
    expect(rangeCovered('255.255.255.254', '255.255.255.255', ['255.255.255.254/31'])).toBe(true);
    expect(addressAllowed('128.0.0.0', ['0.0.0.0/1'])).toBe(false);
    expect(addressAllowed('127.255.255.255', ['0.0.0.0/1'])).toBe(true);
  });

  it('a range must lie wholly inside: one address past either edge refuses it', () => {
    const ranges = ['10.213.0.128/26']; // .128 - .191
    expect(rangeCovered('10.213.0.128', '10.213.0.191', ranges)).toBe(true);
    expect(rangeCovered('10.213.0.127', '10.213.0.150', ranges)).toBe(false);
    expect(rangeCovered('10.213.0.150', '10.213.0.192', ranges)).toBe(false);
    expect(rangeCovered('10.213.1.150', '10.213.1.160', ranges)).toBe(false);
  });

  it('adjacent or overlapping ranges cover together; a gap between them does not', () => {
    expect(rangeCovered('10.0.0.100', '10.0.0.150', ['10.0.0.128/25', '10.0.0.0/25'])).toBe(true);
    expect(rangeCovered('10.0.0.1', '10.0.0.200', ['10.0.0.0/24', '10.0.0.128/25'])).toBe(true);
    expect(rangeCovered('10.0.0.100', '10.0.1.10', ['10.0.0.0/24', '10.0.1.128/25'])).toBe(false);
  });

  it('an empty list, or a reversed range, covers nothing', () => {
    expect(rangeCovered('10.0.0.1', '10.0.0.1', [])).toBe(false);
    expect(rangeCovered('10.0.0.9', '10.0.0.1', ['0.0.0.0/0'])).toBe(false);
  });

  it('agrees with a plain address-by-address check (property)', () => {
    // Small ranges inside one /22 so the reference can walk every address.
    const octet = fc.integer({ min: 0, max: 1023 });
    const base = 0x0a000000;
    const cidr = fc
      .tuple(octet, fc.integer({ min: 22, max: 32 }))
      .map(([n, len]) => `${intToIpv4(base + n)}/${len}`);
    fc.assert(
      fc.property(fc.array(cidr, { maxLength: 4 }), octet, octet, (ranges, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const inside = (n: number) =>
          ranges.some((r) => {
            const { first, last } = cidrInterval(r);
            return n >= first && n <= last;
          });
        let expected = true;
        for (let n = base + lo; n <= base + hi; n++) if (!inside(n)) expected = false;
        expect(rangeCovered(intToIpv4(base + lo), intToIpv4(base + hi), ranges)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the network policy', () => {
  const policy: NetworkPolicy = {
    bridges: ['br0'],
    networks: ['lab-net'],
    addressRanges: ['10.213.0.128/25'],
  };

  it('the empty policy refuses every NIC (the secure default)', () => {
    const err = refusal(() =>
      requireNicsAllowed(EMPTY_NETWORK_POLICY, [bridgeNic('br0', '10.213.0.150', '10.213.0.151')]),
    );
    expect(err.code).toBe('forbidden');
    expect(err.message).toMatch(/bridge br0 is not allowed.*allows none/);
  });

  it('allows a NIC on a named bridge or network with addresses inside the ranges', () => {
    expect(() =>
      requireNicsAllowed(policy, [
        bridgeNic('br0', '10.213.0.150', '10.213.0.159'),
        networkNic('lab-net', '10.213.0.200', '10.213.0.210'),
      ]),
    ).not.toThrow();
  });

  it('refuses another bridge, a bridge named as a network, and a range outside', () => {
    expect(
      refusal(() =>
        requireNicsAllowed(policy, [bridgeNic('virbr0', '10.213.0.150', '10.213.0.151')]),
      ).message,
    ).toMatch(/interface 1: bridge virbr0 is not allowed/);
    expect(
      refusal(() => requireNicsAllowed(policy, [networkNic('br0', '10.213.0.150', '10.213.0.151')]))
        .message,
    ).toMatch(/libvirt network br0 is not allowed/);
    const outside = refusal(() =>
      requireNicsAllowed(policy, [
        bridgeNic('br0', '10.213.0.150', '10.213.0.151'),
        bridgeNic('br0', '10.213.0.100', '10.213.0.130'),
      ]),
    );
    expect(outside.code).toBe('forbidden');
    expect(outside.message).toMatch(
      /interface 2: addresses 10\.213\.0\.100-10\.213\.0\.130 are outside .*10\.213\.0\.128\/25/,
    );
  });

  it('is stored tidy: duplicates dropped, names sorted, CIDRs normalised', () => {
    expect(
      normalizePolicy({
        bridges: ['br1', 'br0', 'br1'],
        networks: [],
        addressRanges: ['10.213.0.150/25', '10.213.0.128/25'],
      }),
    ).toEqual({ bridges: ['br0', 'br1'], networks: [], addressRanges: ['10.213.0.128/25'] });
  });

  it('the contract refuses names a bridge cannot have and malformed CIDRs', () => {
    const bad = (p: unknown) => NetworkPolicy.safeParse(p).success;
    expect(bad({ bridges: ['br0; rm'], networks: [], addressRanges: [] })).toBe(false);
    expect(bad({ bridges: [], networks: [], addressRanges: ['10.0.0.0/33'] })).toBe(false);
    expect(bad({ bridges: [], networks: [], addressRanges: ['10.0.0.256/24'] })).toBe(false);
    expect(bad({ bridges: [], networks: [], addressRanges: ['10.0.0.0/24'] })).toBe(true);
  });
});
