import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientConnection } from '../../../api/client';
import type { CorralApi } from '../../../api/corral-api';
import { CorralCore } from '../../../core/corral-core';
import { coreSession } from '../../integration/support/core-session';

const dirs: string[] = [];
const cores: CorralCore[] = [];
const clients: ClientConnection<CorralApi>[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
  for (const c of cores.splice(0)) c.dispose();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('data files set aside at start-up are shown to the administrator', () => {
  it('system.notices names the file and where its original went; other users are refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-notices-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'operations.jsonl'), 'not a record\n');
    writeFileSync(join(dir, 'settings.json'), '{"theme":');
    const core = new CorralCore({
      dataDir: dir,
      shell: 'test',
      libvirtSocket: join(dir, 'no-libvirt.sock'),
      hosts: { localHost: false },
    });
    cores.push(core);
    const api = core.api;
    const admin = { sessionId: 'admin' };
    // The administrator-only rule is the gate's, so the plain user works through a served session.
    const plain = coreSession(core, 'user', clients);
    await api.accounts.signUp({ username: 'root-admin', password: 'admin-password-1' }, admin);
    await plain.accounts.signUp({ username: 'plain-user', password: 'user-password-1' });

    const notices = await api.system.notices({}, admin);
    expect(notices.map((n) => [n.source, n.message])).toEqual(
      expect.arrayContaining([
        [
          'data',
          expect.stringMatching(
            /^settings\.json: the file could not be read .* set aside as .*settings\.json\.corrupt-/,
          ),
        ],
        [
          'data',
          expect.stringMatching(
            /^operations\.jsonl: line 1 could not be read .* set aside as .*operations\.jsonl\.corrupt-/,
          ),
        ],
      ]),
    );
    await expect(plain.system.notices({})).rejects.toMatchObject({ code: 'forbidden' });
  });
});
