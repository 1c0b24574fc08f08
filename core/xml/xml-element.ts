/**
 * A tiny XML builder: elements are data, text and attribute values are always escaped, names
 * are checked. The only way Corral writes XML (never by pasting strings).
 */
export interface XmlElement {
  name: string;
  attrs?: Record<string, string | number | boolean | undefined>;
  children?: Array<XmlElement | string | undefined | false>;
}

/** `el('disk', { type: 'file' }, el('source', { file }))`; falsy children are skipped. */
export function el(
  name: string,
  attrs: XmlElement['attrs'] = {},
  ...children: Array<XmlElement | string | number | undefined | false>
): XmlElement {
  return {
    name,
    attrs,
    children: children.map((c) => (typeof c === 'number' ? String(c) : c)),
  };
}

const NAME = /^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/;
// XML 1.0 forbids most control characters even when escaped.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export function escapeXml(text: string): string {
  if (FORBIDDEN.test(text)) throw new Error('text contains characters XML cannot carry');
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function renderXml(node: XmlElement, indent = ''): string {
  if (!NAME.test(node.name))
    throw new Error(`invalid XML element name ${JSON.stringify(node.name)}`);
  const attrs = Object.entries(node.attrs ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => {
      if (!NAME.test(k)) throw new Error(`invalid XML attribute name ${JSON.stringify(k)}`);
      return ` ${k}="${escapeXml(String(v))}"`;
    })
    .join('');
  const children = (node.children ?? []).filter(
    (c): c is XmlElement | string => c !== undefined && c !== false,
  );
  if (children.length === 0) return `${indent}<${node.name}${attrs}/>`;
  if (children.every((c) => typeof c === 'string')) {
    return `${indent}<${node.name}${attrs}>${children.map(escapeXml).join('')}</${node.name}>`;
  }
  const inner = children
    .map((c) =>
      typeof c === 'string' ? `${indent}  ${escapeXml(c)}` : renderXml(c, `${indent}  `),
    )
    .join('\n');
  return `${indent}<${node.name}${attrs}>\n${inner}\n${indent}</${node.name}>`;
}
