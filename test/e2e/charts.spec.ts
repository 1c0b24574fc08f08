import { expect, test, type Locator, type Page } from '@playwright/test';
import { corralMetadataElement } from '../../core/metadata/corral-metadata';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { openContractSocket, sessionCookie } from './support/contract-socket';
import { removeLocalGuest, startLocalGuest } from './support/local-guest';
import { ADMIN, enterAsAdmin } from './support/sign-in';

/**
 * Live load charts against the real server and this machine's libvirtd ("This computer"), with
 * one running TCG guest owned by the administrator: sparklines in the tree, charts with axes in
 * the VM's and the host's details, history at once in a newly opened page (core's ring buffer),
 * the owner by name, and not one CSP violation on the way.
 */
test.describe.configure({ mode: 'serial' });

const name = `corral-charts-${process.pid}`;
const STATS_PERIOD_MS = 3_000;

let server: ServerProcess;
let page: Page;

/** How many samples a chart (role img) says it plots. */
const points = async (chart: Locator) => Number(await chart.getAttribute('data-points'));

/** Records every CSP violation the page reports, from before its first script runs. */
async function recordCspViolations(p: Page): Promise<void> {
  await p.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
}

const violations = (p: Page) =>
  p.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

async function openTopology(p: Page): Promise<void> {
  await p.getByRole('button', { name: 'Topology', exact: true }).click();
  await expect(p.getByRole('heading', { name: 'Topology', level: 1 })).toBeVisible();
  await p.getByLabel('Filter').fill(name);
}

test.beforeAll(async ({ browser }) => {
  server = await startServerProcess();
  // The administrator first (over the contract, as a second tab would), to own the guest.
  const socket = await openContractSocket(server.url, await sessionCookie(server));
  const admin = await socket.connection.api.accounts.signUp(ADMIN);
  socket.connection.dispose();

  await startLocalGuest({
    name,
    memoryMiB: 128,
    metadata: corralMetadataElement({
      cluster: 'charts',
      owner: admin.id,
      index: 0,
      operation: 'e2e',
    }),
  });

  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await recordCspViolations(page);
  await enterAsAdmin(page, server);
  await openTopology(page);
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
  await removeLocalGuest(name);
});

test('tree rows carry CPU and memory sparklines that gain a point every stats period', async () => {
  await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('running', { timeout: 60_000 });
  const cpu = page.getByRole('img', { name: new RegExp(`^CPU of ${name}, last 15 minutes: `) });
  const memory = page.getByRole('img', {
    name: new RegExp(`^Memory of ${name}, last 15 minutes: \\d+ MiB of 128 MiB$`),
  });
  await expect(cpu).toBeVisible();
  await expect(memory).toBeVisible();
  // uPlot drew into the row: its canvas is there.
  await expect(cpu.locator('canvas')).toHaveCount(1);
  await expect.poll(() => points(cpu), { timeout: 30_000 }).toBeGreaterThan(0);
  const before = await points(cpu);
  // The live samples extend the history: more points after a stats period or two.
  await expect.poll(() => points(cpu), { timeout: 6 * STATS_PERIOD_MS }).toBeGreaterThan(before);
  await expect(cpu).toHaveAccessibleName(/: \d+%$/);
  // The host's row has its own.
  await expect(
    page.getByRole('img', { name: /^CPU of This computer, last 15 minutes: \d+%$/ }),
  ).toBeVisible();
});

test('the VM details show CPU and memory charts with axes, units and the latest value', async () => {
  await page.getByRole('button', { name, exact: true }).click();
  const details = page.getByRole('complementary', { name: `Details of ${name}` });
  // The owner by name, not by id.
  await expect(details.getByTestId('vm-details-cluster')).toHaveText(
    `charts (node 0, owner ${ADMIN.username})`,
  );
  const cpu = details.getByRole('img', {
    name: new RegExp(`^CPU of ${name}, last 15 minutes, in %: \\d+%$`),
  });
  const memory = details.getByRole('img', {
    name: new RegExp(`^Memory of ${name}, last 15 minutes, in MiB: \\d+ MiB of 128 MiB$`),
  });
  await expect(cpu).toBeVisible();
  await expect(memory).toBeVisible();
  await expect.poll(() => points(cpu), { timeout: 6 * STATS_PERIOD_MS }).toBeGreaterThan(1);
  await expect.poll(() => points(memory)).toBeGreaterThan(1);
  // Axes with units: uPlot's axis elements, and the figure's caption with the value as text.
  await expect(details.getByTestId('vm-chart-cpu').locator('.u-axis')).toHaveCount(2);
  await expect(details.getByTestId('vm-chart-memory')).toContainText(/\d+ MiB of 128 MiB/);
  await page.screenshot({ path: 'test-results/charts-vm-details.png' });
  await details.getByRole('button', { name: 'Close details' }).click();
});

test('the host details show the host’s CPU and memory over time', async () => {
  await page.getByRole('button', { name: 'Details of host This computer' }).click();
  const details = page.getByRole('complementary', { name: 'Details of host This computer' });
  await expect(details.getByTestId('host-details-state')).toHaveText('online');
  const cpu = details.getByRole('img', {
    name: /^CPU of This computer, last 15 minutes, in %: \d+%$/,
  });
  const memory = details.getByRole('img', {
    name: /^Memory of This computer, last 15 minutes, in GiB: [\d.]+ GiB of [\d.]+ GiB$/,
  });
  await expect.poll(() => points(cpu), { timeout: 6 * STATS_PERIOD_MS }).toBeGreaterThan(1);
  await expect.poll(() => points(memory)).toBeGreaterThan(1);
  await details.getByRole('button', { name: 'Close details' }).click();
});

test('a newly opened page has the history at once, from core', async ({ browser }) => {
  // Wait until the first page has drawn a few samples: all of them are in core's history.
  const shown = page.getByRole('img', { name: new RegExp(`^CPU of ${name}, last 15 minutes`) });
  await expect
    .poll(() => points(shown), { timeout: 8 * STATS_PERIOD_MS })
    .toBeGreaterThanOrEqual(3);
  const had = await points(shown);
  const fresh = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  try {
    await recordCspViolations(fresh);
    await enterAsAdmin(fresh, server);
    await openTopology(fresh);
    const cpu = fresh.getByRole('img', { name: new RegExp(`^CPU of ${name}, last 15 minutes`) });
    // Its first figure is the whole history (live samples alone would start from one).
    await expect.poll(() => points(cpu)).toBeGreaterThan(0);
    expect(await points(cpu)).toBeGreaterThanOrEqual(had);
    expect(await violations(fresh)).toEqual([]);
  } finally {
    await fresh.close();
  }
});

test('no CSP violation was reported on the way (uPlot under the strict policy)', async () => {
  expect(await violations(page)).toEqual([]);
});
