import { expect, test, type Page } from '@playwright/test';
import { consoleWindowHash } from '../../api/console-window-route';
import type { DomainRef } from '../../native/libvirt';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { removeLocalGuest, startLocalGuest } from './support/local-guest';
import { typeUntil } from './support/console-typing';
import { ADMIN, enterAsAdmin } from './support/sign-in';

/** "This computer": the hosts service lists this machine's libvirtd under this id. */
const LOCAL_HOST_ID = 'local';
const name = `corral-pop-e2e-${process.pid}`;

let server: ServerProcess;
let dom: DomainRef;

test.beforeAll(async () => {
  dom = await startLocalGuest({ name });
  server = await startServerProcess();
});

test.afterAll(async () => {
  await server?.stop();
  await removeLocalGuest(name);
});

const screenOf = (page: Page) => page.getByRole('region', { name: `Console of ${name}` });
const line = (page: Page, text: string) =>
  screenOf(page).getByRole('listitem').filter({ hasText: text }).first();

/** Clicks the dock's "Pop out" and returns the tab that opens. */
async function popOut(page: Page): Promise<Page> {
  const [popped] = await Promise.all([
    page.context().waitForEvent('page'),
    page
      .getByRole('toolbar', { name: `Console ${name} actions` })
      .getByRole('button', { name: 'Pop out' })
      .click(),
  ]);
  return popped;
}

test('a console pops out into its own tab with its screen, and comes back when that tab closes or on "Bring back"', async ({
  page,
}) => {
  await page.addInitScript(
    ([hostId, uuid, vm]) =>
      sessionStorage.getItem('corral.consoles') ??
      sessionStorage.setItem('corral.consoles', JSON.stringify([{ hostId, uuid, name: vm }])),
    [LOCAL_HOST_ID, dom.uuid, name],
  );
  await enterAsAdmin(page, server);
  await expect(page.getByTestId(`console-${name}-status`)).toHaveText('Connected');
  await typeUntil(page, name, 'echo before-$((6*7))', 'before-42');

  // Out: the console alone, at its own address, without the frame, with the screen at once.
  const popped = await popOut(page);
  expect(new URL(popped.url()).hash).toBe(
    consoleWindowHash({ hostId: LOCAL_HOST_ID, uuid: dom.uuid, name }),
  );
  await expect(popped.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(popped.getByTestId(`console-${name}-status`)).toHaveText('Connected');
  await expect(line(popped, 'before-42')).toBeAttached();
  await expect(popped.getByRole('navigation', { name: 'Sections' })).toHaveCount(0);
  await expect(popped.getByRole('button', { name: 'Pop out' })).toHaveCount(0);

  // The dock says where the console is, and shows no second terminal.
  const panel = page.getByRole('tabpanel', { name: 'Consoles', exact: true });
  await expect(panel.getByText('Open in another window')).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Bring back' })).toBeVisible();
  await expect(page.getByRole('tab', { name: `${name} (in another window)` })).toBeVisible();
  await expect(screenOf(page)).toHaveCount(0);

  // Typing in the popped-out tab reaches the guest.
  await typeUntil(popped, name, 'echo popped-$((7*8))', 'popped-56');

  // Closing the tab brings the console back to the dock, with what happened while it was out.
  await popped.close();
  await expect(panel.getByText('Open in another window')).toBeHidden();
  await expect(screenOf(page)).toBeVisible();
  await expect(line(page, 'popped-56')).toBeAttached();
  await typeUntil(page, name, 'echo back-$((8*9))', 'back-72');

  // "Bring back" closes the other tab and shows the console in the dock again.
  const again = await popOut(page);
  await expect(again.getByTestId(`console-${name}-status`)).toHaveText('Connected');
  await expect(line(again, 'back-72')).toBeAttached();
  await expect(panel.getByRole('button', { name: 'Bring back' })).toBeVisible();
  await Promise.all([
    again.waitForEvent('close'),
    panel.getByRole('button', { name: 'Bring back' }).click(),
  ]);
  await expect(screenOf(page)).toBeVisible();
  await expect(page.getByRole('tab', { name, exact: true })).toHaveAttribute(
    'aria-selected',
    'true',
  );
});

test('the console address asks for the token and an account first, then shows the console alone', async ({
  browser,
}) => {
  // A fresh context: no session cookie.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(
    `${server.url}${consoleWindowHash({ hostId: LOCAL_HOST_ID, uuid: dom.uuid, name })}`,
  );
  await expect(page.getByRole('form', { name: 'Server access' })).toBeVisible();
  await expect(screenOf(page)).toHaveCount(0);
  await page.getByLabel('Access token').fill(server.token);
  await page.getByRole('button', { name: 'Continue' }).click();
  const logIn = page.getByRole('form', { name: 'Log in' });
  await expect(logIn).toBeVisible();
  await expect(screenOf(page)).toHaveCount(0);

  // Signed in, the same address shows the console alone.
  await logIn.getByLabel('User name').fill(ADMIN.username);
  await logIn.getByLabel('Password').fill(ADMIN.password);
  await logIn.getByRole('button', { name: 'Log in', exact: true }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByTestId(`console-${name}-status`)).toHaveText('Connected');
  await expect(page.getByRole('navigation', { name: 'Sections' })).toHaveCount(0);
  await context.close();
});
