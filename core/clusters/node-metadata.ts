import { createXmlParser, text, type XmlNode as Node } from '../xml/xml-reader';
import { CORRAL_METADATA_NS, type CorralNodeMetadata } from '../metadata/corral-metadata';

/** What a node's domain XML says about it under Corral's namespace (see node-blueprint.ts). */
export interface NodeDetails extends CorralNodeMetadata {
  name: string;
  /** One per NIC, in order: MAC and CIDR address. */
  nics: Array<{ mac: string; address: string }>;
  hostKey?: string;
  clusterKey?: string;
  /** The cluster spec (JSON) the node was made from. */
  spec?: string;
}

const parser = createXmlParser();

/**
 * Reads Corral's node element back from a domain's XML, found by namespace URI (another writer
 * may choose another prefix). Undefined when the domain is not a Corral node.
 */
export function parseNodeDetails(domainXml: string): NodeDetails | undefined {
  const doc = parser.parse(domainXml) as Node;
  const domain = doc.domain as Node | undefined;
  const name = text(domain?.name);
  const metadata = domain?.metadata as Node | undefined;
  if (!domain || !name || !metadata || typeof metadata !== 'object') return undefined;
  for (const [key, value] of Object.entries(metadata)) {
    const colon = key.indexOf(':');
    const prefix = colon < 0 ? '' : key.slice(0, colon);
    if ((colon < 0 ? key : key.slice(colon + 1)) !== 'node') continue;
    const node = (Array.isArray(value) ? value[0] : value) as Node;
    if (!node || typeof node !== 'object') continue;
    const ns = node[prefix ? `@xmlns:${prefix}` : '@xmlns'];
    if (ns !== CORRAL_METADATA_NS) continue;
    const child = (local: string) => node[prefix ? `${prefix}:${local}` : local];
    const index = Number(node['@index']);
    const cluster = node['@cluster'];
    const owner = node['@owner'];
    if (typeof cluster !== 'string' || typeof owner !== 'string' || !Number.isInteger(index)) {
      return undefined;
    }
    const nics = list(child('nic'))
      .map((n) => ({
        i: Number(n['@index']),
        mac: String(n['@mac'] ?? ''),
        address: String(n['@address'] ?? ''),
      }))
      .sort((a, b) => a.i - b.i)
      .map(({ mac, address }) => ({ mac, address }));
    return {
      name,
      cluster,
      owner,
      index,
      operation: typeof node['@operation'] === 'string' ? node['@operation'] : '',
      nics,
      hostKey: text(child('host-key')),
      clusterKey: text(child('cluster-key')),
      spec: text(child('spec')),
    };
  }
  return undefined;
}

function list(v: unknown): Node[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is Node => !!x && typeof x === 'object');
}
