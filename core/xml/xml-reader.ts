import { XMLParser, type X2jOptions } from 'fast-xml-parser';

/** A parsed element: attributes as `@name`, text as `#text`, children by element name. */
export type XmlNode = Record<string, unknown>;

/**
 * The one way Corral reads libvirt's XML: attributes kept (`@` prefix), nothing coerced to
 * numbers or booleans (callers decide), entities decoded. `isArray` names elements that may
 * repeat, so one shape handles one or many.
 */
export function createXmlParser(isArray?: X2jOptions['isArray']): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '#text',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    ...(isArray ? { isArray } : {}),
  });
}

/** The element itself (the first, if repeated), or text wrapped as a node. */
export function asNode(v: unknown): XmlNode | undefined {
  if (Array.isArray(v)) return asNode(v[0]);
  if (v && typeof v === 'object') return v as XmlNode;
  if (typeof v === 'string') return { '#text': v };
  return undefined;
}

/** An element's text, whether the parser gave a bare string or a node with attributes. */
export function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  const t = asNode(v)?.['#text'];
  return typeof t === 'string' || typeof t === 'number' ? String(t) : undefined;
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const v = node?.[`@${name}`];
  return typeof v === 'string' ? v : undefined;
}

/** libvirt's scaled-integer units (case-insensitive), as multiples of a byte. */
export const UNIT_BYTES: Readonly<Record<string, number>> = {
  b: 1,
  bytes: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  tb: 1000 ** 4,
};
