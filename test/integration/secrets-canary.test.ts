import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../api/client';
import { corralApi } from '../../api/corral-api';
import type { HostView } from '../../api/hosts-api';
import { WsTransport } from '../../server/ws-transport';
import { PasswordSshd } from './support/password-sshd';
import { leaksIn, secretForms } from './support/secret-forms';
import { waitUntil } from './support/wait';

/**
 * Canary: a host password and a key passphrase, random for this run, are used for real (password
 * auth and an encrypted key against a real sshd, libvirt through it) via the real headless server.
 * Then every file in Corral's data folder, the server's stdout and stderr, and every WebSocket
 * frame the server sent (what the renderer gets) are searched for them, as is and encoded.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'corral-canary-'));
const dataDir = join(root, 'data');
const secrets = {
  'host password': `canary-pw-${randomBytes(18).toString('base64url')}`,
  'key passphrase': `canary-pp-${randomBytes(18).toString('base64url')}`,
  'account password': `canary-acct-${randomBytes(18).toString('base64url')}`,
};
const keyFile = join(root, 'client_ed25519');

let sshd: PasswordSshd;
let server: ChildProcess | undefined;
let output = '';
const frames: Buffer[] = [];

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

/** Starts `server/main.ts` on the data folder and reads its URL and token from stdout. */
async function startServer(): Promise<{ url: string; token: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/main.ts', '--port', '0', '--data-dir', dataDir],
    { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server = child;
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return waitUntil(`the server to start:\n${output}`, 60_000, () => {
    const url = /Corral is serving (\S+)/.exec(output)?.[1];
    const token = /Access token: (\S+)/.exec(output)?.[1];
    return url && token ? { url, token } : undefined;
  });
}

async function openApi(url: string, token: string) {
  const origin = new URL(url).origin;
  const res = await fetch(new URL('/api/session', url), {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  expect(res.status).toBe(204);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const wsUrl = new URL('/api/ws', url);
  wsUrl.protocol = 'ws:';
  const ws = new WebSocket(wsUrl, { headers: { origin, cookie } });
  ws.binaryType = 'nodebuffer';
  // Every frame the server sends, before the client reads it: what a renderer would receive.
  ws.on('message', (data: Buffer) => frames.push(Buffer.from(data)));
  await new Promise((done, fail) => ws.once('open', done).once('error', fail));
  return { ws, api: createClient(corralApi, new WsTransport(ws)).api };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

async function stopServer(): Promise<void> {
  const child = server;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

describe('secrets canary', () => {
  beforeAll(async () => {
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      secrets['key passphrase'],
      '-C',
      'corral-canary',
      '-f',
      keyFile,
    ]);
    mkdirSync(join(root, 'sshd'));
    sshd = new PasswordSshd(join(root, 'sshd'), secrets['host password'], [
      await freePort(),
      await freePort(),
    ]);
    await sshd.start(readFileSync(`${keyFile}.pub`, 'utf8'));
  }, 60_000);

  afterAll(async () => {
    await stopServer();
    await sshd?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('finds a planted secret in every form it searches for (the search itself works)', () => {
    const secret = secrets['host password'];
    for (let lead = 0; lead < 3; lead++) {
      const text = Buffer.from(`${'x'.repeat(lead)}{"password":"${secret}"}`);
      for (const planted of [
        text,
        Buffer.from(text.toString('base64')),
        Buffer.from(text.toString('base64url')),
        Buffer.from(text.toString('hex')),
        Buffer.from(encodeURIComponent(text.toString())),
      ]) {
        expect(leaksIn(planted, { secret }).length, planted.toString()).toBeGreaterThan(0);
      }
    }
    expect(secretForms(secret).every((f) => f.length >= 20)).toBe(true);
    expect(leaksIn(Buffer.from('nothing here'), { secret })).toEqual([]);
  });

  it('never writes a host password or key passphrase to the data folder, the server output or the renderer', async () => {
    const { url, token } = await startServer();
    const { ws, api } = await openApi(url, token);
    api.hosts.onChanged(() => undefined);
    api.inventory.onChanged(() => undefined);
    await api.accounts.signUp({ username: 'canaryadmin', password: secrets['account password'] });

    const [pwPort, keyPort] = sshd.ports as [number, number];
    const byPassword = await api.hosts.add({
      name: 'canary-password',
      address: '127.0.0.1',
      port: pwPort,
      user: 'root',
      auth: { kind: 'password', password: secrets['host password'] },
    });
    const byKey = await api.hosts.add({
      name: 'canary-key',
      address: '127.0.0.1',
      port: keyPort,
      user: 'root',
      auth: { kind: 'key', keyPath: keyFile, passphrase: secrets['key passphrase'] },
    });
    const hostState = async (id: string) =>
      (await api.hosts.list({})).find((h: HostView) => h.id === id)?.status;
    for (const id of [byPassword.id, byKey.id]) {
      await waitUntil(`${id} to show its key`, 30_000, async () => {
        const s = await hostState(id);
        return s?.state === 'key-unknown' || s?.state === 'online';
      });
      if ((await hostState(id))?.state === 'key-unknown')
        await api.hosts.trustKey({ id, fingerprint: sshd.fingerprint });
    }
    for (const id of [byPassword.id, byKey.id]) {
      await waitUntil(`${id} online (${JSON.stringify(await hostState(id))})`, 60_000, async () =>
        (await hostState(id))?.state === 'online' ? true : undefined,
      );
    }
    // Saving the host again with its password, and a refused form carrying one.
    await api.hosts.update({
      id: byPassword.id,
      host: {
        name: 'canary-password',
        address: '127.0.0.1',
        port: pwPort,
        user: 'root',
        auth: { kind: 'password', password: secrets['host password'] },
      },
    });
    await expect(
      api.hosts.add({
        name: 'canary-key',
        address: '127.0.0.1',
        port: keyPort,
        user: 'root',
        auth: { kind: 'key', keyPath: keyFile, passphrase: secrets['key passphrase'] },
      }),
    ).rejects.toThrow(/already/);
    // Forms the contract refuses, each carrying a secret: the error must not echo it.
    await expect(
      api.hosts.add({
        name: 'canary-long',
        address: '127.0.0.1',
        port: pwPort,
        user: 'root',
        auth: { kind: 'password', password: secrets['host password'].repeat(40) },
      }),
    ).rejects.toThrow(/invalid input/);
    await expect(
      api.hosts.add({
        name: 'canary bad/name',
        address: '127.0.0.1',
        port: pwPort,
        user: 'root',
        auth: { kind: 'key', keyPath: 'relative/key', passphrase: secrets['key passphrase'] },
      }),
    ).rejects.toThrow();
    await waitUntil('both hosts online with facts', 60_000, async () => {
      const facts = (await api.inventory.snapshot({})).hosts;
      return [byPassword.id, byKey.id].every((id) => facts.some((f) => f.hostId === id));
    });
    ws.close();
    await stopServer();

    // The capture saw the hosts and the data folder holds the (encrypted) secrets: the search
    // below looks where the secrets would be.
    expect(Buffer.concat(frames).toString()).toContain('canary-password');
    const hostsFile = readFileSync(join(dataDir, 'hosts.json'), 'utf8');
    expect(JSON.parse(hostsFile).hosts.filter((h: { secret?: string }) => h.secret)).toHaveLength(
      2,
    );

    const found: string[] = [];
    for (const file of filesUnder(dataDir)) {
      for (const leak of leaksIn(readFileSync(file), secrets)) found.push(`${file}: ${leak}`);
    }
    for (const leak of leaksIn(Buffer.from(output), secrets)) found.push(`server output: ${leak}`);
    for (const [i, frame] of frames.entries()) {
      for (const leak of leaksIn(frame, secrets)) found.push(`frame ${i}: ${leak}`);
    }
    expect(found).toEqual([]);
  }, 180_000);
});
