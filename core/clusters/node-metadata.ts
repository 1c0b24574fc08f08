import { createXmlParser, text, type XmlNode as Node } from '../xml/xml-reader';
import type { CorralNodeMetadata } from '../metadata/corral-metadata';
import { findCorralNodeElement } from '../metadata/corral-node-element';

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
  if (!domain || !name) return undefined;
  const element = findCorralNodeElement(domain.metadata);
  if (!element) return undefined;
  const { node, children } = element;
  const index = Number(node['@index']);
  const cluster = node['@cluster'];
  const owner = node['@owner'];
  if (typeof cluster !== 'string' || typeof owner !== 'string' || !Number.isInteger(index)) {
    return undefined;
  }
  const nics = children('nic')
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
    ...(typeof node['@cluster-id'] === 'string' ? { clusterId: node['@cluster-id'] } : {}),
    nics,
    hostKey: text(children('host-key')[0]),
    clusterKey: text(children('cluster-key')[0]),
    spec: text(children('spec')[0]),
  };
}
