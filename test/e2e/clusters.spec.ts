import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { CorralError } from '../../api/errors';
import { nodeHostKey } from '../lab/clusters-support';
import { hostVirsh } from '../lab/guest';
import { LAB } from '../lab/config';
import { LAB_BASE_VOLUME } from '../lab/base-image-volumes';
import { run, shellQuote, sleep } from '../lab/exec';
import { labMpirunArgv } from '../lab/mpirun-argv';
import { readLabState, type LabHost, type LabState } from '../lab/state';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { openContractSocket } from './support/contract-socket';
import { markLabImageInUi } from './support/base-images';
import { typeUntil } from './support/console-typing';
import { addLabHosts } from './support/lab-hosts';
import { enterAsAdmin, signUp } from './support/sign-in';

/**
 * The clusters UI on two lab hosts: the administrator (user A) builds a 4-node cluster
 * with round robin through the wizard and sees the nodes alternate hosts in the preview and the
 * list; user B sees none of it and is refused when calling A's clusters.remove through the
 * contract; A adds a node with first fit, then deletes the cluster through the dialog. Host truth
 * (domains, volumes) is checked with virsh inside the hosts' namespaces. A node's serial console
 * opens on root's shell (automatic sign-in, the default); a second, 1-node cluster made with a
 * console password asks for it at the login prompt and accepts it.
 */
test.describe.configure({ mode: 'serial' });

const cluster = `h11ui-${process.pid % 100_000}`;
/** The second, 1-node cluster whose console asks for the password set in the wizard. */
const pwCluster = `${cluster}-pw`;
const CONSOLE_PASSWORD = 'corral console 42';
const nodeNames = (n: number) => Array.from({ length: n }, (_, i) => `${cluster}-${i}`);
// A slice of the lab segment nothing else hands out (lab guests start at .100).
// (.160-.199 belong to the cluster lab and crash tests, which may run at the same time.)
const POOL = { first: `${LAB.subnetPrefix}.150`, last: `${LAB.subnetPrefix}.154` };
const PW_POOL = { first: `${LAB.subnetPrefix}.155`, last: `${LAB.subnetPrefix}.159` };
const BOB = { username: 'bob', password: 'bob-password-e2e' };

let server: ServerProcess;
let lab: LabState;
let h1: LabHost;
let h2: LabHost;
let a: Page;
let bContext: BrowserContext;
let b: Page;

/** The cluster's domains and volumes as the hosts themselves report them. */
async function onHosts(): Promise<{ domains: string[]; volumes: string[] }> {
  const mine = (line: string) => line.startsWith(`${cluster}-`);
  const domains: string[] = [];
  const volumes: string[] = [];
  for (const h of [h1, h2]) {
    const d = (await hostVirsh(h, ['list', '--all', '--name'])).stdout.split('\n');
    domains.push(
      ...d
        .map((s) => s.trim())
        .filter(mine)
        .map((s) => `${h.name}:${s}`),
    );
    const v = (await hostVirsh(h, ['vol-list', 'default'])).stdout.split('\n');
    volumes.push(
      ...v
        .map((s) => s.trim().split(/\s+/)[0] ?? '')
        .filter(mine)
        .map((s) => `${h.name}:${s}`),
    );
  }
  return { domains: domains.sort(), volumes: volumes.sort() };
}

/**
 * Waits until the machine has room for `count` more guests (at most 8 alive machine-wide, shared
 * with other engineers): running domains on this machine's libvirtd and on every lab host.
 */
async function waitForRoom(count: number): Promise<void> {
  for (;;) {
    const local = (await run('virsh', ['-q', '-c', 'qemu:///system', 'list', '--name'])).stdout;
    let live = local.split('\n').filter((s) => s.trim()).length;
    for (const h of lab.hosts) {
      live += (await hostVirsh(h, ['list', '--name'])).stdout
        .split('\n')
        .filter((s) => s.trim()).length;
    }
    if (live + count <= LAB.maxLiveGuests) return;
    await sleep(2_000);
  }
}

async function removeLeftovers(): Promise<void> {
  for (const h of [h1, h2]) {
    if (!h) continue;
    const virsh = (...args: string[]) => hostVirsh(h, args).catch(() => undefined);
    const { domains, volumes } = await onHosts().catch(() => ({ domains: [], volumes: [] }));
    for (const d of domains.filter((x) => x.startsWith(`${h.name}:`))) {
      const name = d.slice(h.name.length + 1);
      await virsh('destroy', name);
      await virsh('undefine', name, '--nvram');
    }
    for (const v of volumes.filter((x) => x.startsWith(`${h.name}:`))) {
      await virsh('vol-delete', '--pool', 'default', v.slice(h.name.length + 1));
    }
  }
}

/**
 * Runs a command on node 0 as root with the lab key (pasted into the wizard), trusting only the
 * host key its domain metadata carries, read with virsh on its host.
 */
async function onNode0(argv: readonly string[]): Promise<string> {
  const key = await nodeHostKey(h1, `${cluster}-0`);
  const dir = mkdtempSync(join(tmpdir(), 'h11ui-'));
  try {
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `${POOL.first} ${key}\n`);
    const { stdout } = await run('ssh', [
      ...['-i', lab.sshKey, '-o', `UserKnownHostsFile=${knownHosts}`],
      ...['-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20'],
      `root@${POOL.first}`,
      '--',
      shellQuote(argv),
    ]);
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const clustersNav = (page: Page) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Clusters' });

/** Host name of each node in the clusters list, in node order. */
async function listedHosts(page: Page, n: number): Promise<string[]> {
  const out: string[] = [];
  for (const name of nodeNames(n))
    out.push(await page.getByTestId(`node-${name}-host`).innerText());
  return out;
}

test.beforeAll(async ({ browser }) => {
  const state = readLabState();
  if (!state || state.hosts.length < 2)
    throw new Error('the lab global setup did not bring 2 hosts up');
  lab = state;
  [h1, h2] = [state.hosts[0]!, state.hosts[1]!];
  await removeLeftovers();

  server = await startServerProcess();
  a = await browser.newPage();
  await enterAsAdmin(a, server);
  await addLabHosts(a, lab, [h1, h2]);
  // A (the administrator) builds the cluster: the image must be marked; no network policy needed.
  await markLabImageInUi(a, [h1, h2]);

  // User B: a second browser (its own cookie jar), signing up as a plain user.
  bContext = await browser.newContext();
  b = await bContext.newPage();
  await b.goto(`${server.url}#token=${server.token}`);
  await signUp(b, BOB.username, BOB.password);
});

test.afterAll(async () => {
  await b?.close();
  await bContext?.close();
  await a?.close();
  await server?.stop();
  await removeLeftovers();
});

test('A previews and creates a 4-node cluster with round robin; nodes alternate hosts', async () => {
  test.setTimeout(900_000);
  await clustersNav(a).click();
  await expect(a.getByRole('heading', { name: 'Clusters', level: 1 })).toBeVisible();
  await a.getByRole('button', { name: 'New cluster' }).click();
  const wizard = a.getByRole('form', { name: 'New cluster' });
  await wizard.getByLabel('Name', { exact: true }).fill(cluster);
  await wizard.getByLabel('Nodes', { exact: true }).fill('4');
  await wizard.getByLabel('vCPUs per node').fill('1');
  await wizard.getByLabel('Memory (MiB)').fill(String(LAB.guestMemoryMiB));
  await wizard.getByLabel('Disk (GiB)').fill('2');
  const image = wizard.getByLabel('Base image');
  // Both lab hosts have it (this computer, listed by itself, may count as a third online host).
  await expect(image.locator('option', { hasText: LAB_BASE_VOLUME })).toHaveText(
    new RegExp(`^${LAB_BASE_VOLUME.replaceAll('.', '\\.')} \\(on 2 of [23] hosts\\)$`),
  );
  await image.selectOption(LAB_BASE_VOLUME);
  const nic = wizard.getByRole('group', { name: 'Interface 1' });
  await nic.getByRole('radio', { name: 'Bridge' }).check();
  await nic.getByLabel('Bridge name').fill(LAB.hostBridge);
  await nic.getByLabel('Address pool (CIDR)').fill(`${LAB.subnetPrefix}.0/${LAB.prefixLength}`);
  await nic.getByLabel('First address').fill(POOL.first);
  await nic.getByLabel('Last address').fill(POOL.last);
  await wizard.getByRole('radio', { name: 'Round robin' }).check();
  await wizard.getByLabel('SSH public key (optional)').fill(lab.sshPublicKey);

  // A bad name is refused next to the field, before anything is sent.
  await wizard.getByLabel('Name', { exact: true }).fill('bad<name');
  await wizard.getByRole('button', { name: 'Preview placement' }).click();
  await expect(wizard.getByText('lower-case letters, digits and dashes')).toBeVisible();
  await expect(wizard.getByRole('button', { name: 'Create cluster' })).toBeDisabled();
  await wizard.getByLabel('Name', { exact: true }).fill(cluster);

  await wizard.getByRole('button', { name: 'Preview placement' }).click();
  const preview = wizard.getByRole('table', { name: 'Nodes in the preview' });
  await expect(preview.getByRole('row')).toHaveCount(5);
  const previewHosts: string[] = [];
  for (const name of nodeNames(4)) {
    previewHosts.push(
      await a.getByTestId(`preview-node-${name}`).locator('td').first().innerText(),
    );
  }
  expect(previewHosts).toEqual([h1.name, h2.name, h1.name, h2.name]);
  await expect(a.getByTestId(`preview-node-${cluster}-0`)).toContainText(POOL.first);
  const capacity = wizard.getByRole('table', { name: 'Host capacity in the preview' });
  for (const h of [h1, h2]) {
    await expect(capacity.getByTestId(`preview-host-${h.name}`)).toContainText('+2');
  }
  // Nothing exists on the hosts before "Create cluster".
  expect(await onHosts()).toEqual({ domains: [], volumes: [] });

  await waitForRoom(4);
  await wizard.getByRole('button', { name: 'Create cluster' }).click();
  await expect(wizard).toBeHidden();
  const op = a.getByRole('article', { name: `Operation: Create ${cluster}` });
  await expect(op).toBeVisible();
  await expect(
    op.getByRole('progressbar', { name: `Progress of Create ${cluster}` }),
  ).toBeVisible();
  await expect(op.locator('[data-testid$="-status"]')).toHaveText('succeeded', {
    timeout: 600_000,
  });
  for (const name of nodeNames(4)) {
    await expect(op.getByTestId(new RegExp(`-node-${name}-phase$`))).toHaveText('ready');
  }

  const card = a.getByTestId(`cluster-${cluster}`);
  await expect(
    card.getByRole('table', { name: `Nodes of ${cluster}` }).getByRole('row'),
  ).toHaveCount(5);
  expect(await listedHosts(a, 4)).toEqual([h1.name, h2.name, h1.name, h2.name]);
  await expect(a.getByTestId(`node-${cluster}-0-state`)).toHaveText(/running/i);

  // Every node answers SSH (the key pasted in the wizard) and reaches the others by name.
  for (const other of nodeNames(4).slice(1)) {
    const out = await onNode0(['ssh', '-o', 'BatchMode=yes', other, 'hostname']);
    expect(out.trim()).toBe(other);
  }

  const truth = await onHosts();
  expect(truth.domains).toEqual(
    [
      `${h1.name}:${cluster}-0`,
      `${h1.name}:${cluster}-2`,
      `${h2.name}:${cluster}-1`,
      `${h2.name}:${cluster}-3`,
    ].sort(),
  );
});

/** Every file under a folder, as one text (to look for what must not be there). */
function folderText(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f, 'latin1'))
    .join('\n');
}

/** A command whose answer differs from its echo (and from the prompt, which holds the name). */
const WHO = 'echo "shell=$(id -un) uname=$(uname -n)"';

/** Opens a node's serial console from the clusters list and waits until it is connected. */
async function openNodeConsole(page: Page, node: string) {
  await page.getByRole('button', { name: `Open console of ${node}` }).click();
  await expect(page.getByTestId(`console-${node}-status`)).toHaveText('Connected', {
    timeout: 30_000,
  });
  return page.getByRole('region', { name: `Console of ${node}` });
}

test('a node’s console signs root in automatically and answers uname -n with the node’s name', async () => {
  test.setTimeout(180_000);
  const node = `${cluster}-0`;
  await openNodeConsole(a, node);
  // No login prompt to answer: the first thing typed already runs in root's shell.
  await typeUntil(a, node, WHO, `shell=root uname=${node}`);
  await a.getByRole('button', { name: `Close console ${node}` }).click();
});

test('B sees none of it and is refused when calling remove through the contract', async () => {
  await clustersNav(b).click();
  await expect(b.getByText('No clusters yet')).toBeVisible();
  await expect(b.getByTestId(`cluster-${cluster}`)).toHaveCount(0);

  const cookies = await bContext.cookies(server.url);
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const { connection } = await openContractSocket(server.url, cookie);
  try {
    const mine = await connection.api.clusters.list({});
    expect(mine.map((c) => c.name)).not.toContain(cluster);
    const refused = await connection.api.clusters.remove({ cluster, confirm: nodeNames(4) }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(CorralError);
    expect(['forbidden', 'not-found']).toContain((refused as CorralError).code);
  } finally {
    connection.dispose();
  }
  // Refused means untouched.
  expect((await onHosts()).domains).toHaveLength(4);
  await expect(a.getByTestId(`cluster-${cluster}`)).toBeVisible();
});

test('A adds a node with first fit', async () => {
  test.setTimeout(600_000);
  await a.getByRole('button', { name: `Add nodes to ${cluster}` }).click();
  const dialog = a.getByRole('dialog', { name: `Add nodes to ${cluster}` });
  await dialog.getByLabel('Nodes to add').fill('1');
  await dialog.getByRole('radio', { name: 'First fit' }).check();
  await expect(dialog.getByRole('button', { name: 'Add nodes' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await expect(a.getByTestId(`preview-node-${cluster}-4`)).toBeVisible();
  await waitForRoom(1);
  await dialog.getByRole('button', { name: 'Add nodes' }).click();
  await expect(dialog).toBeHidden();
  const op = a.getByRole('article', { name: `Operation: Add nodes to ${cluster}` });
  await expect(op.locator('[data-testid$="-status"]')).toHaveText('succeeded', {
    timeout: 480_000,
  });
  const card = a.getByTestId(`cluster-${cluster}`);
  await expect(
    card.getByRole('table', { name: `Nodes of ${cluster}` }).getByRole('row'),
  ).toHaveCount(6);
  expect((await onHosts()).domains).toHaveLength(5);

  // The new node joined: MPI over the regenerated hostfile runs on all five at once.
  const out = await onNode0(labMpirunArgv(['--hostfile', '/etc/corral/hostfile'], 5, ['hostname']));
  expect(out.split('\n').filter(Boolean).sort()).toEqual(nodeNames(5));
});

test('A deletes the cluster through the dialog; nothing of it is left on either host', async () => {
  test.setTimeout(300_000);
  await a.getByRole('button', { name: `Delete ${cluster}` }).click();
  const dialog = a.getByRole('dialog', { name: `Delete ${cluster}?` });
  // The dialog names every domain and volume, per host.
  const truth = await onHosts();
  for (const h of [h1, h2]) {
    const domains = dialog.getByRole('list', { name: `Domains on ${h.name}` });
    const volumes = dialog.getByRole('list', { name: `Volumes on ${h.name}` });
    for (const d of truth.domains.filter((x) => x.startsWith(`${h.name}:`))) {
      await expect(domains).toContainText(d.slice(h.name.length + 1));
    }
    for (const v of truth.volumes.filter((x) => x.startsWith(`${h.name}:`))) {
      await expect(volumes).toContainText(v.slice(h.name.length + 1));
    }
  }
  const go = dialog.getByRole('button', { name: 'Delete cluster' });
  await expect(go).toBeDisabled();
  await dialog.getByLabel(`Type ${cluster} to confirm`).fill(cluster);
  await go.click();
  await expect(dialog).toBeHidden();
  const op = a.getByRole('article', { name: `Operation: Delete ${cluster}` });
  await expect(op.locator('[data-testid$="-status"]')).toHaveText('succeeded', {
    timeout: 240_000,
  });
  await expect(a.getByTestId(`cluster-${cluster}`)).toHaveCount(0);
  expect(await onHosts()).toEqual({ domains: [], volumes: [] });
});

test('on a second cluster, the console asks for the password set in the wizard and accepts it', async () => {
  test.setTimeout(600_000);
  await a.getByRole('button', { name: 'New cluster' }).click();
  const wizard = a.getByRole('form', { name: 'New cluster' });
  await wizard.getByLabel('Name', { exact: true }).fill(pwCluster);
  await wizard.getByLabel('Nodes', { exact: true }).fill('1');
  await wizard.getByLabel('vCPUs per node').fill('1');
  await wizard.getByLabel('Memory (MiB)').fill(String(LAB.guestMemoryMiB));
  await wizard.getByLabel('Disk (GiB)').fill('2');
  await wizard.getByLabel('Base image').selectOption(LAB_BASE_VOLUME);
  const nic = wizard.getByRole('group', { name: 'Interface 1' });
  await nic.getByLabel('Bridge name').fill(LAB.hostBridge);
  await nic.getByLabel('Address pool (CIDR)').fill(`${LAB.subnetPrefix}.0/${LAB.prefixLength}`);
  await nic.getByLabel('First address').fill(PW_POOL.first);
  await nic.getByLabel('Last address').fill(PW_POOL.last);
  // Automatic sign-in is the default; this owner sets a console password instead.
  await expect(wizard.getByRole('radio', { name: 'Sign in as root automatically' })).toBeChecked();
  await wizard.getByRole('radio', { name: 'Set a console password' }).check();
  await wizard.getByLabel('Console password', { exact: true }).fill(CONSOLE_PASSWORD);
  await wizard.getByLabel('Repeat the console password').fill(`${CONSOLE_PASSWORD}!`);
  await wizard.getByRole('button', { name: 'Preview placement' }).click();
  await expect(wizard.getByText('the two passwords differ')).toBeVisible();
  await wizard.getByLabel('Repeat the console password').fill(CONSOLE_PASSWORD);
  await wizard.getByRole('button', { name: 'Preview placement' }).click();
  await expect(a.getByTestId(`preview-node-${pwCluster}-0`)).toContainText(PW_POOL.first);
  await waitForRoom(1);
  await wizard.getByRole('button', { name: 'Create cluster' }).click();
  await expect(wizard).toBeHidden();
  const op = a.getByRole('article', { name: `Operation: Create ${pwCluster}` });
  await expect(op.locator('[data-testid$="-status"]')).toHaveText('succeeded', {
    timeout: 480_000,
  });

  const node = `${pwCluster}-0`;
  // Host truth: the node's seed volume and its domain metadata hold the password's hash, and
  // neither they nor anything in Corral's data folder holds the password itself.
  const { domains, volumes } = await onHosts();
  const host = [h1, h2].find((h) => domains.includes(`${h.name}:${node}`))!;
  const seedVolume = volumes
    .map((v) => v.slice(host.name.length + 1))
    .find((v) => v.startsWith(`${node}-`) && v.endsWith('-seed.iso'))!;
  const seed = readFileSync(join(host.dir, 'var-lib-libvirt', 'images', seedVolume), 'latin1');
  const hash = /\$6\$[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}/.exec(seed)?.[0];
  expect(hash).toBeDefined();
  const xml = (await hostVirsh(host, ['dumpxml', node])).stdout;
  expect(xml).toContain(hash);
  for (const text of [seed, xml, folderText(server.dataDir)]) {
    expect(text).not.toContain(CONSOLE_PASSWORD);
  }

  const screen = await openNodeConsole(a, node);
  const row = (text: string | RegExp) => screen.getByRole('listitem').filter({ hasText: text });
  // No automatic sign-in this time: the getty asks who is there.
  await expect(async () => {
    await screen.click();
    await a.keyboard.press('Enter');
    await expect(row(/login:/).last()).toBeAttached({ timeout: 2_000 });
  }).toPass({ timeout: 90_000 });
  await a.keyboard.type('root\n');
  await expect(row(/Password:/).last()).toBeAttached({ timeout: 30_000 });
  await a.keyboard.type(`${CONSOLE_PASSWORD}\n`);
  await typeUntil(a, node, WHO, `shell=root uname=${node}`);
  await a.getByRole('button', { name: `Close console ${node}` }).click();
});
