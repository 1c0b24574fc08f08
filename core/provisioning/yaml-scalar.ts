/**
 * Quotes any string as a YAML double-quoted scalar. Every value in a seed goes through here, so a
 * hostname like `no`, a key with `: ` or `#`, or a value with a newline can never change the
 * document's structure (YAML 1.2 reads this form the same way JSON does).
 */
export function yamlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (isPrintable(code)) out += ch;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

// YAML 1.2 c-printable, minus the line separators that some readers treat as breaks.
function isPrintable(code: number): boolean {
  if (code >= 0x20 && code <= 0x7e) return true;
  if (code === 0x85 || code === 0x2028 || code === 0x2029) return false;
  if (code >= 0xa0 && code <= 0xd7ff) return true;
  if (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff) return true;
  return code >= 0x10000 && code <= 0x10ffff;
}
