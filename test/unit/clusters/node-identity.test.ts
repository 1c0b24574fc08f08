import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  nodeVolumeNames,
  operationTag,
  overlayVolumeName,
  seedVolumeName,
} from '../../../core/clusters/cluster-naming';
import { KnownOperations } from '../../../core/clusters/known-operations';
import { nodeDomainXml, type NodeBlueprint } from '../../../core/clusters/node-blueprint';
import { identityMismatch, ownVolumeNames } from '../../../core/clusters/node-identity';
import { parseNodeDetails, type NodeDetails } from '../../../core/clusters/node-metadata';

const OP = 'op-3f2a9c1e-0b4d-4e6f-8a1b-2c3d4e5f6a7b';

const bp: NodeBlueprint = {
  name: 'web-0',
  uuid: '0b6c2f7e-52b1-4a57-9d43-5b8f2f0c4d11',
  vcpus: 1,
  memoryMiB: 256,
  overlayPath: '/var/lib/libvirt/images/web-0-3f2a9c1e.qcow2',
  seedPath: '/var/lib/libvirt/images/web-0-3f2a9c1e-seed.iso',
  boot: { kind: 'disk' },
  nics: [
    { source: { kind: 'bridge', bridge: 'br0' }, mac: '52:54:00:aa:bb:cc', address: '10.0.0.5/24' },
  ],
  metadata: { cluster: 'web', owner: 'u1', index: 0, operation: OP, clusterId: 'c-1' },
  hostKey: 'ssh-ed25519 AAAAhost web-0',
  clusterKey: 'ssh-ed25519 AAAAcluster web',
  spec: '{"name":"web"}',
};

describe('operation-tagged volume names', () => {
  it('tag volumes with the first 8 hex digits of the operation id', () => {
    expect(operationTag(OP)).toBe('3f2a9c1e');
    expect(nodeVolumeNames('web', 0, OP)).toEqual({
      overlay: 'web-0-3f2a9c1e.qcow2',
      seed: 'web-0-3f2a9c1e-seed.iso',
    });
  });

  it('never give two operations the same volume name for the same node name', () => {
    const a = nodeVolumeNames('web', 0, 'op-00000000-1111-4111-8111-111111111111');
    const b = nodeVolumeNames('web', 0, 'op-00000001-1111-4111-8111-111111111111');
    expect(a.overlay).not.toBe(b.overlay);
    expect(a.seed).not.toBe(b.seed);
    // …and a tagged name never equals the untagged name of a node made before tags.
    expect(a.overlay).not.toBe(overlayVolumeName('web', 0));
    expect(a.seed).not.toBe(seedVolumeName('web', 0));
  });

  it('refuses an operation id too short to tag', () => {
    expect(() => operationTag('op-12')).toThrow(/too short/);
  });
});

describe('node identity', () => {
  const details = parseNodeDetails(nodeDomainXml(bp))!;
  const want = { cluster: 'web', owner: 'u1', operation: OP, clusterId: 'c-1' };

  it('reads the cluster id back from the metadata', () => {
    expect(details.clusterId).toBe('c-1');
    expect(details.operation).toBe(OP);
  });

  it('accepts only a domain whose metadata names the expected cluster, owner, operation and cluster id', () => {
    expect(identityMismatch(details, want)).toBeUndefined();
    expect(identityMismatch(undefined, want)).toMatch(/no Corral metadata/);
    expect(identityMismatch(details, { ...want, cluster: 'db' })).toMatch(/cluster web/);
    expect(identityMismatch(details, { ...want, owner: 'u2' })).toMatch(/another owner/);
    expect(identityMismatch(details, { ...want, operation: 'op-other' })).toMatch(
      /another operation/,
    );
    expect(identityMismatch(details, { ...want, clusterId: 'c-2' })).toMatch(/another cluster/);
    // A delete does not ask which operation made the node, only which cluster it belongs to.
    expect(
      identityMismatch(details, { cluster: 'web', owner: 'u1', clusterId: 'c-1' }),
    ).toBeUndefined();
  });

  it('treats a node without a cluster id as not that cluster when an id is expected', () => {
    const legacy: NodeDetails = { ...details };
    delete legacy.clusterId;
    expect(identityMismatch(legacy, want)).toMatch(/another cluster/);
    expect(identityMismatch(legacy, { cluster: 'web', owner: 'u1' })).toBeUndefined();
  });

  it("counts as the node's own volumes only its tagged and legacy names, never a base image", () => {
    const own = ownVolumeNames(details);
    expect([...own].sort()).toEqual(
      ['web-0-3f2a9c1e-seed.iso', 'web-0-3f2a9c1e.qcow2', 'web-0-seed.iso', 'web-0.qcow2'].sort(),
    );
    expect(own.has('corral-lab-debian.qcow2')).toBe(false);
    expect(own.has('web-1-3f2a9c1e.qcow2')).toBe(false);
  });
});

describe('known operations', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('remembers operation ids across restarts and survives a damaged file', () => {
    dir = mkdtempSync(join(tmpdir(), 'corral-known-'));
    const file = join(dir, 'known-operations.json');
    const known = new KnownOperations(file);
    expect(known.has(OP)).toBe(false);
    known.add([
      { id: OP, cluster: 'web', source: 'adopted', by: 'u1', at: '2026-01-01T00:00:00Z' },
    ]);
    expect(new KnownOperations(file).has(OP)).toBe(true);
    writeFileSync(file, '{ torn');
    expect(new KnownOperations(file).has(OP)).toBe(false);
  });
});
