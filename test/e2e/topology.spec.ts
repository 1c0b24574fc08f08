import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { corralMetadataElement } from '../../core/metadata/corral-metadata';
import { el, renderXml } from '../../core/xml/xml-element';
import { guestInitramfs } from '../integration/support/guest-initramfs';
import { guestDomainXml } from '../integration/support/guest-xml';
import { hostVirsh } from '../lab/guest';
import { setHostLink } from '../lab/link-control';
import { readLabState, type LabHost, type LabState } from '../lab/state';
import { guestKernel } from '../support/guest-kernel';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { typeUntil } from './support/console-typing';
import { addLabHosts } from './support/lab-hosts';
import { enterAsAdmin } from './support/sign-in';

/**
 * Topology: the real server, Chromium and two lab hosts. Domains are defined on the
 * hosts behind Corral's back; the page must show them, start one, follow changes made with
 * virsh, show errors where they happened, and show a dropped host's VMs as unknown. Host truth is
 * checked with virsh inside the host's namespaces.
 */
test.describe.configure({ mode: 'serial' });

const tag = `corral-topo-${process.pid}`;
const names = { guest: `${tag}-guest`, member: `${tag}-member`, other: `${tag}-other` };

let server: ServerProcess;
let page: Page;
let lab: LabState;
let h1: LabHost;
let h2: LabHost;

const RELATIVE_STALE = /^unknown \(stale since (just now|\d+ min ago)\)$/;
const stateOf = (name: string) => page.getByTestId(`vm-${name}-state`);
const virsh = async (h: LabHost, ...args: string[]) => (await hostVirsh(h, args)).stdout.trim();

/** An inactive domain whose disk does not exist: starting it fails with libvirt's own words. */
function memberXml(name: string, cluster?: string): string {
  return renderXml(
    el(
      'domain',
      { type: 'qemu' },
      el('name', {}, name),
      cluster !== undefined &&
        el(
          'metadata',
          {},
          corralMetadataElement({ cluster, owner: 'e2e', index: 0, operation: 'e2e' }),
        ),
      el('memory', { unit: 'MiB' }, 64),
      el('vcpu', {}, 1),
      el('os', {}, el('type', { arch: 'x86_64', machine: 'pc' }, 'hvm')),
      el(
        'devices',
        {},
        el(
          'disk',
          { type: 'file', device: 'disk' },
          el('driver', { name: 'qemu', type: 'qcow2' }),
          el('source', { file: `/var/lib/libvirt/images/${name}-missing.qcow2` }),
          el('target', { dev: 'vda', bus: 'virtio' }),
        ),
      ),
    ),
  );
}

async function define(h: LabHost, name: string, xml: string): Promise<void> {
  const file = join(lab.dir, `${name}.xml`);
  writeFileSync(file, xml);
  await virsh(h, 'define', file);
}

async function undefine(h: LabHost, name: string): Promise<void> {
  await hostVirsh(h, ['destroy', name]).catch(() => {});
  await hostVirsh(h, ['undefine', name]).catch(() => {});
}

test.beforeAll(async ({ browser }) => {
  const state = readLabState();
  if (!state || state.hosts.length < 2)
    throw new Error('the lab global setup did not bring 2 hosts up');
  lab = state;
  [h1, h2] = [state.hosts[0]!, state.hosts[1]!];
  // A busybox TCG guest (one live guest at a time) and two that never boot.
  const guest = guestDomainXml({
    name: names.guest,
    kernel: guestKernel().vmlinuz,
    initrd: guestInitramfs(),
    memoryMiB: 128,
  });
  await define(h1, names.guest, guest);
  await define(h1, names.member, memberXml(names.member, 'topo'));
  await define(h2, names.other, memberXml(names.other));

  server = await startServerProcess();
  page = await browser.newPage();
  await enterAsAdmin(page, server);
  // Hosts are added the way a person does it: the form, then the fingerprint dialog.
  await addLabHosts(page, lab, [h1, h2]);
  await page.getByRole('button', { name: 'Topology', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Topology', level: 1 })).toBeVisible();
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
  if (h1) for (const n of [names.guest, names.member]) await undefine(h1, n);
  if (h2) await undefine(h2, names.other);
});

test('shows both hosts, their clusters and VMs with state as text', async () => {
  await page.getByLabel('Filter').fill(tag);
  for (const n of Object.values(names)) {
    await expect(stateOf(n)).toHaveText('shut off', { timeout: 60_000 });
  }
  await expect(page.getByTestId(`host-${h1.name}-state`)).toHaveText('online');
  await expect(page.getByTestId(`host-${h2.name}-state`)).toHaveText('online');
  await expect(page.getByRole('meter', { name: `Memory used on ${h1.name}` })).toBeVisible();
  await expect(page.getByText('Cluster topo')).toBeVisible();
  await expect(page.getByTestId('topology-count')).toHaveText('3 VMs shown');

  // The filter matches host names too, and state words.
  await page.getByLabel('Filter').fill(`${tag} ${h2.name}`);
  await expect(page.getByTestId('topology-count')).toHaveText('1 VM shown');
  await expect(stateOf(names.other)).toBeVisible();
  await expect(stateOf(names.guest)).toHaveCount(0);
  await page.getByLabel('Filter').fill(tag);
});

test('starts a VM from the UI and sees its state change; the host agrees', async () => {
  await page.getByRole('button', { name: `Start ${names.guest}` }).click();
  await expect(stateOf(names.guest)).toHaveText('running', { timeout: 60_000 });
  expect(await virsh(h1, 'domstate', names.guest)).toBe('running');
  // Only actions that fit a running VM are offered.
  await expect(page.getByRole('button', { name: `Start ${names.guest}` })).toHaveCount(0);
  await expect(page.getByRole('button', { name: `Force off ${names.guest}` })).toBeEnabled();
  await page.getByRole('button', { name: names.guest, exact: true }).click();
  await page.screenshot({ path: 'test-results/topology.png' });
  await page.getByRole('button', { name: 'Close details' }).click();
});

test('opens the running VM’s serial console from its row, types a command, reads the answer', async () => {
  await page.getByRole('button', { name: `Open console of ${names.guest}` }).click();
  await expect(page.getByRole('tab', { name: names.guest })).toBeVisible();
  await expect(page.getByTestId(`console-${names.guest}-status`)).toHaveText('Connected', {
    timeout: 30_000,
  });
  await typeUntil(page, names.guest, 'echo lab-$((6*7))', 'lab-42');
  await page.getByRole('button', { name: `Close console ${names.guest}` }).click();
});

test('follows a change made behind Corral’s back, live', async () => {
  await virsh(h1, 'destroy', names.guest);
  await expect(stateOf(names.guest)).toHaveText('shut off', { timeout: 30_000 });
});

test('shows an action’s error next to the VM it happened on', async () => {
  await page.getByRole('button', { name: `Start ${names.member}` }).click();
  const error = page.getByTestId(`vm-${names.member}-error`);
  await expect(error).toHaveRole('alert');
  await expect(error).toContainText(`Could not start ${names.member}`);
  await expect(error).toContainText('missing.qcow2');
  await expect(stateOf(names.member)).toHaveText('shut off');
  expect(await virsh(h1, 'domstate', names.member)).toBe('shut off');
  await page.getByRole('button', { name: `Dismiss error for ${names.member}` }).click();
  await expect(error).toHaveCount(0);
});

test('the details panel shows disks and cluster membership', async () => {
  await page.getByRole('button', { name: names.member, exact: true }).click();
  const details = page.getByRole('complementary', { name: `Details of ${names.member}` });
  await expect(details.getByTestId('vm-details-cluster')).toHaveText('topo (node 0, owner e2e)');
  await expect(details.getByRole('table', { name: `Disks of ${names.member}` })).toContainText(
    `${names.member}-missing.qcow2`,
  );
  await expect(details.getByRole('button', { name: `Start ${names.member}` })).toBeVisible();
  await details.getByRole('button', { name: 'Close details' }).click();
  await expect(details).toHaveCount(0);
});

test('a dropped host’s VMs show as unknown (stale since a relative time), never as stopped', async () => {
  await setHostLink(h2, false);
  try {
    await expect(stateOf(names.other)).toHaveText(RELATIVE_STALE, { timeout: 30_000 });
    await expect(page.getByTestId(`host-${h2.name}-state`)).toHaveText(
      /^unreachable since (just now|\d+ min ago)$/,
    );
    // The exact time is on hover.
    await expect(stateOf(names.other).locator('time')).toHaveAttribute(
      'title',
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
    );
    await expect(page.getByRole('button', { name: `Start ${names.other}` })).toHaveCount(0);
    // The other host is not affected.
    await expect(stateOf(names.member)).toHaveText('shut off');
  } finally {
    await setHostLink(h2, true);
  }
  await expect(stateOf(names.other)).toHaveText('shut off', { timeout: 90_000 });
});
