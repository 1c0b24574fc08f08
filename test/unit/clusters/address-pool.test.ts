import { describe, expect, it } from 'vitest';
import { CorralError } from '../../../api/errors';
import {
  allocateAddresses,
  intToIpv4,
  ipv4ToInt,
  poolRange,
} from '../../../core/clusters/address-pool';

const pool = { cidr: '10.213.0.0/24', first: '10.213.0.100', last: '10.213.0.105' };

describe('address pools', () => {
  it('converts addresses both ways', () => {
    for (const ip of ['0.0.0.0', '10.213.0.1', '255.255.255.255', '192.168.1.200']) {
      expect(intToIpv4(ipv4ToInt(ip))).toBe(ip);
    }
  });

  it('hands out addresses in order, skipping used ones and the gateway', () => {
    const used = new Set(['10.213.0.101', '10.213.0.103']);
    expect(allocateAddresses({ ...pool, gateway: '10.213.0.100' }, used, 3)).toEqual([
      '10.213.0.102',
      '10.213.0.104',
      '10.213.0.105',
    ]);
  });

  it('refuses, saying how many are free, when the pool is too small', () => {
    const used = new Set(['10.213.0.100']);
    expect(() => allocateAddresses(pool, used, 6)).toThrow(/has 5 free addresses; 6 are needed/);
    try {
      allocateAddresses(pool, used, 6);
    } catch (err) {
      expect(err).toBeInstanceOf(CorralError);
      expect((err as CorralError).code).toBe('conflict');
    }
  });

  it('never hands out the network or broadcast address', () => {
    const all = allocateAddresses(
      { cidr: '10.0.0.0/29', first: '10.0.0.0', last: '10.0.0.7' },
      new Set(),
      6,
    );
    expect(all).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
  });

  it('refuses pools outside their CIDR or backwards', () => {
    expect(() => poolRange({ ...pool, last: '10.213.1.5' })).toThrow(/not in 10.213.0.0\/24/);
    expect(() => poolRange({ ...pool, first: '10.213.0.200' })).toThrow(/after its last/);
    expect(() => poolRange({ ...pool, gateway: '10.9.9.9' })).toThrow(/gateway/);
  });
});
