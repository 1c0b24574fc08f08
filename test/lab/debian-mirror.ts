import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Debian mirror apt already uses for bookworm (the only archive reachable here), read from
 * /etc/apt/sources.list{,.d}. Both deb822 `.sources` and one-line `.list` files are understood.
 */
export function debianMirror(suite = 'bookworm'): string {
  const files: string[] = [];
  if (existsSync('/etc/apt/sources.list')) files.push('/etc/apt/sources.list');
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir))
    files.push(
      ...readdirSync(dir)
        .sort()
        .map((f) => join(dir, f)),
    );
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (k: string): string[] =>
          new RegExp(`^${k}:\\s*(.*)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
        if (
          field('Types').includes('deb') &&
          field('Suites').includes(suite) &&
          field('Components').includes('main')
        ) {
          const uri = field('URIs')[0];
          if (uri) return uri;
        }
      }
    } else {
      for (const line of text.split('\n')) {
        const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)$/.exec(line.trim());
        if (m?.[1] && m[2] === suite && m[3]?.split(/\s+/).includes('main')) return m[1];
      }
    }
  }
  throw new Error(`no Debian ${suite} main mirror found in /etc/apt/sources.list{,.d}`);
}
