import { describe, expect, it } from 'vitest';
import {
  errorKey,
  initialClusterFields,
  sshKeyLines,
  toClusterSpec,
  type ClusterFields,
} from '../../../renderer/views/clusters/cluster-form';
import { placementChoice, toNumber } from '../../../renderer/views/clusters/placement-fields';

const valid: ClusterFields = {
  ...initialClusterFields,
  name: 'mpi-lab',
  nodes: '4',
  vcpus: '1',
  memoryMiB: '384',
  diskGiB: '2',
  image: 'corral-lab-base.qcow2',
  nics: [
    {
      kind: 'bridge',
      source: 'corral-br0',
      cidr: '10.213.0.0/24',
      first: '10.213.0.150',
      last: '10.213.0.199',
      gateway: '',
    },
  ],
  sshKeys: '',
};

describe('toClusterSpec', () => {
  it('turns valid inputs into the contract ClusterSpec', () => {
    const r = toClusterSpec(valid);
    expect(r).toEqual({
      ok: true,
      spec: {
        name: 'mpi-lab',
        nodes: 4,
        vcpus: 1,
        memoryMiB: 384,
        diskGiB: 2,
        image: 'corral-lab-base.qcow2',
        nics: [
          {
            source: { kind: 'bridge', bridge: 'corral-br0' },
            addresses: { cidr: '10.213.0.0/24', first: '10.213.0.150', last: '10.213.0.199' },
          },
        ],
        placement: { kind: 'round-robin' },
        sshAuthorizedKeys: [],
        console: { kind: 'autologin' },
      },
    });
  });

  it('sends a console password typed twice alike, and keys a mismatch or a short one to its input', () => {
    const pw = (password: string, repeat: string): ClusterFields => ({
      ...valid,
      console: { kind: 'password', password, repeat },
    });
    const ok = toClusterSpec(pw('correct horse 42', 'correct horse 42'));
    expect(ok.ok && ok.spec.console).toEqual({ kind: 'password', password: 'correct horse 42' });
    expect(toClusterSpec(pw('correct horse 42', 'correct horse 24'))).toEqual({
      ok: false,
      errors: { 'console.repeat': 'the two passwords differ' },
    });
    expect(toClusterSpec(pw('short', 'short'))).toEqual({
      ok: false,
      errors: { 'console.password': 'at least 8 characters' },
    });
    expect(toClusterSpec(pw('', ''))).toEqual({
      ok: false,
      errors: { 'console.password': 'enter a console password of at least 8 characters' },
    });
    // Switching back to automatic sign-in ignores what was typed.
    const back = toClusterSpec({
      ...valid,
      console: { kind: 'autologin', password: 'x', repeat: 'y' },
    });
    expect(back.ok && back.spec.console).toEqual({ kind: 'autologin' });
  });

  it('sends a network source, a gateway, threshold figures and one key per line', () => {
    const r = toClusterSpec({
      ...valid,
      nics: [{ ...valid.nics[0]!, kind: 'network', source: 'default', gateway: '10.213.0.1' }],
      placement: { kind: 'threshold', maxCpuPercent: '75', maxMemoryPercent: '62.5' },
      sshKeys: 'ssh-ed25519 AAAA a@b\n\n  ssh-rsa BBBB c@d  \n',
    });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.spec.nics[0]).toEqual({
      source: { kind: 'network', network: 'default' },
      addresses: {
        cidr: '10.213.0.0/24',
        first: '10.213.0.150',
        last: '10.213.0.199',
        gateway: '10.213.0.1',
      },
    });
    expect(r.spec.placement).toEqual({
      kind: 'threshold',
      maxCpuPercent: 75,
      maxMemoryPercent: 62.5,
    });
    expect(r.spec.sshAuthorizedKeys).toEqual(['ssh-ed25519 AAAA a@b', 'ssh-rsa BBBB c@d']);
  });

  it('keys each problem to its input', () => {
    const r = toClusterSpec({
      ...valid,
      name: 'bad<name',
      nodes: '',
      vcpus: '1.5',
      memoryMiB: '64',
      image: '',
      nics: [
        valid.nics[0]!,
        {
          kind: 'bridge',
          source: 'br/0',
          cidr: '10.0.0.0',
          first: 'x',
          last: '10.0.0.9',
          gateway: '',
        },
      ],
      placement: { kind: 'threshold', maxCpuPercent: 'lots', maxMemoryPercent: '120' },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(
      [
        'image',
        'memoryMiB',
        'name',
        'nics.1.cidr',
        'nics.1.first',
        'nics.1.source',
        'nodes',
        'placement.maxCpuPercent',
        'placement.maxMemoryPercent',
        'vcpus',
      ].sort(),
    );
    expect(r.errors.nodes).toBe('enter a whole number');
    expect(r.errors.vcpus).toBe('enter a whole number');
    expect(r.errors.image).toBe('choose a base image');
    expect(r.errors.name).toMatch(/lower-case letters/);
    expect(r.errors['placement.maxCpuPercent']).toBe('enter a number from 0 to 100');
    expect(r.errors['nics.1.source']).toMatch(/letters, digits/);
  });

  it('says "required" for an empty input, and which name a NIC lacks', () => {
    const r = toClusterSpec({
      ...valid,
      name: ' ',
      nics: [{ ...valid.nics[0]!, kind: 'network', source: '', cidr: '' }],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual({
      name: 'required',
      'nics.0.source': 'enter the network name',
      'nics.0.cidr': 'required',
    });
  });

  it('refuses a cluster with no interface', () => {
    const r = toClusterSpec({ ...valid, nics: [] });
    expect(r).toEqual({ ok: false, errors: { nics: expect.any(String) } });
  });
});

describe('helpers', () => {
  it('errorKey maps schema paths to inputs', () => {
    expect(errorKey(['name'])).toBe('name');
    expect(errorKey(['nics', 2, 'addresses', 'last'])).toBe('nics.2.last');
    expect(errorKey(['nics', 0, 'source', 'bridge'])).toBe('nics.0.source');
    expect(errorKey(['placement', 'maxMemoryPercent'])).toBe('placement.maxMemoryPercent');
    expect(errorKey(['sshAuthorizedKeys', 3])).toBe('sshKeys');
    expect(errorKey([])).toBe('form');
  });

  it('toNumber never turns text into 0', () => {
    expect(toNumber('')).toBeNaN();
    expect(toNumber(' 12 ')).toBe(12);
    expect(toNumber('1e3')).toBeNaN();
    expect(toNumber('0x10')).toBeNaN();
    expect(toNumber('2.5')).toBe(2.5);
  });

  it('placementChoice keeps threshold figures only for threshold', () => {
    const f = { maxCpuPercent: '50', maxMemoryPercent: '60' };
    expect(placementChoice({ kind: 'first-fit', ...f })).toEqual({ kind: 'first-fit' });
    expect(placementChoice({ kind: 'threshold', ...f })).toEqual({
      kind: 'threshold',
      maxCpuPercent: 50,
      maxMemoryPercent: 60,
    });
  });

  it('sshKeyLines drops blank lines and CRs', () => {
    expect(sshKeyLines('a\r\n\r\n b \n')).toEqual(['a', 'b']);
  });
});
