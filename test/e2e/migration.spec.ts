import { expect, test, type Locator, type Page } from '@playwright/test';
import { cleanLab, hostLeftovers, waitForRoom } from '../lab/clusters-support';
import { LAB } from '../lab/config';
import { LAB_BASE_VOLUME } from '../lab/base-image-volumes';
import { hostVirsh } from '../lab/guest';
import { readLabState, type LabHost, type LabState } from '../lab/state';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { markLabImageInUi } from './support/base-images';
import { typeUntil } from './support/console-typing';
import { addLabHosts } from './support/lab-hosts';
import { enterAsAdmin } from './support/sign-in';
import { openTasksTab, tasksTable } from './support/tasks-tab';

/**
 * Live migration through the UI, on a 1-node cluster made with the wizard: the VM's details offer
 * Migrate… (the keyboard's way), dragging the VM onto the other host in the map opens the same
 * dialog with that host chosen, the pre-flight reads as text, and the confirmed migration is
 * followed in the Tasks tab (phase, percentage, time left) until it succeeds. Host truth comes
 * from virsh on both hosts; the console opened before the move keeps answering after it.
 */
test.describe.configure({ mode: 'serial' });

const cluster = `mig-${process.pid % 100_000}`;
const node = `${cluster}-0`;
// A slice of the lab segment no other spec, lab test or bench hands out.
const POOL = { first: `${LAB.subnetPrefix}.200`, last: `${LAB.subnetPrefix}.203` };

let server: ServerProcess;
let lab: LabState;
let page: Page;
/** Where the node was placed, and the other host (read with virsh once it exists). */
let source: LabHost;
let target: LabHost;

async function virsh(host: LabHost, ...args: string[]): Promise<string> {
  return (await hostVirsh(host, args)).stdout.trim();
}

const nav = (name: string) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name, exact: true });
const map = () => page.getByRole('application', { name: 'Topology map' });
const migrateDialog = () => page.getByRole('dialog', { name: `Migrate ${node}` });

/**
 * Waits for the pre-flight's verdict and expects it to let the move go ahead; a refusal fails
 * with the whole verdict as the dialog shows it (every blocker with its remedy).
 */
async function expectMovable(dialog: Locator): Promise<void> {
  const verdict = dialog.getByTestId('migrate-preflight');
  await expect(verdict).toBeVisible({ timeout: 60_000 });
  expect(await verdict.innerText()).toContain(
    `${node} can move to ${target.name} (live, while it runs).`,
  );
}

/** Opens the node's details from the topology tree. */
async function openDetails(): Promise<Locator> {
  await nav('Topology').click();
  await page.getByRole('button', { name: 'Tree', exact: true }).click();
  await page.getByRole('textbox', { name: 'Filter', exact: true }).fill(cluster);
  const details = page.getByRole('complementary', { name: `Details of ${node}` });
  if (!(await details.isVisible())) {
    await page.getByRole('button', { name: node, exact: true }).click();
  }
  await expect(details).toBeVisible();
  return details;
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(900_000);
  const state = readLabState();
  if (!state || state.hosts.length < 2)
    throw new Error('the lab global setup did not bring 2 hosts up');
  lab = state;
  const [h1, h2] = [state.hosts[0]!, state.hosts[1]!];
  await cleanLab(lab, `${cluster}-`);

  server = await startServerProcess();
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await enterAsAdmin(page, server);
  await addLabHosts(page, lab, [h1, h2]);
  await markLabImageInUi(page, [h1, h2]);

  // The cluster, made through the wizard: one node, on whichever host the placement picks.
  await nav('Clusters').click();
  await page.getByRole('button', { name: 'New cluster' }).click();
  const wizard = page.getByRole('form', { name: 'New cluster' });
  await wizard.getByLabel('Name', { exact: true }).fill(cluster);
  await wizard.getByLabel('Nodes', { exact: true }).fill('1');
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
  await expect(page.getByTestId(`preview-node-${node}`)).toBeVisible();
  await waitForRoom(lab, 1);
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
  ).toHaveCount(2, { timeout: 600_000 });

  const onH1 = (await hostLeftovers(h1, node)).domains.includes(node);
  [source, target] = onH1 ? [h1, h2] : [h2, h1];
  expect(await virsh(source, 'domstate', node)).toBe('running');
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
  if (lab) await cleanLab(lab, `${cluster}-`);
});

test('Migrate… in the VM’s details offers the other host and reads the pre-flight as text', async () => {
  test.setTimeout(120_000);
  const details = await openDetails();
  await details.getByRole('button', { name: `Migrate ${node}` }).click();
  const dialog = migrateDialog();
  await expect(dialog).toBeVisible();
  // The other online hosts are offered (this machine's own libvirtd among them), never the
  // VM's own host; the person picks one and it is checked at once.
  const picker = dialog.getByLabel('Target host');
  await expect(picker.locator('option', { hasText: target.name })).toHaveCount(1);
  await expect(picker.locator('option', { hasText: source.name })).toHaveCount(0);
  await picker.selectOption({ label: target.name });
  await expectMovable(dialog);
  await expect(dialog.getByTestId('migrate-checked')).toHaveText(/^Checked in [\d.]+ (ms|s)\./);
  await expect(dialog.getByRole('button', { name: 'Migrate', exact: true })).toBeEnabled();
  // Cancel leaves everything where it was.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect(await virsh(source, 'domstate', node)).toBe('running');
});

test('dragged onto the other host in the map, the VM migrates live; its open console keeps working', async () => {
  test.setTimeout(420_000);
  // A console open before the move, answering.
  const details = await openDetails();
  await details.getByRole('button', { name: `Open console of ${node}` }).click();
  await expect(page.getByTestId(`console-${node}-status`)).toHaveText('Connected', {
    timeout: 30_000,
  });
  await typeUntil(page, node, 'echo before-$((6*7))', 'before-42');

  // The map, unfiltered: a filter would hide the host the VM is not on yet.
  await page.getByRole('textbox', { name: 'Filter', exact: true }).fill('');
  await page.getByRole('button', { name: 'Map', exact: true }).click();
  const vm = map().getByRole('button', { name: `${node}, running`, exact: true });
  const targetGroup = map().getByRole('group', { name: `Host ${target.name}`, exact: true });
  await expect(vm).toBeVisible({ timeout: 60_000 });
  await expect(targetGroup).toBeVisible();

  // A real pointer drag: press on the VM, move in steps onto the other host's group, let go.
  const from = await vm.boundingBox();
  const to = await targetGroup.boundingBox();
  if (!from || !to) throw new Error('the VM or the target host is not on screen');
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + 30, to.y + to.height - 20, { steps: 15 });
  // While held over it, the target host is highlighted as the drop target.
  await expect(page.getByTestId(`map-host-${target.name}`)).toHaveAttribute(
    'data-drop-target',
    'migrate',
  );
  await expect(targetGroup).toContainText('Drop to migrate here');
  await page.mouse.up();
  await expect(page.getByTestId(`map-host-${target.name}`)).not.toHaveAttribute('data-drop-target');

  const dialog = migrateDialog();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Target host').locator('option:checked')).toHaveText(target.name);
  await expectMovable(dialog);
  await expect(dialog.getByTestId('migrate-blockers')).toHaveCount(0);
  // What to know before confirming, as text: at least the open console reconnecting.
  await expect(dialog.getByTestId('migrate-notices')).toContainText(/console/i);
  await expect(dialog.getByTestId('migrate-checked')).toHaveText(/^Checked in/);
  await page.screenshot({ path: 'test-results/migrate-preflight.png' });
  await dialog.getByRole('button', { name: 'Migrate', exact: true }).click();
  await expect(dialog).toBeHidden();

  // The task in the Tasks tab: its phase, percentage and time left while it runs, then done.
  await openTasksTab(page);
  const row = tasksTable(page).getByRole('row').filter({ hasText: 'VM migrate' }).first();
  await expect(row).toBeVisible({ timeout: 30_000 });
  const notes = new Set<string>();
  await expect
    .poll(
      async () => {
        const note = row.getByTestId('task-progress-note');
        const text = (await note.count()) ? await note.textContent().catch(() => null) : null;
        if (text) notes.add(text);
        return row.getByTestId('task-status').textContent();
      },
      { timeout: 300_000, intervals: [250] },
    )
    .toBe('succeeded');
  console.log(`progress notes seen: ${[...notes].join(' | ')}`);
  // At least one note said how far it got (a percentage), as the task went.
  expect([...notes].some((n) => /\d+%/.test(n))).toBe(true);
  // An ended task has no progress note left.
  await expect(row.getByTestId('task-progress-note')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/migrate-task.png' });

  // Host truth: running on the target, gone from the source.
  expect(await virsh(target, 'domstate', node)).toBe('running');
  expect((await hostLeftovers(source, node)).domains).toEqual([]);

  // The console opened before the move answers after it (the dock shows Tasks now).
  await page.getByRole('tab', { name: 'Consoles', exact: true }).click();
  await page.getByRole('tab', { name: node }).click();
  await expect(page.getByTestId(`console-${node}-status`)).toHaveText('Connected', {
    timeout: 30_000,
  });
  await typeUntil(page, node, 'echo after-$((6*7))', 'after-42');
});
