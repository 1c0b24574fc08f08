import { expect, test } from '@playwright/test';
import { LibvirtClient, connectUnixSocket, type DomainRef } from '../../native/libvirt';
import { LOCAL_LIBVIRT_SOCKET } from '../../core/system/local-libvirt-probe';
import { guestKernel } from '../support/guest-kernel';
import { guestInitramfs } from '../integration/support/guest-initramfs';
import { guestDomainXml } from '../integration/support/guest-xml';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { typeUntil } from './support/console-typing';
import { enterAsAdmin } from './support/sign-in';

/** "This computer": the hosts service lists this machine's libvirtd under this id. */
const LOCAL_HOST_ID = 'local';
const name = `corral-con-e2e-${process.pid}`;

let server: ServerProcess;
let libvirt: LibvirtClient;
let dom: DomainRef;

test.beforeAll(async () => {
  libvirt = await LibvirtClient.connect(() => connectUnixSocket(LOCAL_LIBVIRT_SOCKET), {
    uri: 'qemu:///system',
  });
  const xml = guestDomainXml({ name, kernel: guestKernel().vmlinuz, initrd: guestInitramfs() });
  const { dom: defined } = await libvirt.call('domainDefineXmlFlags', { xml, flags: 0 });
  dom = (await libvirt.call('domainCreateWithFlags', { dom: defined, flags: 0 })).dom;
  server = await startServerProcess();
});

test.afterAll(async () => {
  await server?.stop();
  if (libvirt) {
    const found = await libvirt.call('domainLookupByName', { name }).catch(() => undefined);
    if (found) {
      await libvirt.call('domainDestroyFlags', { dom: found.dom, flags: 0 }).catch(() => {});
      await libvirt.call('domainUndefineFlags', { dom: found.dom, flags: 0 }).catch(() => {});
    }
    await libvirt.close();
  }
});

test('a console tab types into the guest, reads the answer, and gets its screen back after a reload', async ({
  page,
}) => {
  // Open tabs live in sessionStorage, so a reloaded (reconnecting) browser reopens them.
  await page.addInitScript(
    ([hostId, uuid, vm]) =>
      sessionStorage.getItem('corral.consoles') ??
      sessionStorage.setItem('corral.consoles', JSON.stringify([{ hostId, uuid, name: vm }])),
    [LOCAL_HOST_ID, dom.uuid, name],
  );
  await enterAsAdmin(page, server);

  const tab = page.getByRole('tab', { name });
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId(`console-${name}-status`)).toHaveText('Connected');
  // $((6*7)) shows 42 only when the shell ran it, not in the echoed command line.
  await typeUntil(page, name, 'echo hello-$((6*7))', 'hello-42');
  // xterm's runtime styles apply under the strict CSP (csp-style-bridge.ts): the theme's
  // foreground, which only xterm's generated rules set.
  await expect(page.locator('.xterm-rows')).toHaveCSS('color', 'rgb(230, 233, 236)');
  await page.getByRole('tabpanel').screenshot({ path: 'test-results/console-pane.png' });

  await page.reload();
  const screen = page.getByRole('region', { name: `Console of ${name}` });
  await expect(page.getByTestId(`console-${name}-status`)).toHaveText('Connected');
  await expect(screen.getByRole('listitem').filter({ hasText: 'hello-42' }).first()).toBeAttached();

  await page.getByRole('button', { name: `Close console ${name}` }).click();
  await expect(tab).toHaveCount(0);
  await expect(page.getByText('No consoles open.')).toBeVisible();
});
