import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded browser; flags that keep it off the network this machine does not have.
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  // Real hosts for the specs that need them (hosts, topology, consoles): test/lab, brought up once.
  globalSetup: './lab-global-setup.ts',
  timeout: 120_000,
  workers: 1,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CORRAL_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'off',
  },
});
