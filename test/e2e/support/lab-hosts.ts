import { expect, type Page } from '@playwright/test';
import type { LabHost, LabState } from '../../lab/state';

/**
 * Adds lab hosts through the Hosts view the way a person does: the URI with the lab's key file,
 * Fill, a name, then trusting the fingerprint; waits until each is online. Needs a signed-in
 * administrator.
 */
export async function addLabHosts(page: Page, lab: LabState, hosts: LabHost[]): Promise<void> {
  await page.getByRole('button', { name: 'Hosts', exact: true }).click();
  for (const h of hosts) {
    await page.getByRole('button', { name: 'Add host' }).click();
    const form = page.getByRole('form', { name: 'Add host' });
    await form.getByLabel('libvirt URI').fill(`${h.libvirtUri}?keyfile=${lab.sshKey}`);
    await form.getByRole('button', { name: 'Fill' }).click();
    await form.getByLabel('Name').fill(h.name);
    await form.getByRole('button', { name: 'Add host' }).click();
    const dialog = page.getByRole('dialog', { name: `Trust the host key of ${h.name}?` });
    await dialog.getByRole('button', { name: 'Trust and connect' }).click();
    await expect(dialog).toBeHidden();
    await expect(
      page.getByRole('article', { name: h.name, exact: true }).getByTestId('host-status'),
    ).toHaveText('Online', { timeout: 30_000 });
  }
}
