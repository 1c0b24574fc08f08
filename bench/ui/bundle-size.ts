/**
 * `npm run bench:bundle`: what the first screen (sign-in and the app frame) downloads, and each
 * lazily loaded view, in bytes and gzip bytes, read from the renderer build's Vite manifest.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  css?: string[];
  src?: string;
}
type Manifest = Record<string, ManifestChunk>;

const OUT = 'dist/renderer';

/** Every file a chunk loads before it runs: itself, its static imports and their CSS. */
export function staticClosure(manifest: Manifest, key: string, seen = new Set<string>()) {
  const chunk = manifest[key];
  if (!chunk || seen.has(key)) return new Set<string>();
  seen.add(key);
  const files = new Set<string>([chunk.file, ...(chunk.css ?? [])]);
  for (const dep of chunk.imports ?? []) {
    for (const f of staticClosure(manifest, dep, seen)) files.add(f);
  }
  return files;
}

function sizes(files: Iterable<string>) {
  let js = 0;
  let jsGzip = 0;
  let css = 0;
  let cssGzip = 0;
  for (const f of files) {
    const bytes = readFileSync(join(OUT, f));
    const gz = gzipSync(bytes, { level: 9 }).length;
    if (f.endsWith('.css')) {
      css += bytes.length;
      cssGzip += gz;
    } else if (f.endsWith('.js')) {
      js += bytes.length;
      jsGzip += gz;
    }
  }
  return { js, jsGzip, css, cssGzip };
}

const kib = (n: number) => (n / 1024).toFixed(1);

function main(): void {
  execFileSync('npx', ['vite', 'build', '--manifest', '--config', 'vite.renderer.config.ts'], {
    stdio: 'ignore',
  });
  const manifest = JSON.parse(
    readFileSync(join(OUT, '.vite', 'manifest.json'), 'utf8'),
  ) as Manifest;
  const entryKey = Object.keys(manifest).find((k) => manifest[k]?.isEntry);
  if (!entryKey) throw new Error('the renderer build has no entry chunk');
  const first = staticClosure(manifest, entryKey);
  const s = sizes(first);
  console.log(
    `ui-bundle first-screen js=${kib(s.js)}KiB js-gzip=${kib(s.jsGzip)}KiB css=${kib(s.css)}KiB css-gzip=${kib(s.cssGzip)}KiB`,
  );
  for (const [key, chunk] of Object.entries(manifest)) {
    if (!chunk.isDynamicEntry) continue;
    const own = [...staticClosure(manifest, key)].filter((f) => !first.has(f));
    const v = sizes(own);
    console.log(
      `ui-bundle lazy ${chunk.src ?? key} js-gzip=${kib(v.jsGzip)}KiB css-gzip=${kib(v.cssGzip)}KiB`,
    );
  }
}

main();
