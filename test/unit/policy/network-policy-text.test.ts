import { describe, expect, it } from 'vitest';
import {
  policyFields,
  policySummary,
  splitList,
} from '../../../renderer/views/hosts/network-policy-text';

describe('the network policy form text', () => {
  it('splits what a person types on commas and spaces, dropping blanks', () => {
    expect(splitList(' br0, br1  br2,,')).toEqual(['br0', 'br1', 'br2']);
    expect(splitList('   ')).toEqual([]);
  });

  it('says in words when plain users may attach to nothing', () => {
    const none = { bridges: [], networks: [], addressRanges: [] };
    expect(policySummary(none)).toBe('Plain users may attach nodes to nothing yet.');
    // A bridge without any address range still allows nothing.
    expect(policySummary({ ...none, bridges: ['br0'] })).toBe(
      'Plain users may attach nodes to nothing yet.',
    );
  });

  it('lists what is allowed, as stored', () => {
    const p = { bridges: ['br0'], networks: [], addressRanges: ['10.213.0.128/25'] };
    expect(policySummary(p)).toBe(
      'Plain users may attach nodes to bridges: br0; libvirt networks: none; addresses in: 10.213.0.128/25.',
    );
    expect(policyFields(p)).toEqual({
      bridges: 'br0',
      networks: '',
      addressRanges: '10.213.0.128/25',
    });
  });
});
