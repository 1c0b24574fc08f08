import { expect, test } from '@playwright/test';
import pkg from '../../package.json' with { type: 'json' };
import { LOCAL_LIBVIRT_SOCKET, probeUnixSocket } from '../../core/system/local-libvirt-probe';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { enterAsAdmin, signUpAdmin } from './support/sign-in';

let server: ServerProcess;
test.beforeAll(async () => {
  server = await startServerProcess();
});
test.afterAll(async () => server?.stop());

test('logs in with the printed token and shows what core reports in About', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByRole('form', { name: 'Server access' })).toBeVisible();
  await page.getByLabel('Access token').fill('not-the-token');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toContainText('not valid');

  await page.getByLabel('Access token').fill(server.token);
  await page.getByRole('button', { name: 'Continue' }).click();
  // Past the token gate, the first account is created.
  await signUpAdmin(page);
  const nav = page.getByRole('navigation', { name: 'Sections' });
  await expect(nav).toBeVisible();
  await nav.getByRole('button', { name: 'About' }).click();

  await expect(page.getByRole('heading', { name: 'About Corral' })).toBeVisible();
  await expect(page.getByTestId('about-corral-version')).toHaveText(pkg.version);
  // The server runs on the same Node as this test runner (both provisioned by .ci/node-env.sh).
  await expect(page.getByTestId('about-node-version')).toHaveText(process.versions.node);
  await expect(page.getByTestId('about-platform')).toHaveText(
    `${process.platform} (${process.arch})`,
  );
  await expect(page.getByTestId('about-shell')).toHaveText('server');
  const probe = await probeUnixSocket(LOCAL_LIBVIRT_SOCKET);
  await expect(page.getByTestId('about-local-libvirt')).toContainText(
    probe.reachable ? 'reachable at' : 'not reachable at',
  );

  // The session is a cookie the page cannot read.
  expect(await page.evaluate(() => document.cookie)).toBe('');
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === 'corral_session')).toMatchObject({
    httpOnly: true,
    sameSite: 'Strict',
  });
});

test('the token in the URL fragment logs in directly and is removed from the address', async ({
  page,
}) => {
  await enterAsAdmin(page, server);
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  expect(new URL(page.url()).hash).toBe('');
});
