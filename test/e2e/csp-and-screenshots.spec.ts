import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { readLabState } from '../lab/state';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { ADMIN } from './support/sign-in';

/**
 * Where the screenshots of every main view (light and dark) go, for a reviewer who looks without
 * running anything: CORRAL_SCREENSHOTS_DIR, or docs/screenshots in the repository (committed with
 * the views they show). Not under test-results/: Playwright empties that folder on every run.
 */
const SCREENSHOTS = resolve(
  process.env.CORRAL_SCREENSHOTS_DIR ?? join(import.meta.dirname, '../../docs/screenshots'),
);

/** The sections of the navigation and the heading each shows. */
const VIEWS = [
  { nav: 'Topology', heading: 'Topology' },
  { nav: 'Hosts', heading: 'Hosts' },
  { nav: 'Clusters', heading: 'Clusters' },
  { nav: 'Images', heading: 'Images' },
  { nav: 'Jobs', heading: 'Jobs' },
  { nav: 'About', heading: 'About Corral' },
] as const;

declare global {
  interface Window {
    /** What the init script below records: one line per CSP violation the page reports. */
    __cspViolations: string[];
  }
}

/** Records every CSP violation from the first script on: the page's own report of it. */
function recordViolations() {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(
      `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`,
    );
  });
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    test.use({ colorScheme: theme, viewport: { width: 1280, height: 800 } });

    let server: ServerProcess;
    test.beforeAll(async () => {
      // A server of its own per theme: each pass starts with no accounts and no hosts.
      server = await startServerProcess();
    });
    test.afterAll(async () => server?.stop());

    test(`every view, the sign-in screens, the dock and a dialog load in ${theme} without a CSP violation`, async ({
      page,
    }) => {
      const lab = readLabState();
      expect(lab, 'the lab is up (global setup)').toBeDefined();
      const host = lab!.hosts[0]!;
      mkdirSync(SCREENSHOTS, { recursive: true });
      const shot = async (name: string) => {
        // Toasts from earlier steps would hide the view a reviewer wants to see.
        const closers = page.getByRole('button', { name: /^Close notification/ });
        while ((await closers.count()) > 0) await closers.first().click();
        await page.screenshot({
          path: join(SCREENSHOTS, `${name}-${theme}.png`),
          animations: 'disabled',
        });
      };

      const consoleReports: string[] = [];
      page.on('console', (m) => {
        if (/content security policy/i.test(m.text())) consoleReports.push(m.text());
      });
      await page.addInitScript(recordViolations);

      // The sign-in screens: the server's token, then the first account.
      await page.goto(server.url);
      await expect(page.getByRole('form', { name: 'Server access' })).toBeVisible();
      await expect(page.locator('html')).toHaveClass(
        theme === 'dark' ? /pf-v6-theme-dark/ : /^(?!.*pf-v6-theme-dark)/,
      );
      await shot('sign-in-token');
      await page.getByLabel('Access token').fill(server.token);
      await page.getByRole('button', { name: 'Continue' }).click();
      const first = page.getByRole('form', { name: 'Create the administrator account' });
      await expect(first).toBeVisible();
      await shot('sign-in-account');
      await first.getByLabel('User name').fill(ADMIN.username);
      await first.getByLabel('Password').fill(ADMIN.password);
      await first.getByRole('button', { name: 'Sign up', exact: true }).click();
      const sections = page.getByRole('navigation', { name: 'Sections' });
      await expect(sections).toBeVisible();

      // A dialog: adding a lab host asks to trust its key.
      await sections.getByRole('button', { name: 'Hosts', exact: true }).click();
      await page.getByRole('button', { name: 'Add host' }).click();
      const form = page.getByRole('form', { name: 'Add host' });
      await form.getByLabel('libvirt URI').fill(`${host.libvirtUri}?keyfile=${lab!.sshKey}`);
      await form.getByRole('button', { name: 'Fill' }).click();
      await form.getByLabel('Name').fill(host.name);
      await shot('add-host');
      await form.getByRole('button', { name: 'Add host' }).click();
      const dialog = page.getByRole('dialog', { name: `Trust the host key of ${host.name}?` });
      await expect(dialog).toBeVisible();
      await shot('dialog-trust-key');
      await dialog.getByRole('button', { name: 'Trust and connect' }).click();
      await expect(dialog).toBeHidden();
      await expect(
        page.getByRole('article', { name: host.name, exact: true }).getByTestId('host-status'),
      ).toHaveText('Online', { timeout: 30_000 });

      for (const view of VIEWS) {
        await sections.getByRole('button', { name: view.nav, exact: true }).click();
        await expect(page.getByRole('heading', { name: view.heading, level: 1 })).toBeVisible();
        await shot(view.nav.toLowerCase());
      }

      // The dock, open.
      await page.getByRole('button', { name: 'Consoles and jobs' }).click();
      await expect(page.getByRole('region', { name: 'Consoles and jobs' })).toBeVisible();
      await expect(page.getByText('No consoles open.')).toBeVisible();
      await shot('dock');
      // Its Tasks tab (a chunk and a style sheet of its own); test/e2e/tasks.spec.ts pictures it
      // with tasks in it.
      await page.getByRole('tab', { name: /^Tasks/ }).click();
      await expect(page.getByRole('heading', { name: 'No tasks yet.' })).toBeVisible();

      expect(await page.evaluate(() => window.__cspViolations)).toEqual([]);
      expect(consoleReports).toEqual([]);
    });
  });
}
