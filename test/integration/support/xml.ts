/** A tiny XML builder for test fixtures: every text and attribute value is escaped. */
export type XmlNode = string | XmlElement;

/** An element with attributes and children. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string | number>;
  children: XmlNode[];
}

/** Builds an element; strings among children are text nodes. */
export function el(
  name: string,
  attrs: Record<string, string | number> = {},
  ...children: XmlNode[]
): XmlElement {
  return { name, attrs, children };
}

/** Escapes text for element content and attribute values. */
export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Serialises a node. */
export function toXml(node: XmlNode): string {
  if (typeof node === 'string') return escapeXml(node);
  if (!/^[A-Za-z_][\w.-]*$/.test(node.name)) throw new Error(`bad element name ${node.name}`);
  const attrs = Object.entries(node.attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  return `<${node.name}${attrs}>${node.children.map(toXml).join('')}</${node.name}>`;
}
