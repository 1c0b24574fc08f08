import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { setHostLink } from '../lab/link-control';
import { generateKey } from '../lab/ssh-keys';
import { readLabState, type LabHost, type LabState } from '../lab/state';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { enterAsAdmin } from './support/sign-in';

/**
 * Hosts: the real server, Chromium, and the lab's hosts (network namespaces with their
 * own sshd and libvirtd). Checks the screen and the truth behind it (the server's known_hosts,
 * the hosts' own key files).
 */
test.describe.configure({ mode: 'serial' });

let server: ServerProcess;
let page: Page;
let lab: LabState;
let h1: LabHost;
let h2: LabHost;

const hostKeyPath = (h: LabHost) => join(h.dir, 'sshd', 'ssh_host_ed25519_key');
const fingerprintOf = (pubPath: string) =>
  execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath], { encoding: 'utf8' }).split(
    ' ',
  )[1]!;
/** sshd re-executes itself on SIGHUP (same pid) and loads its host keys again. */
const reloadSshd = (h: LabHost) => process.kill(h.pids.sshd, 'SIGHUP');
const hostCard = (name: string): Locator => page.getByRole('article', { name, exact: true });
const statusOf = (name: string): Locator => hostCard(name).getByTestId('host-status');

test.beforeAll(async ({ browser }) => {
  const state = readLabState();
  if (!state || state.hosts.length < 2)
    throw new Error('the lab global setup did not bring 2 hosts up');
  lab = state;
  [h1, h2] = [state.hosts[0]!, state.hosts[1]!];
  server = await startServerProcess();
  page = await browser.newPage();
  await enterAsAdmin(page, server);
  await expect(page.getByRole('heading', { name: 'Hosts' })).toBeVisible();
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
});

test('adds two lab hosts through the form, confirming each fingerprint', async () => {
  for (const h of [h1, h2]) {
    await page.getByRole('button', { name: 'Add host' }).click();
    const form = page.getByRole('form', { name: 'Add host' });
    // The lab's URI plus its key file fills address, port, user and authentication.
    await form.getByLabel('libvirt URI').fill(`${h.libvirtUri}?keyfile=${lab.sshKey}`);
    await form.getByRole('button', { name: 'Fill' }).click();
    await expect(form.getByLabel('Address')).toHaveValue(h.address);
    await expect(form.getByLabel('Port')).toHaveValue('22');
    await expect(form.getByLabel('User')).toHaveValue('root');
    await expect(form.getByRole('radio', { name: 'Key file' })).toBeChecked();
    await expect(form.getByLabel('Key file path')).toHaveValue(lab.sshKey);
    await form.getByLabel('Name').fill(h.name);
    await form.getByRole('button', { name: 'Add host' }).click();

    const dialog = page.getByRole('dialog', { name: `Trust the host key of ${h.name}?` });
    await expect(dialog).toBeVisible();
    // What the dialog shows is the key the host really has, as ssh-keygen prints it.
    await expect(dialog.getByTestId('presented-fingerprint')).toHaveText(
      fingerprintOf(`${hostKeyPath(h)}.pub`),
    );
    await expect(statusOf(h.name)).toHaveText('Host key not yet trusted');
    await dialog.getByRole('button', { name: 'Trust and connect' }).click();
    await expect(dialog).toBeHidden();
    await expect(statusOf(h.name)).toHaveText('Online', { timeout: 30_000 });
  }
  // The server stored exactly these keys, in known_hosts format.
  const knownHosts = readFileSync(join(server.dataDir, 'known_hosts'), 'utf8');
  for (const h of [h1, h2]) {
    const [type, key] = readFileSync(`${hostKeyPath(h)}.pub`, 'utf8').split(' ');
    expect(knownHosts).toContain(`${h.address} ${type} ${key}\n`);
  }
  // No secret or key material reaches the page.
  expect(await page.content()).not.toContain('PRIVATE KEY');
});

test('a regenerated host key is refused and shown as a mismatch until replaced', async () => {
  const key = hostKeyPath(h2);
  const trusted = fingerprintOf(`${key}.pub`);
  // Keep the lab's key to put back: the lab's own known_hosts (and other tests) rely on it.
  copyFileSync(key, `${key}.corral-h4-orig`);
  copyFileSync(`${key}.pub`, `${key}.pub.corral-h4-orig`);
  try {
    await generateKey(key, `${h2.name}-regenerated`);
    reloadSshd(h2);
    const regenerated = fingerprintOf(`${key}.pub`);
    expect(regenerated).not.toBe(trusted);

    await hostCard(h2.name).getByRole('button', { name: 'Reconnect' }).click();
    await expect(statusOf(h2.name)).toHaveText('Host key changed', { timeout: 30_000 });
    const why = hostCard(h2.name).getByTestId('key-mismatch-explanation');
    await expect(why).toContainText(regenerated);
    await expect(why).toContainText(trusted);
    await expect(why).toContainText('refused the connection before sending any credential');
    // The other host is not affected.
    await expect(statusOf(h1.name)).toHaveText('Online');

    await hostCard(h2.name).getByRole('button', { name: 'Replace key…' }).click();
    const dialog = page.getByRole('dialog', { name: `Replace the host key of ${h2.name}?` });
    await expect(dialog.getByTestId('expected-fingerprint')).toHaveText(trusted);
    await expect(dialog.getByTestId('presented-fingerprint')).toHaveText(regenerated);
    await dialog.getByRole('button', { name: 'Replace key' }).click();
    await expect(statusOf(h2.name)).toHaveText('Online', { timeout: 30_000 });
    expect(readFileSync(join(server.dataDir, 'known_hosts'), 'utf8')).toContain(
      readFileSync(`${key}.pub`, 'utf8').split(' ')[1]!,
    );
  } finally {
    copyFileSync(`${key}.corral-h4-orig`, key);
    copyFileSync(`${key}.pub.corral-h4-orig`, `${key}.pub`);
    reloadSshd(h2);
  }
  expect(fingerprintOf(`${key}.pub`)).toBe(trusted);
});

test('a cut link is shown as unreachable within 20 s, and online again once restored', async () => {
  await expect(statusOf(h1.name)).toHaveText('Online');
  const cutAt = Date.now();
  await setHostLink(h1, false);
  try {
    // Marked unreachable within 20 s (keepalive, not a TCP reset), with a relative time.
    await expect(statusOf(h1.name)).toHaveText(/^Unreachable since (just now|\d+ min ago) — .+/, {
      timeout: 20_000,
    });
    console.log(`unreachable shown ${((Date.now() - cutAt) / 1000).toFixed(1)} s after the cut`);
  } finally {
    await setHostLink(h1, true);
  }
  const restoredAt = Date.now();
  await expect(statusOf(h1.name)).toHaveText('Online', { timeout: 90_000 });
  console.log(`online again ${((Date.now() - restoredAt) / 1000).toFixed(1)} s after the restore`);
});
