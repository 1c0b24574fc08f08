import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { LAB_BASE_VOLUME } from '../lab/base-image-volumes';
import { hostPath, hostVirsh } from '../lab/guest';
import { readLabState, type LabHost, type LabState } from '../lab/state';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { addLabHosts } from './support/lab-hosts';
import { enterAsAdmin } from './support/sign-in';

/**
 * Base images: the real server, Chromium and a lab host. The lab image shows as a
 * kernel-boot base image; a file uploaded through the page lands on the host byte for byte, with
 * progress on the way; a cancelled upload leaves nothing; a removal removes. Host truth is read
 * with virsh and from the host's own pool directory.
 */
test.describe.configure({ mode: 'serial' });

const tag = `corral-img-e2e-${process.pid}`;
const uploaded = `${tag}.img`;
const cancelled = `${tag}-cancelled.img`;
const MiB = 1024 * 1024;

let server: ServerProcess;
let page: Page;
let lab: LabState;
let h1: LabHost;
const work = mkdtempSync(join(tmpdir(), `${tag}-`));

const row = (name: string) => page.getByTestId(`image-${h1.name}-${name}`);
const volumes = async () =>
  (await hostVirsh(h1, ['vol-list', '--pool', 'default'])).stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Records every progress figure the page shows (renders can be quicker than polling). */
async function recordProgress(): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    new MutationObserver(() => {
      const bar = document.querySelector('[role="progressbar"]');
      const text = document.querySelector('[data-testid="upload-progress-text"]')?.textContent;
      if (bar && text) seen.push(`${bar.getAttribute('aria-valuenow')}|${text}`);
    }).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  });
}

const progressSeen = () =>
  page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);

async function chooseUpload(file: string, name: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Upload a base image' });
  await form.getByLabel('Host').selectOption({ label: h1.name });
  await form.getByLabel('Pool').fill('default');
  await form.getByLabel('Image file').setInputFiles(file);
  await form.getByLabel('Volume name').fill(name);
  await expect(form.getByLabel('Format')).toHaveValue('raw');
}

test.beforeAll(async ({ browser }) => {
  const state = readLabState();
  if (!state || state.hosts.length < 1)
    throw new Error('the lab global setup did not bring a host up');
  lab = state;
  h1 = state.hosts[0]!;
  server = await startServerProcess();
  page = await browser.newPage();
  await enterAsAdmin(page, server);
  await addLabHosts(page, lab, [h1]);
  await page.getByRole('button', { name: 'Images', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Images', level: 1 })).toBeVisible();
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
  if (h1) {
    for (const v of [uploaded, cancelled])
      await hostVirsh(h1, ['vol-delete', '--pool', 'default', v]).catch(() => {});
  }
  rmSync(work, { recursive: true, force: true });
});

test('lists the lab image as a kernel-boot qcow2 base image; companions are not listed', async () => {
  await expect(row(LAB_BASE_VOLUME)).toBeVisible({ timeout: 30_000 });
  await expect(row(LAB_BASE_VOLUME).getByTestId('image-boot')).toHaveText('kernel');
  await expect(
    row(LAB_BASE_VOLUME).getByRole('cell', { name: 'qcow2', exact: true }),
  ).toBeVisible();
  await expect(row(`${LAB_BASE_VOLUME}.kernel`)).toHaveCount(0);
  await expect(row(`${LAB_BASE_VOLUME}.initrd`)).toHaveCount(0);
  // The host agrees: the companions are volumes of the same pool.
  expect(await volumes()).toEqual(
    expect.arrayContaining([
      LAB_BASE_VOLUME,
      `${LAB_BASE_VOLUME}.kernel`,
      `${LAB_BASE_VOLUME}.initrd`,
    ]),
  );
});

test('uploads an 8 MiB file with visible progress; the host has the same bytes', async () => {
  const file = join(work, uploaded);
  const data = randomBytes(8 * MiB);
  writeFileSync(file, data);
  await chooseUpload(file, uploaded);
  await recordProgress();
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await expect(
    page.getByRole('form', { name: 'Upload a base image' }).getByRole('status'),
  ).toHaveText(`Uploaded ${uploaded}.`, { timeout: 60_000 });
  const seen = await progressSeen();
  // The bar and its text moved through figures between the start and the end.
  expect(seen.length).toBeGreaterThan(1);
  for (const s of seen) expect(s).toMatch(/^\d+\|\d+ % \([\d.]+ of 8 MiB\)$/);
  expect(seen.some((s) => /^([1-9]|[1-9]\d)\|/.test(s))).toBe(true);

  await expect(row(uploaded)).toBeVisible();
  await expect(row(uploaded).getByTestId('image-boot')).toHaveText('disk');
  await expect(row(uploaded).getByRole('cell', { name: '8 MiB', exact: true })).toBeVisible();
  const onHost = readFileSync(hostPath(h1, `/var/lib/libvirt/images/${uploaded}`));
  expect(sha256(onHost)).toBe(sha256(data));
});

test('a cancelled upload leaves no volume on the host', async () => {
  const file = join(work, cancelled);
  writeFileSync(file, randomBytes(160 * MiB));
  await chooseUpload(file, cancelled);
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const bar = page.getByRole('progressbar', { name: `Uploading ${cancelled}` });
  await expect(bar).toBeVisible();
  await page.getByRole('button', { name: 'Cancel upload' }).click();
  await expect(
    page.getByRole('form', { name: 'Upload a base image' }).getByRole('alert'),
  ).toContainText('Upload cancelled');
  await expect(bar).toBeHidden();
  await expect.poll(volumes, { timeout: 15_000 }).not.toContain(cancelled);
  await expect(row(cancelled)).toHaveCount(0);
});

test('removes the uploaded image after a confirmation; the host no longer has it', async () => {
  await page.getByRole('button', { name: `Remove ${uploaded} from ${h1.name}` }).click();
  await page.getByRole('button', { name: `Confirm removing ${uploaded} from ${h1.name}` }).click();
  await expect(row(uploaded)).toHaveCount(0);
  expect(await volumes()).not.toContain(uploaded);
  // The lab image is still there.
  await expect(row(LAB_BASE_VOLUME)).toBeVisible();
});
