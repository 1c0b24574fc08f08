import { LAB } from '../lab/config';
import { labDown, labUp } from '../lab/lab';
import { readLabState } from '../lab/state';

/**
 * Playwright global setup: the multi-host lab of test/lab, brought up with the lab's own code
 * (reused as it is when already up and healthy). Fails loudly when it cannot: every test then
 * fails with the reason, none is skipped. Takes the lab down afterwards only if this run started
 * it (others may be using a lab that was already up), and never with CORRAL_LAB_KEEP=1.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const log = (line: string): void => console.error(`lab: ${line}`);
  const wasUp = readLabState() !== undefined;
  const hosts = Number(process.env.CORRAL_LAB_HOSTS ?? LAB.defaultHosts);
  try {
    await labUp({ hosts: Math.max(hosts, 2), log });
  } catch (err) {
    throw new Error(`e2e: the lab could not be brought up: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return async () => {
    if (wasUp || process.env.CORRAL_LAB_KEEP === '1') return;
    await labDown(log);
  };
}
