import { el, type XmlElement } from '../xml/xml-element';

/**
 * Corral's XML namespace in a domain's libvirt <metadata>. Ownership and cluster membership live
 * there, on the host, so two Corral instances see the same clusters (docs/architecture.md).
 * Written with VIR_DOMAIN_METADATA_ELEMENT semantics: one <corral:node> element.
 */
export const CORRAL_METADATA_NS = 'https://corral.dev/xmlns/domain/1';
export const CORRAL_METADATA_PREFIX = 'corral';

export interface CorralNodeMetadata {
  /** The cluster's name (unique per owner). */
  cluster: string;
  /** The owning account's id. */
  owner: string;
  /** The node's index within the cluster, from 0. */
  index: number;
  /** The journaled operation that created the node, for crash recovery. */
  operation: string;
  /**
   * The cluster's own identity (fixed when it is created, shared by nodes added later): a delete
   * removes only nodes carrying it, not whatever has the cluster's name. Absent on older nodes.
   */
  clusterId?: string;
}

/**
 * `<corral:node xmlns:corral=… cluster=… owner=… index=… operation=… cluster-id=…/>`. `bare`
 * leaves out prefix and namespace: what virDomainSetMetadata takes (it puts the element and its
 * children into the namespace itself, and refuses an element that declares it already).
 */
export function corralMetadataElement(meta: CorralNodeMetadata, bare = false): XmlElement {
  return el(bare ? 'node' : `${CORRAL_METADATA_PREFIX}:node`, {
    [`xmlns:${CORRAL_METADATA_PREFIX}`]: bare ? undefined : CORRAL_METADATA_NS,
    cluster: meta.cluster,
    owner: meta.owner,
    index: meta.index,
    operation: meta.operation,
    'cluster-id': meta.clusterId,
  });
}
