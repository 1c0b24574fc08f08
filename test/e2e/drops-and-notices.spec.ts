import { expect, test, type Locator, type Page } from '@playwright/test';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { enterAsAdmin } from './support/sign-in';

/**
 * Drops and notices in real Chromium against the real server: a file dropped where nothing takes
 * it is explained in a toast (never opened in place of the app), the upload form takes a dropped
 * file, and the host form shows its problems under the fields.
 */
test.describe.configure({ mode: 'serial' });

let server: ServerProcess;
let page: Page;

const toasts = () => page.getByRole('list', { name: 'Notifications' });
const uploadForm = () => page.getByRole('form', { name: 'Upload a base image' });

/** Drags files made in the page onto `target` and drops them, as the browser would. */
async function dropFiles(target: Locator, files: Array<{ name: string; size: number }>) {
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([new Uint8Array(f.size)], f.name));
    return dt;
  }, files);
  await target.dispatchEvent('dragover', { dataTransfer: transfer });
  await target.dispatchEvent('drop', { dataTransfer: transfer });
}

test.beforeAll(async ({ browser }) => {
  server = await startServerProcess();
  page = await browser.newPage();
  await enterAsAdmin(page, server);
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
});

test('a file dropped on a view that takes none is explained in a toast, which closes', async () => {
  await page.getByRole('button', { name: 'Hosts', exact: true }).click();
  const title = page.getByRole('heading', { name: 'Hosts', level: 1 });
  await expect(title).toBeVisible();
  await dropFiles(title, [{ name: 'disk.qcow2', size: 16 }]);
  const toast = toasts().getByRole('listitem').filter({ hasText: 'Files cannot be dropped here' });
  await expect(toast).toBeVisible();
  await expect(toast).toContainText('Only the "Upload a base image" form in Images takes files');
  await expect(toast).toContainText('or a program on a cluster');
  // The page is still the app, not the dropped file.
  await expect(title).toBeVisible();
  await toast
    .getByRole('button', { name: 'Close notification: Files cannot be dropped here' })
    .click();
  await expect(toast).toHaveCount(0);
});

test('the upload form takes one dropped file and explains a drop of two', async () => {
  await page.getByRole('button', { name: 'Images', exact: true }).click();
  await expect(uploadForm()).toBeVisible();
  await dropFiles(uploadForm(), [
    { name: 'a.qcow2', size: 8 },
    { name: 'b.img', size: 8 },
  ]);
  await expect(toasts()).toContainText('2 files were dropped; upload one image at a time.');
  await dropFiles(uploadForm(), [{ name: 'lab disk.qcow2', size: 2048 }]);
  await expect(uploadForm().getByLabel('Volume name')).toHaveValue('lab-disk.qcow2');
  await expect(uploadForm().getByLabel('Format')).toHaveValue('qcow2');
  await expect(uploadForm()).toContainText('lab disk.qcow2, 2 KiB');
});

test('the host form shows what to fix under each field and adds nothing', async () => {
  await page.getByRole('button', { name: 'Hosts', exact: true }).click();
  await page.getByRole('button', { name: 'Add host' }).click();
  const form = page.getByRole('form', { name: 'Add host' });
  await form.getByLabel('Address').fill('');
  await form.getByRole('button', { name: 'Add host' }).click();
  await expect(form.getByRole('alert')).toContainText('need');
  await expect(form.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Address')).toHaveAttribute('aria-invalid', 'true');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(form).toHaveCount(0);
});
