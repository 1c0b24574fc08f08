import type { NicSpec } from '../../api/clusters-api';
import {
  CORRAL_METADATA_PREFIX,
  corralMetadataElement,
  type CorralNodeMetadata,
} from '../metadata/corral-metadata';
import { el, renderXml, type XmlElement } from '../xml/xml-element';

/** How the node's disk boots (mirrors api/images-api ImageBoot, plus the kernel command line). */
export type NodeBoot =
  { kind: 'disk' } | { kind: 'kernel'; kernelPath: string; initrdPath: string; cmdline: string };

/** Everything a node's libvirt domain is made of. */
export interface NodeBlueprint {
  name: string;
  /** Fixed by Corral (journaled), so a resumed creation defines the very same domain. */
  uuid?: string;
  vcpus: number;
  memoryMiB: number;
  /** The most memory the node may balloon up to while it runs (absent: `memoryMiB`). */
  maxMemoryMiB?: number;
  /** The most vCPUs the node may hot-plug while it runs (absent: `vcpus`). */
  maxVcpus?: number;
  /** The node's qcow2 overlay (linked clone). */
  overlayPath: string;
  /** The NoCloud seed, attached read-only. */
  seedPath: string;
  boot: NodeBoot;
  /** One per NIC spec, in order, with the node's MAC and address (CIDR form) on it. */
  nics: Array<{ source: NicSpec['source']; mac: string; address: string }>;
  metadata: CorralNodeMetadata;
  /** The node's SSH host key line (so anyone reading the host can verify the node). */
  hostKey: string;
  /** The cluster's public key line (nodes trust each other with it). */
  clusterKey: string;
  /** The cluster's spec as JSON (size, NICs, image), so nodes can be added from host truth. */
  spec: string;
  /** QEMU's TCG translation cache in MiB (measured: uncapped it eats ~1.2 GiB per guest). */
  tcgCacheMiB?: number;
}

const P = CORRAL_METADATA_PREFIX;

/** What the node's metadata element is made of. */
export type NodeMetadataParts = Pick<
  NodeBlueprint,
  'metadata' | 'hostKey' | 'clusterKey' | 'spec'
> & {
  nics: ReadonlyArray<{ mac: string; address: string }>;
};

/**
 * The node's `<metadata>` element: Corral's membership attributes, plus the node's addresses and
 * public keys as children, so add-nodes and address allocation read them back from the hosts.
 * `bare`: without prefix and namespace, as virDomainSetMetadata takes it (a resize records the
 * cluster's new sizes in `spec`).
 */
export function nodeMetadataElement(bp: NodeMetadataParts, bare = false): XmlElement {
  const base = corralMetadataElement(bp.metadata, bare);
  const n = (local: string) => (bare ? local : `${P}:${local}`);
  return {
    ...base,
    children: [
      ...bp.nics.map((nic, i) => el(n('nic'), { index: i, mac: nic.mac, address: nic.address })),
      el(n('host-key'), {}, bp.hostKey),
      el(n('cluster-key'), {}, bp.clusterKey),
      el(n('spec'), {}, bp.spec),
    ],
  };
}

/** The virtio-serial port name the QEMU guest agent listens on inside the guest. */
export const GUEST_AGENT_CHANNEL = 'org.qemu.guest_agent.0';

/**
 * The node's domain XML: TCG (KVM hangs guests on the machines we target), capped translation
 * cache, virtio overlay + read-only seed, one virtio NIC per spec, a pty serial console, direct
 * kernel boot when the image needs it, and Corral's metadata. Memory and vCPUs are defined with
 * their ceilings (`<memory>` and the `<vcpu>` count) above the sizes the node starts with
 * (`<currentMemory>`, `current`), with a virtio balloon, so a resize can grow the node live; the
 * guest agent's channel lets Corral bring hot-plugged vCPUs online inside the guest.
 */
export function nodeDomainXml(bp: NodeBlueprint): string {
  const boot = bp.boot;
  const memory = Math.trunc(bp.memoryMiB);
  const vcpus = Math.trunc(bp.vcpus);
  const maxMemory = Math.max(memory, Math.trunc(bp.maxMemoryMiB ?? memory));
  const maxVcpus = Math.max(vcpus, Math.trunc(bp.maxVcpus ?? vcpus));
  const domain = el(
    'domain',
    { type: 'qemu' },
    el('name', {}, bp.name),
    bp.uuid !== undefined && el('uuid', {}, bp.uuid),
    el('metadata', {}, nodeMetadataElement(bp)),
    el('memory', { unit: 'MiB' }, maxMemory),
    el('currentMemory', { unit: 'MiB' }, memory),
    el('vcpu', { placement: 'static', current: vcpus }, maxVcpus),
    el(
      'os',
      {},
      el('type', { arch: 'x86_64', machine: 'pc' }, 'hvm'),
      boot.kind === 'kernel' && el('kernel', {}, boot.kernelPath),
      boot.kind === 'kernel' && el('initrd', {}, boot.initrdPath),
      boot.kind === 'kernel' && el('cmdline', {}, boot.cmdline),
      boot.kind === 'disk' && el('boot', { dev: 'hd' }),
    ),
    el(
      'features',
      {},
      el('acpi'),
      el('tcg', {}, el('tb-cache', { unit: 'MiB' }, Math.trunc(bp.tcgCacheMiB ?? 64))),
    ),
    el('clock', { offset: 'utc' }),
    el('on_poweroff', {}, 'destroy'),
    el('on_reboot', {}, 'restart'),
    el('on_crash', {}, 'destroy'),
    el(
      'devices',
      {},
      el(
        'disk',
        { type: 'file', device: 'disk' },
        el('driver', { name: 'qemu', type: 'qcow2' }),
        el('source', { file: bp.overlayPath }),
        el('target', { dev: 'vda', bus: 'virtio' }),
      ),
      el(
        'disk',
        { type: 'file', device: 'disk' },
        el('driver', { name: 'qemu', type: 'raw' }),
        el('source', { file: bp.seedPath }),
        el('target', { dev: 'vdb', bus: 'virtio' }),
        el('readonly'),
      ),
      ...bp.nics.map((nic) =>
        el(
          'interface',
          { type: nic.source.kind },
          el('mac', { address: nic.mac }),
          nic.source.kind === 'bridge'
            ? el('source', { bridge: nic.source.bridge })
            : el('source', { network: nic.source.network }),
          el('model', { type: 'virtio' }),
        ),
      ),
      el('serial', { type: 'pty' }, el('target', { port: 0 })),
      el('console', { type: 'pty' }, el('target', { type: 'serial', port: 0 })),
      el('channel', { type: 'unix' }, el('target', { type: 'virtio', name: GUEST_AGENT_CHANNEL })),
      el('memballoon', { model: 'virtio' }),
    ),
  );
  return `${renderXml(domain)}\n`;
}

/**
 * A qcow2 volume backed by the base image: the linked clone, grown to `capacityBytes` (qcow2
 * overlays may be larger than their backing file; the guest grows its filesystem into it).
 */
export function overlayVolumeXml(
  name: string,
  capacityBytes: number,
  backing: { path: string; format: string },
): string {
  return `${renderXml(
    el(
      'volume',
      { type: 'file' },
      el('name', {}, name),
      el('capacity', { unit: 'bytes' }, Math.trunc(capacityBytes)),
      // qcow2 v3 (compat 1.1), as qemu-img makes by default: libvirt's default (0.10) allocates
      // real clusters for the zeroes a booting guest writes (bench/cluster: 24 vs 1.3 MiB a node).
      el('target', {}, el('format', { type: 'qcow2' }), el('compat', {}, '1.1')),
      el('backingStore', {}, el('path', {}, backing.path), el('format', { type: backing.format })),
    ),
  )}\n`;
}

/** A raw volume of exactly `sizeBytes` for the seed ISO, uploaded right after. */
export function rawVolumeXml(name: string, sizeBytes: number): string {
  return `${renderXml(
    el(
      'volume',
      { type: 'file' },
      el('name', {}, name),
      el('capacity', { unit: 'bytes' }, Math.trunc(sizeBytes)),
      el('allocation', { unit: 'bytes' }, Math.trunc(sizeBytes)),
      el('target', {}, el('format', { type: 'raw' })),
    ),
  )}\n`;
}
