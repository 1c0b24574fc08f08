import { XMLValidator } from 'fast-xml-parser';
import {
  asNode,
  attr,
  createXmlParser,
  text,
  UNIT_BYTES,
  type XmlNode as Node,
} from '../xml/xml-reader';
import type { VmDisk, VmMembership, VmNic } from '../../api/inventory-api';
import { findCorralNodeElement } from '../metadata/corral-node-element';

/** What a domain's XML tells the inventory (the live figures come from bulk stats). */
export interface DomainXmlFacts {
  name: string;
  uuid: string;
  /** vCPUs the domain runs with (`<vcpu current=…>` when set, else the maximum). */
  vcpus: number;
  /** The `<vcpu>` count: the most vCPUs the domain may run with. */
  maxVcpus: number;
  /** `<memory>`: the most the domain may have. */
  maxMemoryKiB: number;
  /** `<currentMemory>` (the balloon target), or `<memory>` when absent. */
  memoryKiB: number;
  disks: VmDisk[];
  /** NICs without addresses (those come from the guest agent or leases). */
  nics: Array<Omit<VmNic, 'addresses'>>;
  /** Corral's cluster membership, from `<metadata>` under Corral's namespace. */
  membership?: VmMembership;
  /**
   * The addresses Corral seeded into a cluster node, by NIC MAC (its `<corral:nic>` elements):
   * shown while neither a guest agent nor DHCP leases report the guest's own.
   */
  seededAddresses?: Record<string, string[]>;
  /** What the definition holds for the next boot, when it differs (read separately). */
  pending?: { memoryKiB?: number; vcpus?: number; maxMemoryKiB?: number; maxVcpus?: number };
}

// Elements that may repeat are always arrays, so one shape handles one or many.
const REPEATED = new Set(['disk', 'interface', 'vcpu', 'memory', 'currentMemory']);

const parser = createXmlParser(
  (name, jpath) =>
    REPEATED.has(name) && (jpath === `domain.devices.${name}` || jpath === `domain.${name}`),
);

/** Parses libvirt domain XML (`domainGetXmlDesc`); throws on XML that is not a domain. */
export function parseDomainXml(xml: string): DomainXmlFacts {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`domain XML is malformed: ${valid.err.msg}`);
  const doc = parser.parse(xml) as Node;
  const domain = asNode(doc.domain);
  if (!domain) throw new Error('not a libvirt domain: no <domain> root element');
  const name = text(domain.name);
  const uuid = text(domain.uuid);
  if (!name || !uuid) throw new Error('domain XML lacks <name> or <uuid>');

  const vcpu = first(domain.vcpu);
  const maxVcpus = int(text(vcpu)) ?? 1;
  const vcpus = int(attr(asNode(vcpu), 'current')) ?? maxVcpus;
  const maxMemoryKiB = memoryKiB(first(domain.memory)) ?? 0;
  const memory = memoryKiB(first(domain.currentMemory)) ?? maxMemoryKiB;
  const devices = asNode(domain.devices) ?? {};

  return {
    name,
    uuid,
    vcpus,
    maxVcpus,
    maxMemoryKiB,
    memoryKiB: memory,
    disks: list(devices.disk).map(parseDisk),
    nics: list(devices.interface)
      .map(parseNic)
      .filter((n) => n !== undefined),
    ...corralNodeFacts(domain.metadata),
  };
}

function parseDisk(disk: Node): VmDisk {
  const source = asNode(disk.source);
  const target = asNode(disk.target);
  const driver = asNode(disk.driver);
  // A disk's source is a file, a block device, a volume of a pool, or a network name.
  const pool = attr(source, 'pool');
  const volume = attr(source, 'volume');
  const src =
    attr(source, 'file') ??
    attr(source, 'dev') ??
    (pool && volume ? `${pool}/${volume}` : undefined) ??
    attr(source, 'name') ??
    attr(source, 'dir');
  return omitUndefined({
    target: attr(target, 'dev') ?? '?',
    source: src,
    format: attr(driver, 'type'),
    device: attr(disk, 'device'),
  });
}

function parseNic(nic: Node): Omit<VmNic, 'addresses'> | undefined {
  const mac = attr(asNode(nic.mac), 'address');
  if (!mac) return undefined; // libvirt always assigns one; anything else is not a NIC we show.
  const source = asNode(nic.source);
  return omitUndefined({
    mac: mac.toLowerCase(),
    // A running network NIC also names its bridge; the network is what people chose.
    source: attr(source, 'network') ?? attr(source, 'bridge') ?? attr(source, 'dev'),
    model: attr(asNode(nic.model), 'type'),
  });
}

/** Membership and seeded addresses from Corral's node element; nothing for other domains. */
function corralNodeFacts(
  metadata: unknown,
): Pick<DomainXmlFacts, 'membership' | 'seededAddresses'> {
  const element = findCorralNodeElement(metadata);
  if (!element) return {};
  const { node, children } = element;
  const cluster = attr(node, 'cluster');
  const owner = attr(node, 'owner');
  const index = int(attr(node, 'index'));
  if (!cluster || owner === undefined || index === undefined || index < 0) return {};
  const membership = omitUndefined({ cluster, owner, index, operation: attr(node, 'operation') });
  const seeded: Record<string, string[]> = {};
  for (const nic of children('nic')) {
    const mac = attr(nic, 'mac')?.toLowerCase();
    const address = attr(nic, 'address');
    if (mac && address) seeded[mac] = [...(seeded[mac] ?? []), address];
  }
  return Object.keys(seeded).length > 0 ? { membership, seededAddresses: seeded } : { membership };
}

function memoryKiB(node: unknown): number | undefined {
  const value = Number(text(node));
  if (!Number.isFinite(value) || text(node) === undefined) return undefined;
  const unit = (attr(asNode(node), 'unit') ?? 'KiB').toLowerCase();
  const factor = UNIT_BYTES[unit];
  if (factor === undefined) throw new Error(`unknown memory unit ${JSON.stringify(unit)}`);
  return Math.round((value * factor) / 1024);
}

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

function list(v: unknown): Node[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).map((x) => asNode(x) ?? {});
}

function int(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d+$/.test(s.trim())) return undefined;
  return Number(s);
}

function omitUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * What a running domain's definition (its inactive XML) holds that the running domain does not:
 * the sizes its next boot will have. Undefined when they agree. A running domain's memory
 * follows its balloon, which takes a while to get where it was sent: memory counts as pending
 * only when the running domain cannot get there (past its ceiling, or a new ceiling).
 */
export function pendingSizes(
  live: DomainXmlFacts,
  next: DomainXmlFacts,
): { memoryKiB?: number; vcpus?: number; maxMemoryKiB?: number; maxVcpus?: number } | undefined {
  const memoryWaits = next.maxMemoryKiB !== live.maxMemoryKiB || next.memoryKiB > live.maxMemoryKiB;
  const pending = omitUndefined({
    memoryKiB: memoryWaits ? next.memoryKiB : undefined,
    vcpus: next.vcpus !== live.vcpus ? next.vcpus : undefined,
    maxMemoryKiB: next.maxMemoryKiB !== live.maxMemoryKiB ? next.maxMemoryKiB : undefined,
    maxVcpus: next.maxVcpus !== live.maxVcpus ? next.maxVcpus : undefined,
  });
  return Object.keys(pending).length > 0 ? pending : undefined;
}
