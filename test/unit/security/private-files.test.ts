import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CorralCore } from '../../../core/corral-core';
import { DATA_FILES } from '../../../core/security/private-files';
import type { CallContext } from '../../../core/call-context';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Every regular file under `dir`, with its permission bits. */
function filesUnder(dir: string): Array<[string, number]> {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => {
      const path = join(d.parentPath, d.name);
      return [path.slice(dir.length + 1), modeOf(path)] as [string, number];
    });
}

describe(
  'private files: everything Corral keeps in its data folder is 0600',
  { timeout: 60_000 },
  () => {
    const cleanup: Array<() => void> = [];
    // A permissive umask, so a file that is private only thanks to the umask would show up here.
    const umask = process.umask(0o022);
    afterEach(() => {
      cleanup.splice(0).forEach((fn) => fn());
    });
    cleanup.push(() => process.umask(umask));

    const coreIn = (dataDir: string) => {
      const core = new CorralCore({
        dataDir,
        shell: 'test',
        libvirtSocket: join(dataDir, 'no-libvirt.sock'),
        hosts: { localHost: false },
      });
      cleanup.push(() => core.dispose());
      return core;
    };

    it('creates accounts, settings, hosts and the secret key owner-only', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'corral-private-'));
      cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const core = coreIn(dataDir);
      const ctx: CallContext = { sessionId: 'private-files' };
      await core.accounts.signUp('alice', 'password-a', ctx);
      core.settings.update({ theme: 'dark' });
      core.hosts.add({
        name: 'nowhere',
        address: '127.0.0.1',
        port: 1,
        user: 'root',
        auth: { kind: 'password', password: 'not-a-real-one' },
      });
      const files = filesUnder(dataDir);
      expect(files.map(([name]) => name).sort()).toEqual(
        expect.arrayContaining(['accounts.json', 'hosts.json', 'secret.key', 'settings.json']),
      );
      expect(files.filter(([, mode]) => mode !== 0o600)).toEqual([]);
      expect(modeOf(dataDir)).toBe(0o700);
    });

    it('tightens files an older version left readable, at start-up', () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'corral-private-'));
      cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
      chmodSync(dataDir, 0o755);
      for (const name of DATA_FILES) {
        writeFileSync(join(dataDir, name), name.endsWith('.json') ? '{}' : '', { mode: 0o644 });
      }
      coreIn(dataDir);
      expect(filesUnder(dataDir).filter(([, mode]) => mode !== 0o600)).toEqual([]);
      expect(modeOf(dataDir)).toBe(0o700);
    });
  },
);
