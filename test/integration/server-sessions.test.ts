import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CorralError } from '../../api/errors';
import { MAX_CLIENT_MESSAGE_BYTES } from '../../api/wire';
import { THROTTLE_LIMITS } from '../../core/accounts/login-throttle';
import { CorralCore } from '../../core/corral-core';
import { el, renderXml } from '../../core/xml/xml-element';
import { connectUnixSocket, LibvirtClient, type PoolRef } from '../../native/libvirt';
import { startCorralServer, type CorralServer } from '../../server/http-server';
import { openServerSocket, postSession, type ServerSocket } from './support/server-socket';
import { waitUntil } from './support/wait';

const tag = `corral-srv-${process.pid}`;
const poolDir = `/var/lib/libvirt/images/${tag}`;
const MiB = 1024 * 1024;
const ADMIN = { username: 'root-admin', password: 'admin-password' };

/**
 * The headless server as a browser meets it: real HTTP, real WebSocket (ws), the real core with
 * this machine's libvirtd as "This computer".
 */
describe('server: sessions, sign-in throttling and message size over the real server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'corral-srv-'));
  const staticDir = mkdtempSync(join(tmpdir(), 'corral-srv-static-'));
  const sockets: ServerSocket[] = [];
  let core: CorralCore;
  let server: CorralServer;
  let libvirt: LibvirtClient;
  let pool: PoolRef | undefined;

  const open = async (cookie: string, localAddress?: string) => {
    const s = await openServerSocket(server.url, cookie, localAddress);
    sockets.push(s);
    return s;
  };
  const tokenCookie = async () => {
    const { status, cookie } = await postSession(server.url, { token: server.token });
    expect(status).toBe(204);
    return cookie!;
  };
  const sessionStatus = async (cookie: string) =>
    (await fetch(new URL('/api/session', server.url), { headers: { cookie } })).status;
  const refusal = (cookie: string) =>
    openServerSocket(server.url, cookie).then(
      (s) => (s.ws.close(), 'open'),
      (err: Error) => err.message,
    );

  beforeAll(async () => {
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Corral</title>');
    const socket = inject('integrationEnv').libvirtSocket;
    core = new CorralCore({
      dataDir,
      shell: 'server',
      libvirtSocket: socket,
      hosts: { localProbeMs: 0 },
    });
    server = await startCorralServer({ core, staticDir, token: 'integration-token' });
    libvirt = await LibvirtClient.connect(() => connectUnixSocket(socket), {
      uri: 'qemu:///system',
    });
    mkdirSync(poolDir, { recursive: true });
    const xml = renderXml(
      el('pool', { type: 'dir' }, el('name', {}, tag), el('target', {}, el('path', {}, poolDir))),
    );
    pool = (await libvirt.call('storagePoolCreateXml', { xml, flags: 1 })).pool;
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.connection.dispose();
    await server?.close();
    core?.dispose();
    if (pool) {
      const { vols } = await libvirt.call('storagePoolListAllVolumes', {
        pool,
        needResults: true,
        flags: 0,
      });
      for (const vol of vols)
        await libvirt.call('storageVolDelete', { vol, flags: 0 }).catch(() => {});
      await libvirt.call('storagePoolDestroy', { pool }).catch(() => {});
    }
    await libvirt?.close();
    rmSync(poolDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(staticDir, { recursive: true, force: true });
  });

  it('gives a new session id at sign-up and sign-in; the old one opens nothing afterwards', async () => {
    const before = await tokenCookie();
    const page = await open(before);
    // Someone else holding the same pre-sign-in id (a planted cookie, another tab).
    const other = await open(before);
    await page.api.accounts.signUp(ADMIN);
    expect(page.tickets).toHaveLength(1);
    // The socket that signed up stays signed in; the other one with the old id is closed.
    await expect(page.api.accounts.me({})).resolves.toMatchObject({ user: { role: 'admin' } });
    await other.closed;
    // The old id: no HTTP session, no new socket.
    expect(await sessionStatus(before)).toBe(401);
    expect(await refusal(before)).toBe('HTTP 401');
    // The ticket sets the new cookie, once; a reload with it is still signed in.
    const renewed = await postSession(server.url, { ticket: page.tickets[0]! });
    expect(renewed.status).toBe(204);
    expect(renewed.cookie).toBeDefined();
    expect(renewed.cookie).not.toBe(before);
    expect((await postSession(server.url, { ticket: page.tickets[0]! })).status).toBe(401);
    const reloaded = await open(renewed.cookie!);
    await expect(reloaded.api.accounts.me({})).resolves.toMatchObject({ user: { role: 'admin' } });

    // Signing in renews again: sign out, sign in, and the cookie of a minute ago is dead too.
    await reloaded.api.accounts.logOut({});
    const again = await open(renewed.cookie!);
    await again.api.accounts.logIn(ADMIN);
    expect(again.tickets).toHaveLength(1);
    expect(await refusal(renewed.cookie!)).toBe('HTTP 401');
    const fresh = await postSession(server.url, { ticket: again.tickets[0]! });
    expect(fresh.status).toBe(204);
    const third = await open(fresh.cookie!);
    await expect(third.api.system.info({})).resolves.toMatchObject({ shell: 'server' });
  });

  it('counts parallel wrong guesses each; a clean address still signs in at once', async () => {
    const attacker = await open(await tokenCookie());
    const guesses = 12;
    const outcomes = await Promise.all(
      Array.from({ length: guesses }, (_, i) =>
        attacker.api.accounts
          .logIn({ username: ADMIN.username, password: `wrong-guess-${i}` })
          .then(
            () => 'signed in',
            (err: CorralError) => err.code,
          ),
      ),
    );
    // Only the free attempts reached the password check; the rest were refused unchecked.
    const checked = outcomes.filter((o) => o === 'unauthenticated').length;
    expect(checked).toBe(THROTTLE_LIMITS.sourceFree);
    expect(outcomes.filter((o) => o === 'unavailable')).toHaveLength(guesses - checked);
    // (How long the guessing address then waits is the unit tests' business, on a fake clock.)
    // Another address that has not been guessing signs in straight away.
    const elsewhere = await open(await tokenCookie(), '127.0.0.2');
    await expect(elsewhere.api.accounts.logIn(ADMIN)).resolves.toMatchObject({ role: 'admin' });
  });

  it('refuses a control message over the limit without harm, and still takes a large upload', async () => {
    const tooBig = await open(await tokenCookie());
    tooBig.ws.send(
      JSON.stringify({
        t: 'call',
        id: 1,
        path: 'accounts.me',
        input: { pad: 'x'.repeat(MAX_CLIENT_MESSAGE_BYTES) },
      }),
    );
    expect(await tooBig.closed).toBe(1009);

    // The server carries on: sign in on a fresh socket (another address: the last test's
    // guesses still hold this one back) and upload 8 MiB in one write, well over the limit.
    const admin = await open(await tokenCookie(), '127.0.0.3');
    await admin.api.accounts.logIn(ADMIN);
    await waitUntil('This computer to be online', 60_000, async () =>
      (await admin.api.hosts.list({})).some((h) => h.id === 'local' && h.status.state === 'online'),
    );
    const data = randomBytes(8 * MiB);
    const stream = await admin.api.images.upload({
      hostId: 'local',
      pool: tag,
      name: 'large.img',
      format: 'raw',
      sizeBytes: data.length,
    });
    // Progress lines come back as the host takes the bytes (read them, as the page does).
    let progress = '';
    stream.onData((bytes) => {
      progress += Buffer.from(bytes).toString('utf8');
    });
    const ended = new Promise<unknown>((resolve) => stream.onEnd(resolve));
    await stream.write(data);
    stream.end();
    expect(await ended).toBeUndefined();
    expect(progress.trim().split('\n').at(-1)).toBe(JSON.stringify({ uploaded: data.length }));
    const { vol } = await libvirt.call('storageVolLookupByName', {
      pool: pool!,
      name: 'large.img',
    });
    const { xml } = await libvirt.call('storageVolGetXmlDesc', { vol, flags: 0 });
    expect(xml).toContain(`<capacity unit='bytes'>${data.length}</capacity>`);
  });
});
