import { asNode, attr, type XmlNode } from '../xml/xml-reader';
import { CORRAL_METADATA_NS } from './corral-metadata';

/** Corral's `<node>` element in a domain's parsed `<metadata>`, with its children by local name. */
export interface CorralNodeElement {
  node: XmlNode;
  /** The child elements `local` (under the element's own prefix), one or many. */
  children(local: string): XmlNode[];
}

/**
 * Finds Corral's element by namespace URI, not by prefix: another writer may pick another prefix.
 * libvirt keeps the `xmlns:prefix` declaration on the element itself. Undefined when the domain
 * carries no Corral metadata.
 */
export function findCorralNodeElement(metadata: unknown): CorralNodeElement | undefined {
  const meta = asNode(metadata);
  if (!meta) return undefined;
  for (const [key, value] of Object.entries(meta)) {
    if (key.startsWith('@') || key === '#text') continue;
    const colon = key.indexOf(':');
    const prefix = colon < 0 ? undefined : key.slice(0, colon);
    if ((colon < 0 ? key : key.slice(colon + 1)) !== 'node') continue;
    for (const node of nodes(value)) {
      const ns = prefix ? attr(node, `xmlns:${prefix}`) : attr(node, 'xmlns');
      if (ns !== CORRAL_METADATA_NS) continue;
      return { node, children: (local) => nodes(node[prefix ? `${prefix}:${local}` : local]) };
    }
  }
  return undefined;
}

function nodes(v: unknown): XmlNode[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).map((x) => asNode(x) ?? {});
}
