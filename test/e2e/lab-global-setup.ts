import { LAB } from '../lab/config';
import { labDown, labUp } from '../lab/lab';
import { readLabState } from '../lab/state';
import { ensureLibvirtd, killPid } from '../integration/support/test-daemons';

/**
 * Playwright global setup: this machine's libvirtd (+ virtlogd), which "This computer" and the
 * console spec use, started when it does not answer; then the multi-host lab of test/lab, brought
 * up with the lab's own code (reused as it is when already up and healthy). Fails loudly when it
 * cannot: every test then fails with the reason, none is skipped. Afterwards stops only what this
 * run started: the daemons by pid, the lab unless it was already up or CORRAL_LAB_KEEP=1.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const log = (line: string): void => console.error(`lab: ${line}`);
  const started: number[] = [];
  try {
    await ensureLibvirtd(started);
  } catch (err) {
    for (const pid of started.reverse()) killPid(pid);
    throw new Error(
      `e2e: this machine's libvirtd could not be started: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const stopDaemons = () => {
    for (const pid of started.reverse()) killPid(pid);
  };
  const wasUp = readLabState() !== undefined;
  const hosts = Number(process.env.CORRAL_LAB_HOSTS ?? LAB.defaultHosts);
  try {
    await labUp({ hosts: Math.max(hosts, 2), log });
  } catch (err) {
    stopDaemons();
    throw new Error(`e2e: the lab could not be brought up: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return async () => {
    stopDaemons();
    if (wasUp || process.env.CORRAL_LAB_KEEP === '1') return;
    await labDown(log);
  };
}
