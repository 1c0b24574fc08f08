/**
 * `npm run bench:ui`: the topology renderer under load, and how fast the sign-in screen shows.
 *
 * The real server code (HTTP, WebSocket, the api dispatcher, CorralCore) serves the built
 * renderer to Debian's Chromium; only the inventory service's data source is replaced by a
 * generated one (50 hosts x 100 VMs, every VM's stats updated every 3 s). For the tree and for
 * the map it prints the time from opening the view to the first VMs drawn, and the 95th
 * percentile of frame times (requestAnimationFrame deltas, with Chromium's frame-rate cap off
 * so a frame takes as long as its work) while updates flow and the user scrolls or pans.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CorralCore } from '../../core/corral-core';
import { startCorralServer } from '../../server/http-server';
import { startServerProcess } from '../../test/e2e/corral-server-process';
import { START_FRAMES, STOP_FRAMES, percentile, timeUntilShown } from './frame-probe';
import { SyntheticInventory } from './synthetic-inventory';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test/support/chromium-launch';

const HOSTS = 50;
const VMS_PER_HOST = 100;
const STATS_MS = 3_000;
/** Long enough for three stats updates while the user moves. */
const MEASURE_MS = 9_500;
const BUDGET_MS = 16.7;
const ADMIN = { username: 'bench', password: 'bench-password-ui' };

// Frames uncapped: a frame's delta is then its own cost, not the display's 60 Hz tick.
const UNCAPPED = ['--disable-frame-rate-limit', '--disable-gpu-vsync'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fixed = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

/** Opens the app with the token and signs up or logs in, until the frame shows. */
async function enter(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}#token=${token}`);
  const first = page.getByRole('form', { name: 'Create the administrator account' });
  const login = page.getByRole('form', { name: 'Log in' });
  await first.or(login).waitFor();
  const form = (await first.isVisible()) ? first : login;
  await form.getByLabel('User name').fill(ADMIN.username);
  await form.getByLabel('Password').fill(ADMIN.password);
  await form
    .getByRole('button', { name: (await first.isVisible()) ? 'Sign up' : 'Log in' })
    .click();
  await page.getByRole('navigation', { name: 'Sections' }).waitFor();
}

/** Scrolls the tree or pans the map for `ms`, back and forth, the way a hand would. */
async function move(page: Page, view: 'tree' | 'map', ms: number): Promise<void> {
  const area = page.locator(view === 'tree' ? '.topology-tree' : '.react-flow__pane').first();
  const box = await area.boundingBox();
  if (!box) throw new Error(`no ${view} on screen`);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const end = Date.now() + ms;
  let dir = 1;
  await page.mouse.move(cx, cy);
  if (view === 'map') await page.mouse.down();
  let steps = 0;
  while (Date.now() < end) {
    if (view === 'tree') await page.mouse.wheel(0, dir * 200);
    else await page.mouse.move(cx + dir * ((steps % 40) * 8 - 160), cy + dir * (steps % 40) * 4);
    steps++;
    if (steps % 40 === 0) dir = -dir;
    await sleep(16);
  }
  if (view === 'map') await page.mouse.up();
}

async function measureView(browser: Browser, url: string, token: string, view: 'tree' | 'map') {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.addInitScript((mode) => localStorage.setItem('corral.topology.mode', mode), view);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await enter(page, url, token);
  // A person looks at the first screen for a moment before opening the topology (the map uses
  // that idle time to load its code and start its layout worker).
  await sleep(1_500);
  // The first VMs drawn: a row of the tree, or a node (a VM or a folded cluster) of the map.
  const shown = view === 'tree' ? '[data-testid^="vm-"]' : '.map-vm, .map-cluster.folded';
  const firstRender = (await page.evaluate(timeUntilShown('Topology', shown))) as number;
  await sleep(1_000);
  // CORRAL_BENCH_SHOTS=<folder>: a picture of each view as first drawn, to look at the layout.
  const shots = process.env.CORRAL_BENCH_SHOTS;
  if (shots) await page.screenshot({ path: join(shots, `topology-5000-${view}.png`) });
  await page.evaluate(START_FRAMES);
  await move(page, view, MEASURE_MS);
  const deltas = (await page.evaluate(STOP_FRAMES)) as number[];
  await context.close();
  if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`);
  const p95 = percentile(deltas, 95);
  console.log(
    `ui-topology-${HOSTS * VMS_PER_HOST} ${view} first-render-ms=${Math.round(firstRender)} ` +
      `p95-frame-ms=${fixed(p95)} ratio=${(BUDGET_MS / p95).toFixed(2)} ` +
      `p50-frame-ms=${fixed(percentile(deltas, 50))} frames=${deltas.length}`,
  );
}

/**
 * The same frame measure on the About view (nothing but text) while the wheel turns: what this
 * machine's Chromium needs per frame for any page, the floor under the topology figures.
 */
async function measureBaseline(browser: Browser, url: string, token: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  await enter(page, url, token);
  await page.getByRole('button', { name: 'About', exact: true }).click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.mouse.move(800, 500);
  await page.evaluate(START_FRAMES);
  const end = Date.now() + MEASURE_MS;
  for (let dir = 1; Date.now() < end; dir = -dir) {
    await page.mouse.wheel(0, dir * 200);
    await sleep(16);
  }
  const deltas = (await page.evaluate(STOP_FRAMES)) as number[];
  await context.close();
  const p95 = percentile(deltas, 95);
  console.log(
    `ui-baseline about p95-frame-ms=${fixed(p95)} ratio=${(BUDGET_MS / p95).toFixed(2)} ` +
      `p50-frame-ms=${fixed(percentile(deltas, 50))} frames=${deltas.length}`,
  );
}

/** From the server's "serving" line to the sign-in form on screen, in a warm browser. */
async function measureStartup(browser: Browser, staticDir: string): Promise<void> {
  const page = await browser.newPage();
  await page.goto('about:blank');
  const server = await startServerProcess({ CORRAL_STATIC_DIR: staticDir });
  const ready = performance.now();
  try {
    await page.goto(`${server.url}#token=${server.token}`);
    await page.getByRole('form', { name: 'Create the administrator account' }).waitFor();
    const ms = performance.now() - ready;
    console.log(`ui-startup sign-in-visible-ms=${Math.round(ms)}`);
  } finally {
    await page.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'corral-bench-ui-'));
  // Its own build, so a test run serving dist/renderer at the same time is not disturbed.
  const staticDir = join(dataDir, 'renderer');
  execFileSync(
    'npx',
    ['vite', 'build', '--config', 'vite.renderer.config.ts', '--outDir', staticDir],
    { stdio: 'ignore' },
  );
  const core = new CorralCore({ dataDir, shell: 'server' });
  const source = new SyntheticInventory(HOSTS, VMS_PER_HOST, STATS_MS);
  // Only the data source changes: the contract, its checks and the viewer filter stay.
  core.inventory.snapshot = (viewer) => source.snapshot(viewer!);
  core.inventory.onChanged = (listener, viewer) => source.onChanged(listener, viewer!);
  const server = await startCorralServer({
    core,
    staticDir,
    host: '127.0.0.1',
    port: 0,
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...UNCAPPED],
  });
  try {
    for (const view of ['tree', 'map'] as const) {
      await measureView(browser, server.url, server.token, view);
    }
    await measureBaseline(browser, server.url, server.token);
    console.log(`(stats updates sent: ${source.updates}, every ${STATS_MS} ms to every VM)`);
    await measureStartup(browser, staticDir);
  } finally {
    await browser.close();
    await server.close();
    source.dispose();
    core.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
