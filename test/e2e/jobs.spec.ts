import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { nodeHostKey, nodeSsh, waitForRoom } from '../lab/clusters-support';
import { LAB } from '../lab/config';
import { LAB_BASE_VOLUME } from '../lab/base-image-volumes';
import { hostVirsh } from '../lab/guest';
import { readLabState, type LabHost, type LabState } from '../lab/state';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { markLabImageInUi } from './support/base-images';
import { addLabHosts } from './support/lab-hosts';
import { enterAsAdmin } from './support/sign-in';

/**
 * MPI jobs through the UI on one 2-node cluster spread over two lab hosts: a C program carried
 * by a real drop event onto the cluster's card is uploaded, built, distributed and run, and each
 * rank's pane shows its own lines (stderr marked in words); an endless program dropped on the
 * cluster's row in the topology tree is cancelled from its page, ends cancelled, and leaves no
 * process on either node (host truth read over SSH).
 */
test.describe.configure({ mode: 'serial' });

const cluster = `jobs-${process.pid % 100_000}`;
const node = (i: number) => `${cluster}-${i}`;
// The lab segment's slice for this spec: no other spec, lab test or bench hands it out.
const POOL = { first: `${LAB.subnetPrefix}.215`, last: `${LAB.subnetPrefix}.219` };
const addressOf = (i: number) => `${LAB.subnetPrefix}.${215 + i}`;

const HELLO = `#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv) {
  int rank, size, len;
  char host[MPI_MAX_PROCESSOR_NAME];
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Get_processor_name(host, &len);
  printf("hello from rank %d of %d on %s\\n", rank, size, host);
  fprintf(stderr, "rank %d complains on stderr\\n", rank);
  MPI_Finalize();
  return 0;
}
`;

const ENDLESS = `#include <mpi.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int rank;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  for (int i = 0;; i++) {
    printf("tick %d from rank %d\\n", i, rank);
    fflush(stdout);
    sleep(1);
  }
}
`;

let server: ServerProcess;
let lab: LabState;
let h1: LabHost;
let h2: LabHost;
let page: Page;
let sshDir: string;

const hostOf = (i: number) => (i % 2 === 0 ? h1 : h2);

async function virsh(host: LabHost, ...args: string[]): Promise<string> {
  return (await hostVirsh(host, args)).stdout.trim();
}

async function onNode(i: number, argv: string[]): Promise<string> {
  const key = await nodeHostKey(hostOf(i), node(i));
  return (await nodeSsh(lab, sshDir, addressOf(i), key, argv)).stdout;
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
      await run('undefine', d, '--nvram');
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

/**
 * A real drop of one file on `target`: the DataTransfer and its File are made in the page, and
 * dragenter, dragover and drop are dispatched on the element as the browser would.
 */
async function dropFile(target: Locator, name: string, text: string): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ name, text }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: 'text/x-csrc' }));
      return dt;
    },
    { name, text },
  );
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await target.dispatchEvent(type, { dataTransfer: transfer });
  }
}

/** Waits for the run dialog of `program`, for the upload to finish, and starts the job. */
async function startFromDialog(program: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: `Run ${program} on ${cluster}` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('job-upload-status')).toContainText('Ready to start', {
    timeout: 30_000,
  });
  await expect(dialog.getByLabel('Ranks', { exact: true })).toHaveValue('');
  await dialog.getByRole('button', { name: 'Start job' }).click();
  // Core checks every node over SSH before it answers the start.
  await expect(dialog).toBeHidden({ timeout: 60_000 });
}

/** The open job page of `program` in the dock's Jobs tab. */
const jobPage = (program: string) =>
  page.getByRole('region', { name: new RegExp(`^Job ${program.replace('.', '\\.')} `) });

/**
 * A terminal pane's accessible rows hold a line with `text`. xterm draws (and fills its
 * accessible rows) only while on screen, so the pane is scrolled into the dock's view first, as
 * a person would.
 */
async function expectLine(pane: Locator, text: string | RegExp, timeout = 60_000) {
  await pane.scrollIntoViewIfNeeded();
  await expect(pane.getByRole('listitem').filter({ hasText: text }).first()).toBeAttached({
    timeout,
  });
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(900_000);
  const state = readLabState();
  if (!state || state.hosts.length < 2)
    throw new Error('the lab global setup did not bring 2 hosts up');
  lab = state;
  [h1, h2] = [state.hosts[0]!, state.hosts[1]!];
  sshDir = mkdtempSync(join(tmpdir(), 'jobs-e2e-'));
  await removeLeftovers();

  server = await startServerProcess();
  page = await browser.newPage();
  await enterAsAdmin(page, server);
  await addLabHosts(page, lab, [h1, h2]);
  await markLabImageInUi(page, [h1, h2]);

  // 2 nodes, one on each host, through the wizard.
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
  // Usable once its creation has ended (keys, hostfiles, sign-in), not when its domains first
  // run: until then the cluster's nodes are busy with that task.
  await expect(
    page
      .getByRole('article', { name: `Operation: Create ${cluster}` })
      .locator('[data-testid$="-status"]'),
  ).toHaveText('succeeded', { timeout: 600_000 });
  const card = page.getByTestId(`cluster-${cluster}`);
  await expect(
    card.getByRole('table', { name: `Nodes of ${cluster}` }).getByRole('row'),
  ).toHaveCount(3, { timeout: 600_000 });
  await expect(card.getByTestId(`node-${node(1)}-state`)).toHaveText('running');
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
  await removeLeftovers();
  if (sshDir) rmSync(sshDir, { recursive: true, force: true });
});

test('a C program dropped on the cluster card builds, runs, and shows each rank in its own pane', async () => {
  test.setTimeout(420_000);
  await nav('Clusters').click();
  const card = page.getByRole('article', { name: cluster, exact: true });
  await dropFile(card, 'hello.c', HELLO);
  await startFromDialog('hello.c');

  // The job's page opens in the dock's Jobs tab.
  await expect(page.getByRole('tab', { name: 'Jobs', exact: true })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  const job = jobPage('hello.c');
  await expect(job.getByTestId('job-page-status')).toHaveText('Status: succeeded', {
    timeout: 300_000,
  });
  // One pane per rank, titled with its node, holding that rank's lines; stderr says so in words.
  for (const r of [0, 1]) {
    const pane = job.getByRole('region', { name: new RegExp(`^rank ${r} on ${cluster}-[01]$`) });
    await expect(pane).toBeVisible();
    await expectLine(pane, new RegExp(`hello from rank ${r} of 2 on ${cluster}-[01]`));
    await expectLine(pane, `[stderr] rank ${r} complains on stderr`);
    await expect(pane.getByRole('listitem').filter({ hasText: `rank ${1 - r} ` })).toHaveCount(0);
  }
  // Both nodes ran a rank.
  const titles = await job
    .getByRole('region', { name: /^rank \d on / })
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  expect(new Set(titles.map((t) => t?.split(' on ')[1]))).toEqual(new Set([node(0), node(1)]));
  await expect(job.getByRole('table', { name: 'Rank timeline' })).toContainText('exit code 0');

  // The merged view tags each line with its rank.
  await job.getByRole('tab', { name: 'Merged' }).click();
  const merged = job.getByRole('region', { name: 'All ranks, tagged' });
  await expectLine(merged, /^\[0\] hello from rank 0 of 2/);
  await expectLine(merged, '[1 stderr] rank 1 complains on stderr');
  await page.screenshot({ path: 'test-results/job-hello.png' });

  // The history lists it, with its status in words.
  await job.getByRole('tab', { name: 'Per rank' }).click();
  await page.getByRole('tab', { name: 'History' }).click();
  const history = page.getByRole('table', { name: `Jobs on ${cluster}` });
  await expect(history.getByRole('row').filter({ hasText: 'hello.c' }).first()).toContainText(
    'succeeded',
  );
});

test('an endless program dropped on the tree row is cancelled from its page and leaves nothing running', async () => {
  test.setTimeout(420_000);
  await nav('Topology').click();
  await page.getByRole('textbox', { name: 'Filter', exact: true }).fill(cluster);
  const row = page
    .locator('.trow-cluster')
    .filter({ hasText: `Cluster ${cluster}` })
    .first();
  await dropFile(row, 'endless.c', ENDLESS);
  await startFromDialog('endless.c');

  const job = jobPage('endless.c');
  await expect(job.getByTestId('job-page-status')).toHaveText('Status: running', {
    timeout: 300_000,
  });
  await expectLine(job.getByRole('region', { name: /^rank 0 on / }), /tick \d+ from rank 0/);
  await job.getByRole('button', { name: /^Cancel job endless\.c/ }).click();
  await expect(job.getByTestId('job-page-status')).toHaveText(/^Status: cancelled/, {
    timeout: 60_000,
  });
  // Host truth: no rank of it is left on either node.
  for (const i of [0, 1]) {
    const left = await onNode(i, ['sh', '-c', 'pgrep -f [e]ndless || true']);
    expect(left.trim()).toBe('');
  }
});
