import { expect, type Page } from '@playwright/test';

/**
 * Types a command into a VM's console pane until its answer shows on the terminal's accessible
 * rows (the guest may still be booting, so the first tries can go unanswered).
 */
export async function typeUntil(page: Page, vmName: string, command: string, answer: string) {
  const screen = page.getByRole('region', { name: `Console of ${vmName}` });
  await expect(async () => {
    await screen.click();
    await page.keyboard.type(`${command}\n`);
    await expect(screen.getByRole('listitem').filter({ hasText: answer }).first()).toBeAttached({
      timeout: 2_000,
    });
  }).toPass({ timeout: 90_000 });
}
