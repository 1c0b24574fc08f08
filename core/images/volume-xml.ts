import { XMLValidator } from 'fast-xml-parser';
import { createXmlParser, text, UNIT_BYTES, type XmlNode as Node } from '../xml/xml-reader';
import { el, renderXml } from '../xml/xml-element';

/** What a storage volume's XML (`storageVolGetXmlDesc`) tells the image list. */
export interface VolumeFacts {
  name: string;
  /** `<target><path>`: what a domain's disk or a backing store points at. */
  path: string;
  /** `<target><format type>`: qcow2, raw, iso… (`unknown` when absent). */
  format: string;
  capacityBytes: number;
  allocationBytes: number;
  /** `<backingStore><path>`: set on linked clones (qcow2 overlays). */
  backingPath?: string;
  /** `<target><timestamps><mtime>` in ms, on the host's clock (file-based pools only). */
  modifiedMs?: number;
}

const parser = createXmlParser();

/** `<capacity unit='bytes'>123</capacity>` in bytes (libvirt writes bytes; other units scaled). */
function sizeOf(v: unknown): number {
  const value = Number(text(v) ?? '0');
  const unit = (v && typeof v === 'object' ? ((v as Node)['@unit'] as string) : undefined) ?? 'b';
  const factor = UNIT_BYTES[unit.toLowerCase()];
  if (!Number.isFinite(value) || factor === undefined) return 0;
  return value * factor;
}

/** Parses libvirt volume XML; throws on XML that is not a volume. */
export function parseVolumeXml(xml: string): VolumeFacts {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`volume XML is malformed: ${valid.err.msg}`);
  const vol = (parser.parse(xml) as Node).volume as Node | undefined;
  if (!vol || typeof vol !== 'object') throw new Error('not a volume XML document');
  const name = text(vol.name);
  if (!name) throw new Error('volume XML has no name');
  const target = (vol.target ?? {}) as Node;
  const format =
    ((target.format as Node | undefined)?.['@type'] as string | undefined) ?? 'unknown';
  const backing = vol.backingStore as Node | string | undefined;
  const backingPath = backing && typeof backing === 'object' ? text(backing.path) : undefined;
  // `seconds.nanoseconds`; a Number keeps it to well under a millisecond.
  const mtime = Number(text((target.timestamps as Node | undefined)?.mtime) ?? NaN);
  return {
    name,
    path: text(target.path) ?? text(vol.key) ?? '',
    format,
    capacityBytes: sizeOf(vol.capacity),
    allocationBytes: sizeOf(vol.allocation),
    ...(backingPath ? { backingPath } : {}),
    ...(Number.isFinite(mtime) ? { modifiedMs: Math.round(mtime * 1000) } : {}),
  };
}

/**
 * A new, empty raw volume of exactly `sizeBytes` for an upload to fill. Raw because the bytes
 * sent are the image as it is (a qcow2 file stays qcow2): libvirt probes the format on refresh.
 */
export function uploadVolumeXml(name: string, sizeBytes: number): string {
  return renderXml(
    el(
      'volume',
      { type: 'file' },
      el('name', {}, name),
      el('capacity', { unit: 'bytes' }, Math.trunc(sizeBytes)),
      el('allocation', { unit: 'bytes' }, 0),
      el('target', {}, el('format', { type: 'raw' })),
    ),
  );
}
