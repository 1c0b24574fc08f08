import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow } from 'electron';
import { createClient } from '../../../api/client';
import { corralApi } from '../../../api/corral-api';
import { MessagePortTransport } from '../../../api/message-port-transport';
import { CorralCore } from '../../../core/corral-core';
import { resolveAppEntry } from '../../../electron/app-entry';
import { connectWindow } from '../../../electron/desktop-connection';
import { DESKTOP_PORT_CHANNEL } from '../../../electron/desktop-port-channel';
import { FakeWindow } from './fake-electron';

vi.mock('electron', async () => ({
  MessageChannelMain: (await import('./fake-electron')).FakeMessageChannelMain,
}));

describe('desktop connection (main side of the MessagePort transport)', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() =>
    cleanup
      .splice(0)
      .reverse()
      .forEach((fn) => fn()),
  );

  const setup = () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'corral-desktop-'));
    const core = new CorralCore({
      dataDir,
      shell: 'desktop',
      libvirtSocket: join(dataDir, 'no-libvirt.sock'),
    });
    const window = new FakeWindow();
    const entry = resolveAppEntry('http://localhost:5173', '/unused');
    const connection = connectWindow(window as unknown as BrowserWindow, core, entry);
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    cleanup.push(() => core.dispose());
    cleanup.push(() => connection.dispose());
    return { window, connection };
  };

  const clientFor = (post: FakeWindow['posted'][number] | undefined) => {
    expect(post?.channel).toBe(DESKTOP_PORT_CHANNEL);
    expect(post?.ports).toHaveLength(1);
    const transport = new MessagePortTransport(post!.ports[0]!.raw as unknown as MessagePort);
    const client = createClient(corralApi, transport);
    cleanup.push(() => client.dispose());
    return client;
  };

  it('hands our own page one port and serves the contract on it', async () => {
    const { window } = setup();
    window.load('http://localhost:5173/');
    const client = clientFor(window.posted[0]);
    await expect(client.api.settings.get({})).resolves.toMatchObject({ theme: 'system' });
  });

  it('keeps a window signed in after sign-up and sign-in renew its session id', async () => {
    const { window } = setup();
    window.load('http://localhost:5173/');
    const client = clientFor(window.posted[0]);
    await expect(client.api.system.info({})).rejects.toMatchObject({ code: 'unauthenticated' });
    await client.api.accounts.signUp({ username: 'alice', password: 'password-a' });
    await expect(client.api.system.info({})).resolves.toMatchObject({ shell: 'desktop' });
    await client.api.accounts.logOut({});
    await client.api.accounts.logIn({ username: 'alice', password: 'password-a' });
    await expect(client.api.accounts.me({})).resolves.toMatchObject({
      user: { username: 'alice' },
    });
    await expect(client.api.settings.update({ theme: 'dark' })).resolves.toEqual({
      theme: 'dark',
    });
  });

  it('hands nothing to a page that is not the app', () => {
    const { window } = setup();
    window.load('http://localhost:5174/');
    window.load('https://example.com/');
    window.load('chrome-error://chromewebdata/');
    expect(window.posted).toHaveLength(0);
  });

  it('gives a reloaded page a fresh port and closes the old connection', async () => {
    const { window } = setup();
    window.load('http://localhost:5173/');
    const first = clientFor(window.posted[0]);
    const firstClosed = new Promise<string>((resolve) => first.onClose(resolve));
    window.load('http://localhost:5173/');
    expect(window.posted).toHaveLength(2);
    await expect(firstClosed).resolves.toBeTypeOf('string');
    const second = clientFor(window.posted[1]);
    await expect(second.api.settings.get({})).resolves.toMatchObject({ theme: 'system' });
  });

  it('stops serving when disposed', async () => {
    const { window, connection } = setup();
    window.load('http://localhost:5173/');
    const client = clientFor(window.posted[0]);
    const closed = new Promise<string>((resolve) => client.onClose(resolve));
    connection.dispose();
    await expect(closed).resolves.toBeTypeOf('string');
    window.load('http://localhost:5173/');
    expect(window.posted).toHaveLength(1);
  });
});
