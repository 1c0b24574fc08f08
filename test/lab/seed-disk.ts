import { writeFileSync } from 'node:fs';
import type { SeedFiles } from '../../core/provisioning/nocloud-seed';
import { iso9660Image } from '../../core/provisioning/iso9660-writer';

/** Writes a NoCloud seed as an ISO9660 image labelled `cidata` with Corral's pure-TS writer. */
export function writeSeedIso(files: SeedFiles, path: string): void {
  const entries = Object.entries(files)
    .filter((e): e is [string, string] => typeof e[1] === 'string')
    .map(([name, content]) => ({ name, data: Buffer.from(content, 'utf8') }));
  writeFileSync(path, iso9660Image({ volumeId: 'cidata', files: entries }));
}
