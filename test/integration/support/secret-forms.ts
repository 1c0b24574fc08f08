/**
 * The forms a leaked secret could take in a file, a log or a frame: as is, URL-encoded, hex, and
 * base64 (standard and URL-safe). Base64 of a secret inside a longer text depends on where it
 * starts modulo 3, so each alignment contributes the run of characters made of the secret's bits
 * alone. Each form is long enough that a chance match is impossible.
 */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
  ]);
  for (let lead = 0; lead < 3; lead++) {
    const padded = Buffer.concat([Buffer.alloc(lead, 0x20), bytes, Buffer.alloc(3, 0x20)]);
    for (const encoding of ['base64', 'base64url'] as const) {
      const text = padded.toString(encoding);
      // Characters before bit (lead * 8) and from bit ((lead + n) * 8) on mix in other bytes.
      const from = Math.ceil((lead * 8) / 6);
      const to = Math.floor(((lead + bytes.length) * 8) / 6);
      forms.add(text.slice(from, to));
    }
  }
  return [...forms];
}

/** Every form of every secret found in `haystack` (decoded as UTF-8 and as Latin-1), by name. */
export function leaksIn(haystack: Buffer, secrets: Record<string, string>): string[] {
  const texts = [haystack.toString('utf8'), haystack.toString('latin1')];
  const found: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    for (const form of secretForms(secret)) {
      if (texts.some((t) => t.includes(form))) found.push(`${name} as ${JSON.stringify(form)}`);
    }
  }
  return found;
}
