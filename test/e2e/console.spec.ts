import { expect, test, type Page } from '@playwright/test';
import type { DomainRef } from '../../native/libvirt';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { removeLocalGuest, startLocalGuest } from './support/local-guest';
import { typeUntil } from './support/console-typing';
import { enterAsAdmin } from './support/sign-in';

/** "This computer": the hosts service lists this machine's libvirtd under this id. */
const LOCAL_HOST_ID = 'local';
const name = `corral-con-e2e-${process.pid}`;

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
  await page
    .getByRole('tabpanel', { name, exact: true })
    .screenshot({ path: 'test-results/console-pane.png' });

  await page.reload();
  const screen = page.getByRole('region', { name: `Console of ${name}` });
  await expect(page.getByTestId(`console-${name}-status`)).toHaveText('Connected');
  await expect(screen.getByRole('listitem').filter({ hasText: 'hello-42' }).first()).toBeAttached();

  await page.getByRole('button', { name: `Close console ${name}` }).click();
  await expect(tab).toHaveCount(0);
  await expect(page.getByText('No consoles open.')).toBeVisible();
});

test('console links: of OSC 8 links to javascript:, file:, http: and https: targets, only the https one opens', async ({
  page,
}) => {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  // Records what the renderer hands to window.open (in the desktop shell, main's openExternal
  // helper gets exactly that), and opens nothing.
  await page.addInitScript(
    ([hostId, uuid, vm]) => {
      sessionStorage.setItem('corral.consoles', JSON.stringify([{ hostId, uuid, name: vm }]));
      const opened: unknown[][] = [];
      Object.assign(window, { corralOpened: opened });
      window.open = (...args: unknown[]) => {
        opened.push(args);
        return null;
      };
    },
    [LOCAL_HOST_ID, dom.uuid, name],
  );
  await enterAsAdmin(page, server);
  await expect(page.getByTestId(`console-${name}-status`)).toHaveText('Connected');

  const links = [
    ['javascript:alert(document.domain)', 'JS'],
    ['file:///etc/passwd', 'FILE'],
    ['http://example.org/plain-http', 'HTTP'],
    ['https://example.org/corral-e2e', 'HTTPS'],
  ] as const;
  // The guest prints one OSC 8 hyperlink a line: ESC ] 8 ; ; URI ESC \ LABEL-42 ESC ] 8 ; ; ESC \.
  // $((6*7)) makes the label differ from the typed command line that the shell echoes.
  const args = links.map(([uri, label]) => `'${uri}' ${label}-$((6*7))`).join(' ');
  await typeUntil(
    page,
    name,
    `printf '\\033]8;;%s\\033\\\\%s\\033]8;;\\033\\\\\\n' ${args}`,
    'HTTPS-42',
  );

  // xterm marks the terminal while the mouse is over a link it offers.
  const pointer = page.locator('.xterm-cursor-pointer');
  const opened = () =>
    page.evaluate(() => (window as unknown as { corralOpened: unknown[][] }).corralOpened);
  for (const [uri, label] of links) {
    const at = await labelPosition(page, `${label}-42`);
    await page.mouse.move(at.x, at.y);
    if (uri.startsWith('http')) {
      // xterm offers http(s) targets as links (pointer cursor); the policy decides on the click.
      await expect(pointer).toHaveCount(1);
    } else {
      // Other schemes are not even offered as links.
      await expect(pointer).toHaveCount(0);
    }
    await page.mouse.down();
    await page.mouse.up();
    // Off the link, so the next hover starts fresh.
    await page.mouse.move(at.x, at.y + 200);
  }
  await expect.poll(opened).toHaveLength(1);
  expect(await opened()).toEqual([
    ['https://example.org/corral-e2e', '_blank', 'noopener,noreferrer'],
  ]);
  // xterm's own fallback (confirm, then navigate) never ran.
  expect(dialogs).toEqual([]);
});

/** The middle of a label's second character on the rendered terminal rows, in page pixels. */
async function labelPosition(page: Page, label: string): Promise<{ x: number; y: number }> {
  const box = await page.evaluate((text) => {
    for (const row of document.querySelectorAll('.xterm-rows > div')) {
      const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
      const nodes: Text[] = [];
      while (walker.nextNode()) nodes.push(walker.currentNode as Text);
      const whole = nodes.map((n) => n.data).join('');
      // The label alone, not inside the echoed command line.
      if (whole.trim() !== text) continue;
      let at = whole.indexOf(text) + 1;
      for (const node of nodes) {
        if (at < node.data.length) {
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + 1);
          const r = range.getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        }
        at -= node.data.length;
      }
    }
    return undefined;
  }, label);
  if (!box) throw new Error(`"${label}" is not on the terminal's rows`);
  return box;
}
