import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium-launch';

// Debian's Chromium with the lab-safe flags (test/support/chromium-launch.ts).
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
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS],
    },
    trace: 'off',
  },
});
