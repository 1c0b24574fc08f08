import { XMLValidator } from 'fast-xml-parser';
import type { VmState } from '../../api/inventory-api';
import { el, renderXml } from '../xml/xml-element';
import { asNode, attr, createXmlParser, text, type XmlNode } from '../xml/xml-reader';

/**
 * A snapshot that belongs to a cluster checkpoint says so on its last description line. libvirt's
 * snapshot XML has no metadata element of its own, and a person's description cannot hold a line
 * break (the contract refuses control characters), so this line cannot be forged by one.
 */
const CHECKPOINT_LINE = /(?:^|\n)corral-checkpoint:([A-Za-z0-9][A-Za-z0-9._-]*)$/;

/** A writable disk of the domain and whether an internal snapshot can hold it. */
export interface SnapshotDisk {
  target: string;
  /** qcow2 and writable: QEMU keeps internal snapshots only in qcow2. */
  internal: boolean;
}

export interface SnapshotSpec {
  name: string;
  description?: string;
  /** With the running memory (the domain must be running or paused). */
  withMemory: boolean;
  disks: readonly SnapshotDisk[];
  /** The cluster whose checkpoint this snapshot is part of. */
  checkpointOf?: string;
}

/**
 * `<domainsnapshot>` for an internal snapshot: memory inside the qcow2 when asked for, each qcow2
 * disk internal, every other disk (the read-only raw seed) left out so libvirt does not refuse.
 */
export function snapshotXml(spec: SnapshotSpec): string {
  const description = [
    spec.description,
    spec.checkpointOf !== undefined ? `corral-checkpoint:${spec.checkpointOf}` : undefined,
  ]
    .filter((line) => line !== undefined && line !== '')
    .join('\n');
  return renderXml(
    el(
      'domainsnapshot',
      {},
      el('name', {}, spec.name),
      description !== '' && el('description', {}, description),
      el('memory', { snapshot: spec.withMemory ? 'internal' : 'no' }),
      spec.disks.length > 0 &&
        el(
          'disks',
          {},
          ...spec.disks.map((d) =>
            el('disk', { name: d.target, snapshot: d.internal ? 'internal' : 'no' }),
          ),
        ),
    ),
  );
}

/** What one snapshot's XML says (`domainSnapshotGetXmlDesc`). */
export interface SnapshotFacts {
  name: string;
  /** The person's description, without Corral's checkpoint line. */
  description?: string;
  /** The checkpoint's cluster, when this snapshot is part of one. */
  checkpointOf?: string;
  createdAt: string;
  state: VmState;
  withMemory: boolean;
  parent?: string;
  /** vCPUs the snapshot's domain ran with, and its maximum. */
  vcpus?: number;
  maxVcpus?: number;
  /** vCPUs that were brought in by a live hot-plug when the snapshot was taken. */
  hotpluggedVcpus: number;
}

const parser = createXmlParser((name, jpath) => jpath === 'domainsnapshot.domain.vcpus.vcpu');

const STATES: Record<string, VmState> = {
  running: 'running',
  blocked: 'blocked',
  paused: 'paused',
  shutdown: 'shutting-down',
  shutoff: 'shut-off',
  crashed: 'crashed',
  pmsuspended: 'suspended',
  'disk-snapshot': 'shut-off',
  nostate: 'no-state',
};

/** Parses libvirt's snapshot XML; throws on XML that is not a snapshot. */
export function parseSnapshotXml(xml: string): SnapshotFacts {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`snapshot XML is malformed: ${valid.err.msg}`);
  const snap = asNode((parser.parse(xml) as XmlNode).domainsnapshot);
  const name = text(snap?.name);
  if (!snap || !name) throw new Error('not a libvirt snapshot: no <domainsnapshot><name>');
  const rawDescription = text(snap.description) ?? '';
  const mark = CHECKPOINT_LINE.exec(rawDescription);
  const description = mark ? rawDescription.slice(0, mark.index) : rawDescription;
  const seconds = Number(text(snap.creationTime));
  const domain = asNode(snap.domain);
  const vcpu = asNode(domain?.vcpu);
  const maxVcpus = int(text(vcpu));
  const vcpus = int(attr(vcpu, 'current')) ?? maxVcpus;
  const perVcpu = (asNode(domain?.vcpus)?.vcpu as XmlNode[] | undefined) ?? [];
  const memory = attr(asNode(snap.memory), 'snapshot');
  return {
    name,
    ...(description !== '' ? { description } : {}),
    ...(mark ? { checkpointOf: mark[1] } : {}),
    createdAt: new Date(Number.isFinite(seconds) ? seconds * 1000 : 0).toISOString(),
    state: STATES[text(snap.state) ?? ''] ?? 'no-state',
    // A snapshot of a running domain without an explicit <memory> is a full one.
    withMemory: memory === 'internal' || (memory === undefined && text(snap.state) === 'running'),
    ...(text(asNode(snap.parent)?.name) ? { parent: text(asNode(snap.parent)?.name) } : {}),
    ...(vcpus !== undefined ? { vcpus } : {}),
    ...(maxVcpus !== undefined ? { maxVcpus } : {}),
    hotpluggedVcpus: perVcpu.filter(
      (v) => attr(v, 'enabled') === 'yes' && attr(v, 'hotpluggable') === 'yes',
    ).length,
  };
}

/** A domain's vCPU count and maximum from its XML (live or as defined). */
export function domainVcpus(xml: string): { vcpus: number; maxVcpus: number } {
  const doc = createXmlParser().parse(xml) as XmlNode;
  const vcpu = asNode(asNode(doc.domain)?.vcpu);
  const maxVcpus = int(text(vcpu)) ?? 1;
  return { vcpus: int(attr(vcpu, 'current')) ?? maxVcpus, maxVcpus };
}

/** The domain's disks and whether each can be held by an internal snapshot. */
export function snapshotDisks(domainXml: string): SnapshotDisk[] {
  const doc = createXmlParser((name) => name === 'disk').parse(domainXml) as XmlNode;
  const disks = (asNode(asNode(doc.domain)?.devices)?.disk as XmlNode[] | undefined) ?? [];
  return disks.flatMap((d) => {
    const target = attr(asNode(d.target), 'dev');
    if (!target) return [];
    const qcow2 = attr(asNode(d.driver), 'type') === 'qcow2';
    const writable = d.readonly === undefined && attr(d, 'device') !== 'cdrom';
    return [{ target, internal: qcow2 && writable }];
  });
}

function int(s: string | undefined): number | undefined {
  return s !== undefined && /^\d+$/.test(s.trim()) ? Number(s) : undefined;
}
