import { expect, type Page } from '@playwright/test';
import { LAB_BASE_VOLUME } from '../../lab/base-image-volumes';
import { LAB_NETWORK_POLICY } from '../../lab/clusters-support';
import type { LabHost } from '../../lab/state';

/**
 * As the signed-in administrator, in the Images view: marks the lab image on each of `hosts` as a
 * base image (an unmarked volume backs no cluster) and waits until each row says "Marked".
 */
export async function markLabImageInUi(page: Page, hosts: readonly LabHost[]): Promise<void> {
  await page.getByRole('button', { name: 'Images', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Images', level: 1 })).toBeVisible();
  for (const h of hosts) {
    const row = page.getByTestId(`image-${h.name}-${LAB_BASE_VOLUME}`);
    await expect(row).toBeVisible({ timeout: 30_000 });
    await row
      .getByRole('button', { name: `Mark ${LAB_BASE_VOLUME} on ${h.name} as base image` })
      .click();
    await expect(row.getByTestId('image-marked')).toHaveText('Marked');
  }
}

/**
 * As the signed-in administrator, under Hosts → Networks: allows plain users the lab's bridge and
 * the upper half of the lab segment, and waits until the saved policy reads back.
 */
export async function allowLabNetworksInUi(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Hosts', exact: true }).click();
  const form = page.getByRole('form', { name: 'Network policy' });
  await expect(form.getByRole('button', { name: 'Save network policy' })).toBeEnabled();
  await form.getByLabel('Allowed bridges').fill(LAB_NETWORK_POLICY.bridges.join(', '));
  await form.getByLabel('Allowed libvirt networks').fill(LAB_NETWORK_POLICY.networks.join(', '));
  await form
    .getByLabel('Allowed address ranges (CIDR)')
    .fill(LAB_NETWORK_POLICY.addressRanges.join(', '));
  await form.getByRole('button', { name: 'Save network policy' }).click();
  await expect(page.getByTestId('network-policy-state')).toHaveText(
    `Plain users may attach nodes to bridges: ${LAB_NETWORK_POLICY.bridges.join(', ')}; libvirt networks: none; addresses in: ${LAB_NETWORK_POLICY.addressRanges.join(', ')}.`,
  );
}
