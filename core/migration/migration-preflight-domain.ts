import { XMLValidator } from 'fast-xml-parser';
import { parseDomainXml } from '../inventory/domain-xml';
import { el, renderXml, type XmlElement } from '../xml/xml-element';
import { asNode, attr, createXmlParser, text, type XmlNode } from '../xml/xml-reader';

/** What the pre-flight needs of a VM's definition (read as the migration would send it). */
export interface PreflightDomain {
  name: string;
  uuid: string;
  vcpus: number;
  /** The balloon's size now: what a live copy needs on the target. */
  memoryKiB: number;
  /** The cluster the VM is a node of (Corral's metadata), if any. */
  cluster?: string;
  /** `qemu` (TCG, emulated) or `kvm`. */
  virtType: string;
  arch?: string;
  machine?: string;
  /** Direct kernel boot: the host paths of the kernel and initrd. */
  kernel?: string;
  initrd?: string;
  /** The `<cpu>` element: its mode, model, and the element itself to compare on the target. */
  cpu?: { mode: string; model?: string; xml: string };
  disks: Array<{ target: string; device: string; path?: string; readonly: boolean }>;
  /** `kind` is the interface type: bridge, network, or another the pre-flight does not check. */
  nics: Array<{ kind: string; source?: string }>;
}

// Repeated elements become arrays whatever their count.
const REPEATED = new Set(['disk', 'interface']);
const parser = createXmlParser(
  (name, jpath) => REPEATED.has(name) && jpath === `domain.devices.${name}`,
);

/** Parses domain XML for the pre-flight; throws on XML that is not a domain. */
export function parsePreflightDomain(xml: string): PreflightDomain {
  const base = parseDomainXml(xml);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`domain XML is malformed: ${valid.err.msg}`);
  const domain = asNode((parser.parse(xml) as XmlNode).domain) ?? {};
  const os = asNode(domain.os);
  const osType = asNode(os?.type);
  const devices = asNode(domain.devices) ?? {};
  const cpu = parseCpu(domain.cpu);
  return omitUndefined({
    name: base.name,
    uuid: base.uuid,
    vcpus: base.vcpus,
    memoryKiB: base.memoryKiB,
    cluster: base.membership?.cluster,
    virtType: attr(domain, 'type') ?? 'qemu',
    arch: attr(osType, 'arch'),
    machine: attr(osType, 'machine'),
    kernel: text(os?.kernel),
    initrd: text(os?.initrd),
    cpu,
    disks: list(devices.disk).map((d) => {
      const source = asNode(d.source);
      return omitUndefined({
        target: attr(asNode(d.target), 'dev') ?? '?',
        device: attr(d, 'device') ?? 'disk',
        path: attr(source, 'file') ?? attr(source, 'dev'),
        readonly: d.readonly !== undefined,
      });
    }),
    nics: list(devices.interface).map((n) => {
      const kind = attr(n, 'type') ?? 'unknown';
      const source = asNode(n.source);
      return omitUndefined({
        kind,
        source:
          kind === 'network'
            ? attr(source, 'network')
            : kind === 'bridge'
              ? attr(source, 'bridge')
              : undefined,
      });
    }),
  });
}

function parseCpu(v: unknown): PreflightDomain['cpu'] {
  const node = asNode(v);
  if (!node) return undefined;
  const model = text(node.model);
  // libvirt's default mode is custom: a named model (or none, the hypervisor's default).
  const mode = attr(node, 'mode') ?? 'custom';
  return omitUndefined({ mode, model, xml: renderXml(toElement('cpu', v)) });
}

/** A parsed element back into the XML builder's form (escaped on render, names checked). */
function toElement(name: string, v: unknown): XmlElement {
  if (typeof v !== 'object' || v === null) return el(name, {}, v === '' ? undefined : String(v));
  const attrs: Record<string, string> = {};
  const children: Array<XmlElement | string> = [];
  for (const [key, child] of Object.entries(v as XmlNode)) {
    if (key.startsWith('@')) attrs[key.slice(1)] = String(child);
    else if (key === '#text') children.push(String(child));
    else for (const c of Array.isArray(child) ? child : [child]) children.push(toElement(key, c));
  }
  return { name, attrs, children };
}

function list(v: unknown): XmlNode[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).map((x) => asNode(x) ?? {});
}

function omitUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
