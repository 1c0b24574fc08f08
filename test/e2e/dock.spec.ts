import { expect, test, type Locator, type Page } from '@playwright/test';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { enterAsAdmin } from './support/sign-in';

let server: ServerProcess;
test.beforeAll(async () => {
  server = await startServerProcess();
});
test.afterAll(async () => server?.stop());

/** Half a CSS pixel: layout rounds sub-pixel edges. */
const EDGE = 0.5;

const view = (page: Page) => page.getByRole('region', { name: 'Main view' });
const dock = (page: Page) => page.getByRole('region', { name: 'Consoles and jobs' });
const handle = (page: Page) => page.getByRole('separator', { name: 'Resize the dock' });
const dockBar = (page: Page) => page.getByRole('button', { name: 'Consoles and jobs' });

/** Waits for the drawer's transitions (slide in, size) to end: layout is measured at rest. */
async function settled(page: Page) {
  await page.waitForFunction(
    () => document.getAnimations().filter((a) => a instanceof CSSTransition).length === 0,
  );
}

async function box(locator: Locator) {
  await settled(locator.page());
  const found = await locator.boundingBox();
  expect(found, `bounding box of ${String(locator)}`).not.toBeNull();
  return found!;
}

/**
 * The main view sits inside the main landmark, wholly above `bottom` (the dock, or its bar when collapsed), which ends
 * inside the window; nothing makes the page itself scroll.
 */
async function expectStacked(page: Page, bottom: Locator) {
  const viewport = page.viewportSize()!;
  const main = await box(page.getByRole('main', { name: 'Main' }));
  const v = await box(view(page));
  const b = await box(bottom);
  expect(v.height).toBeGreaterThan(0);
  // Nothing scrolled the view up under the masthead (the area above the main landmark).
  expect(v.y).toBeGreaterThanOrEqual(main.y - EDGE);
  expect(v.y + v.height).toBeLessThanOrEqual(b.y + EDGE);
  expect(b.y + b.height).toBeLessThanOrEqual(viewport.height + EDGE);
  expect(b.x + b.width).toBeLessThanOrEqual(viewport.width + EDGE);
  const overflow = await page.evaluate(() => ({
    scroll: document.documentElement.scrollHeight,
    inner: window.innerHeight,
  }));
  expect(overflow.scroll).toBeLessThanOrEqual(overflow.inner);
}

/** Drags the dock's handle by `dy` pixels (negative: up, a taller dock). */
async function dragHandle(page: Page, toY: (from: number) => number) {
  const h = await box(handle(page));
  const x = h.x + h.width / 2;
  const y = h.y + h.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x, (y + toY(y)) / 2, { steps: 4 });
  await page.mouse.move(x, toY(y), { steps: 4 });
  await page.mouse.up();
}

/**
 * Opens the app at the Jobs view (an empty state taller than a fifth of a small window) with a
 * console tab whose VM does not exist, so both the view and the dock have content to push with.
 */
async function openWithDockContent(page: Page) {
  await page.addInitScript(
    () =>
      sessionStorage.getItem('corral.consoles') ??
      sessionStorage.setItem(
        'corral.consoles',
        JSON.stringify([
          { hostId: 'local', uuid: '00000000-0000-4000-8000-00000000d0c4', name: 'no-such-vm' },
        ]),
      ),
  );
  await enterAsAdmin(page, server);
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: 'Jobs' })
    .click();
  await expect(page.getByRole('heading', { name: 'No jobs yet' })).toBeVisible();
  await expect(dock(page)).toBeVisible();
  await expect(page.getByRole('tab', { name: /no-such-vm/ })).toBeVisible();
}

for (const size of [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
]) {
  test.describe(`at ${size.width}x${size.height}`, () => {
    test.use({ viewport: size });

    test('dragging the handle resizes the dock, which stays below the view and inside the window, even dragged as tall as it goes', async ({
      page,
    }) => {
      await openWithDockContent(page);
      await expectStacked(page, dock(page));
      const before = (await box(dock(page))).height;

      await dragHandle(page, (y) => y - 150);
      const taller = (await box(dock(page))).height;
      expect(taller).toBeGreaterThan(before + 140);
      expect(taller).toBeLessThan(before + 160);
      await expectStacked(page, dock(page));

      // As tall as it goes: the pointer at the top edge of the window.
      await dragHandle(page, () => 1);
      const tallest = (await box(dock(page))).height;
      expect(tallest).toBeGreaterThan(taller);
      await expectStacked(page, dock(page));
      await expect(view(page)).toBeVisible();

      // And as small as it goes: the pointer at the bottom edge.
      await dragHandle(page, () => size.height - 1);
      const smallest = (await box(dock(page))).height;
      expect(smallest).toBeLessThan(before);
      expect(smallest).toBeGreaterThanOrEqual(120 - EDGE);
      await expectStacked(page, dock(page));

      // The size the user left is the size after a reload.
      await dragHandle(page, (y) => y - 100);
      const kept = (await box(dock(page))).height;
      await page.reload();
      await expect(dock(page)).toBeVisible();
      expect(Math.abs((await box(dock(page))).height - kept)).toBeLessThanOrEqual(1);
      await expectStacked(page, dock(page));
    });

    test('the handle is named and resizes from the keyboard', async ({ page }) => {
      await openWithDockContent(page);
      const separator = handle(page);
      await expect(separator).toHaveAttribute('aria-orientation', 'horizontal');
      await expect(separator).toHaveAttribute('tabindex', '0');
      const before = (await box(dock(page))).height;

      await separator.focus();
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('ArrowUp');
      const grown = (await box(dock(page))).height;
      expect(grown).toBeGreaterThan(before + 40);
      await page.keyboard.press('ArrowDown');
      const shrunk = (await box(dock(page))).height;
      expect(shrunk).toBeLessThan(grown);
      expect(shrunk).toBeGreaterThan(before);
      await expectStacked(page, dock(page));

      // Holding the key up to the top: the dock stops at its maximum, inside the window.
      for (let i = 0; i < Math.ceil(size.height / 24) + 5; i++) {
        await page.keyboard.press('ArrowUp');
      }
      await expectStacked(page, dock(page));
      // Enter keeps the size across a reload.
      await page.keyboard.press('Enter');
      const kept = (await box(dock(page))).height;
      await page.reload();
      await expect(dock(page)).toBeVisible();
      expect(Math.abs((await box(dock(page))).height - kept)).toBeLessThanOrEqual(1);
      await expectStacked(page, dock(page));
    });

    test('the dock collapses to a bar under the view and expands again at its size', async ({
      page,
    }) => {
      await openWithDockContent(page);
      await dragHandle(page, (y) => y - 120);
      const open = await box(dock(page));
      const viewOpen = await box(view(page));

      await page.getByRole('button', { name: 'Collapse the dock' }).click();
      await expect(dock(page)).toBeHidden();
      await expect(handle(page)).toBeHidden();
      await expect(dockBar(page)).toHaveAttribute('aria-expanded', 'false');
      await expectStacked(page, dockBar(page));
      expect((await box(view(page))).height).toBeGreaterThan(viewOpen.height + open.height / 2);

      await dockBar(page).click();
      await expect(dock(page)).toBeVisible();
      expect(Math.abs((await box(dock(page))).height - open.height)).toBeLessThanOrEqual(1);
      await expectStacked(page, dock(page));
    });
  });
}
