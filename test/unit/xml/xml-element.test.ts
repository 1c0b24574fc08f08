import { describe, expect, it } from 'vitest';
import { el, renderXml } from '../../../core/xml/xml-element';

describe('xml builder', () => {
  it('escapes text and attribute values', () => {
    const xml = renderXml(el('name', { a: `"<&'>` }, 'x</name><evil/>'));
    expect(xml).toBe('<name a="&quot;&lt;&amp;&apos;&gt;">x&lt;/name&gt;&lt;evil/&gt;</name>');
  });

  it('nests, skips empty children and attributes', () => {
    const xml = renderXml(el('a', { skip: undefined }, el('b'), false, undefined, el('c', {}, 3)));
    expect(xml).toBe('<a>\n  <b/>\n  <c>3</c>\n</a>');
  });

  it('refuses bad names and control characters', () => {
    expect(() => renderXml(el('a b'))).toThrow(/element name/);
    expect(() => renderXml(el('a', { 'x y': '1' }))).toThrow(/attribute name/);
    expect(() => renderXml(el('a', {}, 'bell\u0007'))).toThrow(/cannot carry/);
  });
});
