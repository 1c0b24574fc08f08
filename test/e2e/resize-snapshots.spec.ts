import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { nodeHostKey, nodeSsh, waitForRoom } from '../lab/clusters-support';
import { LAB } from '../lab/config';
import { LAB_BASE_VOLUME } from '../lab/base-image-volumes';
import { hostVirsh } from '../lab/guest';
import { sleep } from '../lab/exec';
import { readLabState, type LabHost, type LabState } from '../lab/state';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { markLabImageInUi } from './support/base-images';
import { addLabHosts } from './support/lab-hosts';
import { enterAsAdmin } from './support/sign-in';
import { openTasksTab, taskRow } from './support/tasks-tab';

/**
 * Resize, VM snapshots and cluster checkpoints through the UI, on one 2-node cluster spread over
 * two lab hosts: a snapshot taken and reverted from the VM's details (a file made after it is gone,
 * one made before it is there), a checkpoint of the whole cluster created and reverted from its
 * card (markers back on both nodes, which still reach each other by name), a running node grown
 * live from the resize dialog, and a revert across that vCPU change explained before it is
 * allowed. Host truth is read with virsh inside the hosts' namespaces.
 */
test.describe.configure({ mode: 'serial' });

const cluster = `rsnap-${process.pid % 100_000}`;
const node = (i: number) => `${cluster}-${i}`;
// A slice of the lab segment no other spec, lab test or bench hands out.
const POOL = { first: `${LAB.subnetPrefix}.224`, last: `${LAB.subnetPrefix}.225` };
const addressOf = (i: number) => `${LAB.subnetPrefix}.${224 + i}`;
const SNAPSHOT = 'e2e-before';
const CHECKPOINT = 'e2e-cp';

let server: ServerProcess;
let lab: LabState;
let h1: LabHost;
let h2: LabHost;
let page: Page;
let sshDir: string;

/** The host node `i` lands on (round robin: node 0 on the first host, node 1 on the second). */
const hostOf = (i: number) => (i % 2 === 0 ? h1 : h2);

async function virsh(host: LabHost, ...args: string[]): Promise<string> {
  return (await hostVirsh(host, args)).stdout.trim();
}

/** Runs `argv` on node `i` as root, trusting only the host key its domain metadata names. */
async function onNode(i: number, argv: string[]): Promise<string> {
  const key = await nodeHostKey(hostOf(i), node(i));
  return (await nodeSsh(lab, sshDir, addressOf(i), key, argv)).stdout;
}

/** Polls a command on a node until its output passes `check` (the guest may be resuming). */
async function untilOnNode(i: number, argv: string[], check: (out: string) => boolean) {
  let last = '';
  for (let tries = 0; tries < 60; tries++) {
    try {
      last = await onNode(i, argv);
      if (check(last)) return last;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(2_000);
  }
  throw new Error(`${node(i)}: ${argv.join(' ')} never passed; last: ${last}`);
}

/** Which of `names` exist in /root on node `i`. */
async function markers(i: number, names: string[]): Promise<string[]> {
  const out = await onNode(i, ['ls', '/root']);
  const present = out.split('\n').map((l) => l.trim());
  return names.filter((n) => present.includes(n));
}

async function removeLeftovers(): Promise<void> {
  for (const h of [h1, h2]) {
    if (!h) continue;
    const run = (...args: string[]) => hostVirsh(h, args).catch(() => undefined);
    const domains = (await virsh(h, 'list', '--all', '--name').catch(() => ''))
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s.startsWith(`${cluster}-`));
    for (const d of domains) {
      await run('destroy', d);
      // Internal snapshots live in the volume; their metadata goes with the domain.
      await run('undefine', d, '--snapshots-metadata', '--nvram');
    }
    const volumes = (await virsh(h, 'vol-list', 'default').catch(() => ''))
      .split('\n')
      .map((s) => s.trim().split(/\s+/)[0] ?? '')
      .filter((s) => s.startsWith(`${cluster}-`));
    for (const v of volumes) await run('vol-delete', '--pool', 'default', v);
  }
}

const nav = (name: string) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name, exact: true });

/** Opens node `i`'s details in the topology. */
async function openDetails(i: number) {
  await nav('Topology').click();
  await page.getByRole('textbox', { name: 'Filter', exact: true }).fill(cluster);
  const details = page.getByRole('complementary', { name: `Details of ${node(i)}` });
  if (!(await details.isVisible())) {
    await page.getByRole('button', { name: node(i), exact: true }).click();
  }
  await expect(details).toBeVisible();
  return details;
}

/** Opens the checkpoints section of the cluster's card (it starts closed on each visit). */
async function openCheckpoints(card: Locator) {
  const toggle = card.getByRole('button', { name: `Checkpoints of ${cluster}`, exact: true });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
}

const toasts = () => page.getByRole('list', { name: 'Notifications' });

/** Regex for a title that starts with `text` (escaped). */
const startsWith = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

/** The task titled `title…` in the Tasks tab ended as it should. */
async function expectTaskSucceeded(title: string) {
  await openTasksTab(page);
  await expect(taskRow(page, startsWith(title)).getByTestId('task-status')).toHaveText(
    'succeeded',
    { timeout: 60_000 },
  );
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(900_000);
  const state = readLabState();
  if (!state || state.hosts.length < 2)
    throw new Error('the lab global setup did not bring 2 hosts up');
  lab = state;
  [h1, h2] = [state.hosts[0]!, state.hosts[1]!];
  sshDir = mkdtempSync(join(tmpdir(), 'rsnap-'));
  await removeLeftovers();

  server = await startServerProcess();
  page = await browser.newPage();
  await enterAsAdmin(page, server);
  await addLabHosts(page, lab, [h1, h2]);
  await markLabImageInUi(page, [h1, h2]);

  // The cluster every test uses, made through the wizard: 2 nodes, one on each host.
  await nav('Clusters').click();
  await page.getByRole('button', { name: 'New cluster' }).click();
  const wizard = page.getByRole('form', { name: 'New cluster' });
  await wizard.getByLabel('Name', { exact: true }).fill(cluster);
  await wizard.getByLabel('Nodes', { exact: true }).fill('2');
  await wizard.getByLabel('vCPUs per node').fill('1');
  await wizard.getByLabel('Memory (MiB)').fill(String(LAB.guestMemoryMiB));
  await wizard.getByLabel('Disk (GiB)').fill('2');
  await wizard.getByLabel('Base image').selectOption(LAB_BASE_VOLUME);
  const nic = wizard.getByRole('group', { name: 'Interface 1' });
  await nic.getByLabel('Bridge name').fill(LAB.hostBridge);
  await nic.getByLabel('Address pool (CIDR)').fill(`${LAB.subnetPrefix}.0/${LAB.prefixLength}`);
  await nic.getByLabel('First address').fill(POOL.first);
  await nic.getByLabel('Last address').fill(POOL.last);
  await wizard.getByRole('radio', { name: 'Round robin' }).check();
  await wizard.getByLabel('SSH public key (optional)').fill(lab.sshPublicKey);
  await wizard.getByRole('button', { name: 'Preview placement' }).click();
  await expect(page.getByTestId(`preview-node-${node(1)}`)).toContainText(h2.name);
  await waitForRoom(lab, 2);
  await wizard.getByRole('button', { name: 'Create cluster' }).click();
  await expect(wizard).toBeHidden();
  const card = page.getByTestId(`cluster-${cluster}`);
  await expect(
    card.getByRole('table', { name: `Nodes of ${cluster}` }).getByRole('row'),
  ).toHaveCount(3, { timeout: 600_000 });
  for (const i of [0, 1]) {
    await untilOnNode(i, ['hostname'], (out) => out.trim() === node(i));
  }
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
  await removeLeftovers();
  if (sshDir) rmSync(sshDir, { recursive: true, force: true });
});

test('takes and reverts a VM snapshot from its details: a file made after it is gone', async () => {
  test.setTimeout(300_000);
  await onNode(0, ['sh', '-c', 'echo before > /root/marker-before && sync']);
  const details = await openDetails(0);
  const panel = details.getByTestId('vm-snapshots');
  await expect(panel).toContainText('No snapshots yet.');

  await details.getByRole('button', { name: `Take a snapshot of ${node(0)}` }).click();
  const take = page.getByRole('dialog', { name: `Take a snapshot of ${node(0)}` });
  // The name is checked before anything is sent.
  await take.getByLabel('Name', { exact: true }).fill('not a name');
  await take.getByRole('button', { name: 'Take snapshot' }).click();
  await expect(take).toContainText('letters, digits, dot, dash and underscore only');
  await take.getByLabel('Name', { exact: true }).fill(SNAPSHOT);
  await take.getByLabel('Description (optional)').fill('before the marker');
  await expect(take.getByRole('switch', { name: /Include the memory/ })).toBeChecked();
  await take.getByRole('button', { name: 'Take snapshot' }).click();
  await expect(take).toBeHidden();
  await expect(toasts()).toContainText(
    new RegExp(`(Started|Done): Snapshot ${node(0)}: ${SNAPSHOT}`),
  );

  const row = panel.getByTestId(`snapshot-${SNAPSHOT}`);
  await expect(row).toContainText('current', { timeout: 120_000 });
  await expect(row).toContainText('running, with memory');
  // Host truth: the snapshot is there, and it is the current one.
  expect((await virsh(h1, 'snapshot-list', node(0), '--name')).split('\n')).toContain(SNAPSHOT);
  expect(await virsh(h1, 'snapshot-current', node(0), '--name')).toBe(SNAPSHOT);

  await onNode(0, ['sh', '-c', 'echo after > /root/marker-after && sync']);
  expect(await markers(0, ['marker-before', 'marker-after'])).toEqual([
    'marker-before',
    'marker-after',
  ]);

  await panel.getByRole('button', { name: `Actions for snapshot ${SNAPSHOT}` }).click();
  await page.getByRole('menuitem', { name: 'Revert…' }).click();
  const revert = page.getByRole('dialog', { name: `Revert ${node(0)} to ${SNAPSHOT}?` });
  await expect(revert).toContainText('The revert can go ahead.', { timeout: 30_000 });
  await page.screenshot({ path: 'test-results/snapshot-revert.png' });
  await revert.getByRole('button', { name: 'Revert' }).click();
  await expect(revert).toBeHidden();

  // The guest resumes from the snapshot's memory: the later file is gone, the earlier one is not.
  await untilOnNode(0, ['ls', '/root'], (out) => !out.includes('marker-after'));
  expect(await markers(0, ['marker-before', 'marker-after'])).toEqual(['marker-before']);
  expect(await virsh(h1, 'domstate', node(0))).toBe('running');
  // Both ran as tasks, listed in the Tasks tab.
  await expectTaskSucceeded(`Snapshot ${node(0)}: ${SNAPSHOT}`);
  await expectTaskSucceeded(`Revert ${node(0)} to ${SNAPSHOT}`);
});

test('checkpoints the cluster from its card and reverts it: markers come back on both hosts', async () => {
  test.setTimeout(420_000);
  for (const i of [0, 1]) await onNode(i, ['sh', '-c', 'echo cp > /root/cp-marker && sync']);

  await nav('Clusters').click();
  const card = page.getByTestId(`cluster-${cluster}`);
  await openCheckpoints(card);
  await card.getByRole('button', { name: `Create a checkpoint of ${cluster}` }).click();
  const create = page.getByRole('dialog', { name: `Create a checkpoint of ${cluster}` });
  await create.getByLabel('Name', { exact: true }).fill(CHECKPOINT);
  await create.getByRole('button', { name: 'Create checkpoint' }).click();
  await expect(create).toBeHidden();
  const row = card.getByTestId(`checkpoint-${CHECKPOINT}`);
  await expect(row).toContainText(`${node(0)}, ${node(1)}`, { timeout: 180_000 });
  // Host truth: each node on its own host holds the checkpoint.
  for (const i of [0, 1]) {
    const list = await virsh(hostOf(i), 'snapshot-list', node(i), '--name');
    expect(list.split('\n')).toContain(CHECKPOINT);
  }

  await page.screenshot({ path: 'test-results/cluster-checkpoints.png' });
  for (const i of [0, 1]) await onNode(i, ['sh', '-c', 'rm /root/cp-marker && sync']);
  expect(await markers(0, ['cp-marker'])).toEqual([]);

  await card.getByRole('button', { name: `Actions for checkpoint ${CHECKPOINT}` }).click();
  await page.getByRole('menuitem', { name: 'Revert…' }).click();
  const revert = page.getByRole('dialog', { name: `Revert ${cluster} to ${CHECKPOINT}?` });
  await expect(revert).toContainText('The revert can go ahead.', { timeout: 30_000 });
  await revert.getByRole('button', { name: 'Revert' }).click();
  await expect(revert).toBeHidden();

  for (const i of [0, 1]) {
    await untilOnNode(i, ['ls', '/root'], (out) => out.includes('cp-marker'));
    expect(await virsh(hostOf(i), 'domstate', node(i))).toBe('running');
  }
  // The nodes still reach each other by name after going back together.
  expect((await onNode(0, ['ssh', '-o', 'BatchMode=yes', node(1), 'hostname'])).trim()).toBe(
    node(1),
  );
  await expectTaskSucceeded(`Checkpoint ${cluster}: ${CHECKPOINT}`);
  await expectTaskSucceeded(`Revert ${cluster} to ${CHECKPOINT}`);
});

test('grows a running node live from the resize dialog; virsh dominfo agrees', async () => {
  test.setTimeout(240_000);
  const details = await openDetails(0);
  await details.getByRole('button', { name: `Resize ${node(0)}` }).click();
  const dialog = page.getByRole('dialog', { name: `Resize ${node(0)}` });
  const memory = dialog.getByLabel('Memory (MiB)');
  await expect(memory).toHaveValue(String(LAB.guestMemoryMiB));
  await expect(dialog.getByLabel('vCPUs')).toHaveValue('1');
  const grown = LAB.guestMemoryMiB + 128;
  await memory.fill(String(grown));
  await expect(dialog).toContainText('Applies live, up to the maximum of');
  await dialog.getByLabel('vCPUs').fill('2');
  // A smaller disk is refused in the form, with the reason.
  await dialog.getByLabel('Disk (GiB)').fill('1');
  await dialog.getByRole('button', { name: 'Resize' }).click();
  await expect(dialog).toContainText('a disk only grows');
  await page.screenshot({ path: 'test-results/resize-dialog.png' });
  await dialog.getByLabel('Disk (GiB)').fill('2');
  await dialog.getByRole('button', { name: 'Resize' }).click();
  await expect(dialog).toBeHidden();
  // The task's notice (its start, or its end once it is over) leads to it in the Tasks tab.
  const notice = toasts()
    .getByRole('listitem')
    .filter({ hasText: new RegExp(`(Started|Done): Resize ${node(0)}`) });
  await notice.getByRole('button', { name: 'Show in Tasks' }).click();
  await expect(page.getByRole('tab', { name: /^Tasks/ })).toHaveAttribute('aria-selected', 'true');
  await expect(
    taskRow(page, startsWith(`Resize ${node(0)}`)).getByTestId('task-status'),
  ).toHaveText('succeeded', { timeout: 120_000 });

  await expect(async () => {
    const info = await virsh(h1, 'dominfo', node(0));
    expect(info).toMatch(/^CPU\(s\):\s+2$/m);
    expect(info).toMatch(new RegExp(`^Used memory:\\s+${grown * 1024} KiB$`, 'm'));
  }).toPass({ timeout: 120_000 });
  expect(await virsh(h1, 'domstate', node(0))).toBe('running');
  await expect(details.getByTestId('vm-details-vcpus')).toHaveText(/^2/);
});

test('a revert across the live vCPU change is explained before it is allowed', async () => {
  const details = await openDetails(0);
  const panel = details.getByTestId('vm-snapshots');
  await panel.getByRole('button', { name: `Actions for snapshot ${SNAPSHOT}` }).click();
  await page.getByRole('menuitem', { name: 'Revert…' }).click();
  const revert = page.getByRole('dialog', { name: `Revert ${node(0)} to ${SNAPSHOT}?` });
  const problems = revert.getByTestId('revert-problems');
  await expect(problems).toContainText(/vCPU/i, { timeout: 30_000 });
  await expect(revert.getByRole('button', { name: 'Revert' })).toBeDisabled();
  await page.screenshot({ path: 'test-results/snapshot-revert-refused.png' });
  await revert.getByRole('button', { name: 'Cancel' }).click();
  await page.screenshot({ path: 'test-results/vm-details-snapshots.png' });
  // Nothing was touched: the node runs on with 2 vCPUs.
  expect(await virsh(h1, 'dominfo', node(0))).toMatch(/^CPU\(s\):\s+2$/m);
});

test('resizes every node of the cluster at once from its card; both hosts agree', async () => {
  test.setTimeout(240_000);
  await nav('Clusters').click();
  const card = page.getByTestId(`cluster-${cluster}`);
  await card.getByRole('button', { name: `Resize nodes of ${cluster}` }).click();
  const dialog = page.getByRole('dialog', { name: `Resize nodes of ${cluster}` });
  // Prefilled from the first node as its host reports it: 2 vCPUs since the test before.
  await expect(dialog.getByLabel('vCPUs')).toHaveValue('2');
  await expect(dialog.getByLabel('Memory (MiB)')).toHaveValue(/^\d+$/);
  const memory = LAB.guestMemoryMiB + 192;
  await dialog.getByLabel('Memory (MiB)').fill(String(memory));
  await expect(dialog).toContainText('Applies live, up to the maximum of');
  await dialog.getByRole('button', { name: 'Resize' }).click();
  await expect(dialog).toBeHidden();
  for (const i of [0, 1]) {
    await expect(async () => {
      const info = await virsh(hostOf(i), 'dominfo', node(i));
      expect(info).toMatch(new RegExp(`^Used memory:\\s+${memory * 1024} KiB$`, 'm'));
    }).toPass({ timeout: 120_000 });
  }
  await expectTaskSucceeded(`Resize cluster ${cluster}`);
});

test('deletes the checkpoint from every node, then the snapshot; the hosts agree', async () => {
  test.setTimeout(240_000);
  await nav('Clusters').click();
  const card = page.getByTestId(`cluster-${cluster}`);
  await openCheckpoints(card);
  await card.getByRole('button', { name: `Actions for checkpoint ${CHECKPOINT}` }).click();
  await page.getByRole('menuitem', { name: 'Delete…' }).click();
  const del = page.getByRole('dialog', { name: `Delete checkpoint ${CHECKPOINT}?` });
  await del.getByRole('button', { name: 'Delete' }).click();
  await expect(del).toBeHidden();
  await expect(card.getByTestId(`checkpoint-${CHECKPOINT}`)).toHaveCount(0, { timeout: 60_000 });
  for (const i of [0, 1]) {
    const list = await virsh(hostOf(i), 'snapshot-list', node(i), '--name');
    expect(list.split('\n')).not.toContain(CHECKPOINT);
  }

  const details = await openDetails(0);
  const panel = details.getByTestId('vm-snapshots');
  await panel.getByRole('button', { name: `Actions for snapshot ${SNAPSHOT}` }).click();
  await page.getByRole('menuitem', { name: 'Delete…' }).click();
  const delSnap = page.getByRole('dialog', { name: `Delete snapshot ${SNAPSHOT}?` });
  await delSnap.getByRole('button', { name: 'Delete' }).click();
  await expect(delSnap).toBeHidden();
  await expect(panel).toContainText('No snapshots yet.', { timeout: 60_000 });
  expect(await virsh(h1, 'snapshot-list', node(0), '--name')).toBe('');
  expect(await virsh(h1, 'domstate', node(0))).toBe('running');
});

test('memory beyond the maximum waits for the next boot and shows as pending in the details', async () => {
  test.setTimeout(180_000);
  const details = await openDetails(1);
  await details.getByRole('button', { name: `Resize ${node(1)}` }).click();
  const dialog = page.getByRole('dialog', { name: `Resize ${node(1)}` });
  const beyond = 4 * LAB.guestMemoryMiB;
  await dialog.getByLabel('Memory (MiB)').fill(String(beyond));
  await expect(dialog).toContainText('applies at the next boot (pending until then)');
  await dialog.getByRole('button', { name: 'Resize' }).click();
  await expect(dialog).toBeHidden();
  await expect(details.getByTestId('vm-details-pending')).toContainText(`memory ${beyond} MiB`, {
    timeout: 60_000,
  });
  // Host truth: the definition holds it, the running node does not.
  const inactive = await virsh(h2, 'dumpxml', '--inactive', node(1));
  expect(inactive).toMatch(
    new RegExp(`<currentMemory unit='KiB'>${beyond * 1024}</currentMemory>`),
  );
  expect(await virsh(h2, 'dominfo', node(1))).not.toMatch(
    new RegExp(`^Used memory:\\s+${beyond * 1024} KiB$`, 'm'),
  );
});
