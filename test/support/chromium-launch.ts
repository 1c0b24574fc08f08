/**
 * How Corral's browser tests and benches start Chromium: Debian's own build, never a downloaded
 * one, with the flags that keep it off the network this machine does not have.
 */
export const CHROMIUM_PATH = process.env.CORRAL_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
