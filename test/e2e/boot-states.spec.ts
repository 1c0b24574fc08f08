import { expect, test } from '@playwright/test';
import { startServerProcess } from './corral-server-process';
import { enterAsAdmin } from './support/sign-in';

test('a lost server shows "Disconnected" with the reason and the next step as a button', async ({
  page,
}) => {
  const server = await startServerProcess();
  try {
    await enterAsAdmin(page, server);
  } finally {
    await server.stop();
  }
  await expect(
    page.getByRole('heading', { name: 'Disconnected from Corral', level: 1 }),
  ).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('Reload to reconnect.');
  await expect(page.getByText('check that the Corral server is still running')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Sections' })).toHaveCount(0);
});
