import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { hostVirsh } from '../lab/guest';
import { readLabState, type LabHost, type LabState } from '../lab/state';
import { spawnCorralServer, type CorralServerChild } from '../support/corral-server-child';
import { addLabHosts } from './support/lab-hosts';
import { enterAsAdmin } from './support/sign-in';
import { openTaskDetails, openTasksTab, taskRow, tasksTable } from './support/tasks-tab';

/**
 * The dock's Tasks tab against the real server, Chromium and a lab host: an image upload shows as
 * a task with its steps and its end state, the running badge counts it while it runs, the filters
 * narrow the list, and the history is still there after the server restarts on the same data.
 */
test.describe.configure({ mode: 'serial' });

const tag = `corral-tasks-e2e-${process.pid}`;
const small = `${tag}.img`;
const big = `${tag}-big.img`;
const slow = `${tag}-slow.img`;
const stopped = `${tag}-stopped.img`;
const MiB = 1024 * 1024;
const SCREENSHOTS = resolve(
  process.env.CORRAL_SCREENSHOTS_DIR ?? join(import.meta.dirname, '../../docs/screenshots'),
);

let lab: LabState;
let h1: LabHost;
let dataDir: string;
let server: CorralServerChild | undefined;
let page: Page;
const work = mkdtempSync(join(tmpdir(), `${tag}-`));

function stop(s: CorralServerChild | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null || s.child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    s.child.once('exit', () => done());
    s.child.kill('SIGTERM');
  });
}

/** Starts an upload from the Images view; `uploaded` waits for the form to say it is done. */
async function startUpload(file: string, name: string, on: Page = page) {
  await on.getByRole('button', { name: 'Images', exact: true }).click();
  const form = on.getByRole('form', { name: 'Upload a base image' });
  await form.getByLabel('Host').selectOption({ label: h1.name });
  await form.getByLabel('Pool').fill('default');
  await form.getByLabel('Image file').setInputFiles(file);
  await form.getByLabel('Volume name').fill(name);
  await on.getByRole('button', { name: 'Upload', exact: true }).click();
  return {
    uploaded: () =>
      expect(form.getByRole('status')).toHaveText(`Uploaded ${name}.`, { timeout: 60_000 }),
  };
}

async function upload(file: string, name: string, on: Page = page): Promise<void> {
  await (await startUpload(file, name, on)).uploaded();
}

/** Records every text the Tasks tab's running badge shows (a render can be quicker than polling). */
async function recordBadge(): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { badgeSeen: string[] }).badgeSeen = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="tasks-running-badge"]')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

test.beforeAll(async ({ browser }) => {
  const state = readLabState();
  if (!state || state.hosts.length < 1)
    throw new Error('the lab global setup did not bring a host up');
  lab = state;
  h1 = state.hosts[0]!;
  dataDir = mkdtempSync(join(tmpdir(), 'corral-e2e-tasks-'));
  server = await spawnCorralServer(dataDir);
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await enterAsAdmin(page, server);
  await addLabHosts(page, lab, [h1]);
});

test.afterAll(async () => {
  await page?.close();
  await stop(server);
  if (h1) {
    for (const v of [small, big, slow, stopped])
      await hostVirsh(h1, ['vol-delete', '--pool', 'default', v]).catch(() => {});
  }
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

test('an image upload shows in the Tasks tab with its steps and its final state', async () => {
  const file = join(work, small);
  writeFileSync(file, randomBytes(8 * MiB));
  await upload(file, small);

  await openTasksTab(page);
  const row = taskRow(page, new RegExp(small.replace(/[.]/g, '\\.')));
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('task-status')).toHaveText('succeeded');
  await expect(row.getByRole('cell', { name: 'Image upload', exact: true })).toBeVisible();
  await expect(row.getByRole('cell', { name: `default/${small}`, exact: true })).toBeVisible();
  await expect(row.getByRole('cell', { name: 'admin', exact: true })).toBeVisible();
  // Nothing runs any more: the tab's name carries no count.
  await expect(page.getByRole('tab', { name: 'Tasks', exact: true })).toBeVisible();

  const title = (await row.getByRole('rowheader').textContent())!;
  const steps = await openTaskDetails(page, title);
  await expect(steps).toBeVisible();
  const stepRows = steps.getByRole('row');
  // A header and at least one step, every one of them done (status in words).
  expect(await stepRows.count()).toBeGreaterThan(1);
  await expect(
    steps.getByRole('cell', { name: /^(pending|running|failed|cancelled)$/ }),
  ).toHaveCount(0);
  await expect(steps.getByRole('cell', { name: 'done', exact: true }).first()).toBeVisible();
  await expect(page.getByRole('list', { name: `Log of ${title}` })).toBeVisible();

  // Pictures for a reviewer, in both themes, beside the other views' (csp-and-screenshots).
  mkdirSync(SCREENSHOTS, { recursive: true });
  // A taller dock (its handle moves 24 px a key press) so the steps and the log show too.
  await page.getByRole('separator', { name: 'Resize the dock' }).focus();
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowUp');
  const closers = page.getByRole('button', { name: /^Close notification/ });
  while ((await closers.count()) > 0) await closers.first().click();
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await expect(page.locator('html')).toHaveClass(
      theme === 'dark' ? /pf-v6-theme-dark/ : /^(?!.*pf-v6-theme-dark)/,
    );
    await page.screenshot({
      path: join(SCREENSHOTS, `dock-tasks-${theme}.png`),
      animations: 'disabled',
    });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  // Closed again: the rows below count task rows only.
  await page.getByRole('button', { name: `Details of ${title}` }).click();
  await expect(steps).toHaveCount(0);
});

test('while an upload runs the Tasks tab counts it as running, and not once it has ended', async () => {
  const file = join(work, big);
  writeFileSync(file, randomBytes(160 * MiB));
  await recordBadge();
  await upload(file, big);
  const seen = await page.evaluate(() => (window as unknown as { badgeSeen: string[] }).badgeSeen);
  expect(seen).toContain('1 running');
  await expect(page.getByTestId('tasks-running-badge')).toHaveCount(0);
  await openTasksTab(page);
  await expect(
    taskRow(page, new RegExp(big.replace(/[.]/g, '\\.'))).getByTestId('task-status'),
  ).toHaveText('succeeded');
});

test('the filters narrow the list by kind, state and target', async () => {
  const panel = await openTasksTab(page);
  const row = taskRow(page, new RegExp(small.replace(/[.]/g, '\\.')));
  const kind = panel.getByRole('combobox', { name: 'Kind' });
  const state = panel.getByRole('combobox', { name: 'State' });
  const target = panel.getByRole('textbox', { name: 'Target' });
  const none = panel.getByRole('heading', { name: 'No task matches the filters.' });

  await kind.selectOption({ label: 'Cluster create' });
  await expect(none).toBeVisible();
  await expect(tasksTable(page)).toHaveCount(0);
  await kind.selectOption({ label: 'Image upload' });
  await expect(row).toHaveCount(1);

  await state.selectOption({ label: 'Failed' });
  await expect(none).toBeVisible();
  await state.selectOption({ label: 'Succeeded' });
  await expect(row).toHaveCount(1);

  await target.fill('no-such-volume');
  await expect(none).toBeVisible();
  await target.fill(`${tag}.IMG`);
  await expect(row).toHaveCount(1);
  // The big upload's volume does not contain the small one's name: only one row is left.
  await expect(tasksTable(page).getByRole('rowheader')).toHaveCount(1);
  await expect(panel.getByRole('status')).toHaveText(/^1 of \d+ tasks shown$/);

  await kind.selectOption({ label: 'Every kind' });
  await state.selectOption({ label: 'Every state' });
  await target.fill('');
  await expect(tasksTable(page).getByRole('rowheader')).toHaveCount(2);
});

test('the task history is still there after the server restarts on the same data', async () => {
  await stop(server);
  server = await spawnCorralServer(dataDir);
  await enterAsAdmin(page, server);
  await openTasksTab(page);
  for (const name of [small, big]) {
    const row = taskRow(page, new RegExp(name.replace(/[.]/g, '\\.')));
    await expect(row.getByTestId('task-status')).toHaveText('succeeded');
  }
  const title = (await taskRow(page, new RegExp(small.replace(/[.]/g, '\\.')))
    .getByRole('rowheader')
    .textContent())!;
  await expect(
    (await openTaskDetails(page, title)).getByRole('cell', { name: 'done', exact: true }).first(),
  ).toBeVisible();
});

test('the desktop-notification switch asks for permission when turned on and says when it is blocked', async ({
  browser,
}) => {
  const origin = new URL(server!.url).origin;
  const switchOf = (p: Page) => p.getByRole('switch', { name: 'Notify me when long tasks end' });
  // PatternFly draws the toggle over the input: a person clicks the switch's label.
  const flip = (p: Page) =>
    p
      .locator('label')
      .filter({ has: switchOf(p) })
      .click();

  // Where the user has blocked notifications, the switch stays off and says why.
  const blocked = await browser.newContext();
  try {
    const p = await blocked.newPage();
    // Playwright grants but cannot deny: Chromium's own protocol can, for this context.
    const cdp = await blocked.newCDPSession(p);
    const { targetInfo } = await cdp.send('Target.getTargetInfo');
    await cdp.send('Browser.setPermission', {
      permission: { name: 'notifications' },
      setting: 'denied',
      origin,
      browserContextId: targetInfo.browserContextId,
    });
    await enterAsAdmin(p, server!);
    await openTasksTab(p);
    expect(await p.evaluate(() => Notification.permission)).toBe('denied');
    await expect(switchOf(p)).not.toBeChecked();
    await flip(p);
    await expect(p.getByText('Desktop notifications are blocked')).toBeVisible();
    await expect(switchOf(p)).not.toBeChecked();
  } finally {
    await blocked.close();
  }

  // Where the user allows them, turning it on sticks, across a reload.
  const allowed = await browser.newContext();
  try {
    await allowed.grantPermissions(['notifications'], { origin });
    const p = await allowed.newPage();
    await enterAsAdmin(p, server!);
    await openTasksTab(p);
    await expect(switchOf(p)).not.toBeChecked();
    await flip(p);
    await expect(switchOf(p)).toBeChecked();
    await p.reload();
    await openTasksTab(p);
    await expect(switchOf(p)).toBeChecked();
  } finally {
    await allowed.close();
  }
});

test("a task of yours that runs over 10 s shows on the collapsed dock's bar, and says so when it ends: a toast and a desktop notification", async ({
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    await context.grantPermissions(['notifications'], { origin: new URL(server!.url).origin });
    // The real Notification, with a record of what the page showed.
    await context.addInitScript(() => {
      const Real = window.Notification;
      const shown: string[] = [];
      (window as unknown as { notified: string[] }).notified = shown;
      const Recorded = function (title: string, options?: NotificationOptions) {
        shown.push(title);
        return new Real(title, options);
      } as unknown as typeof Notification;
      Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
      Recorded.requestPermission = Real.requestPermission.bind(Real);
      window.Notification = Recorded;
    });
    const p = await context.newPage();
    await enterAsAdmin(p, server!);
    await openTasksTab(p);
    await p
      .locator('label')
      .filter({ has: p.getByRole('switch', { name: 'Notify me when long tasks end' }) })
      .click();
    await expect(p.getByRole('switch', { name: 'Notify me when long tasks end' })).toBeChecked();

    // 8 MiB through a slow uplink: an upload of well over 10 s.
    const cdp = await context.newCDPSession(p);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 256 * 1024,
    });
    const file = join(work, slow);
    writeFileSync(file, randomBytes(8 * MiB));
    // With the dock collapsed, its bar says a task runs and opens the Tasks tab on it.
    await p.getByRole('button', { name: 'Collapse the dock' }).click();
    const started = await startUpload(file, slow, p);
    await p.getByRole('button', { name: '1 task running', exact: true }).click();
    const running = taskRow(p, new RegExp(slow.replace(/[.]/g, '\\.')));
    await expect(running.getByTestId('task-status')).toHaveText('running');
    await expect(p.getByRole('tab', { name: 'Tasks 1 running', exact: true })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await started.uploaded();
    const title = `Upload ${slow} to pool default: succeeded`;
    await expect(p.getByRole('list', { name: 'Notifications' }).getByText(title)).toBeVisible();
    await expect
      .poll(() => p.evaluate(() => (window as unknown as { notified: string[] }).notified))
      .toEqual([title]);
    // The task itself says how long it took: over ten seconds.
    await openTasksTab(p);
    const row = taskRow(p, new RegExp(slow.replace(/[.]/g, '\\.')));
    await expect(row.getByRole('cell', { name: /^(\d+ min( \d+ s)?|([1-5]\d) s)$/ })).toBeVisible();
  } finally {
    await context.close();
  }
});

test('Cancel in the Tasks tab asks first, stops a running upload, and leaves no volume on the host', async ({
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const p = await context.newPage();
    await enterAsAdmin(p, server!);
    // A slow uplink keeps the upload running while the Tasks tab is used.
    const cdp = await context.newCDPSession(p);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 256 * 1024,
    });
    const file = join(work, stopped);
    writeFileSync(file, randomBytes(8 * MiB));
    await startUpload(file, stopped, p);
    await openTasksTab(p);
    const row = taskRow(p, new RegExp(stopped.replace(/[.]/g, '\\.')));
    await expect(row.getByTestId('task-status')).toHaveText('running');
    const title = (await row.getByRole('rowheader').textContent())!;

    // Asked first; keeping it changes nothing.
    await row.getByRole('button', { name: `Cancel ${title}` }).click();
    const dialog = p.getByRole('dialog', { name: `Cancel ${title}?` });
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await expect(dialog).toBeHidden();
    await expect(row.getByTestId('task-status')).toHaveText('running');

    await row.getByRole('button', { name: `Cancel ${title}` }).click();
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(row.getByTestId('task-status')).toHaveText('cancelled', { timeout: 30_000 });
    await expect(row.getByRole('button', { name: `Cancel ${title}` })).toHaveCount(0);
    // Host truth: the partial volume is gone.
    await expect
      .poll(
        async () =>
          (await hostVirsh(h1, ['vol-list', '--pool', 'default'])).stdout.includes(stopped),
        { timeout: 15_000 },
      )
      .toBe(false);
  } finally {
    await context.close();
  }
});
