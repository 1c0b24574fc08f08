import type { TestProject } from 'vitest/node';
import { LAB, STATE_FILE } from './config';
import { labDown, labUp } from './lab';
import { readLabState } from './state';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the lab's state file (JSON, see test/lab/state.ts); read it with readLabState(). */
    labStateFile: string;
  }
}

/**
 * Vitest global setup for suites that need real hosts: brings the lab up (building the guest
 * image on a cold cache) and takes it down afterwards, unless it was already up before the run
 * (then it is someone's lab and stays) or another live run still uses it (see lab-lock.ts). If
 * the lab cannot start, this throws and every test of the project fails with that reason; nothing
 * is skipped. Note that down.test.ts restarts the lab (new keys) once no other run uses it.
 *
 * CORRAL_LAB_HOSTS sets the host count (default 2); CORRAL_LAB_KEEP=1 leaves the lab up after the
 * run, for debugging or for trying Corral against it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const hosts = Number(process.env.CORRAL_LAB_HOSTS ?? LAB.defaultHosts);
  const log = (line: string): void => console.error(`lab: ${line}`);
  // A lab someone brought up by hand (to try Corral) stays up after the run.
  const wasUp = readLabState() !== undefined;
  const t0 = Date.now();
  await labUp({ hosts, log });
  log(`up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  project.provide('labStateFile', STATE_FILE);
  return async () => {
    if (wasUp || process.env.CORRAL_LAB_KEEP === '1') return;
    await labDown(log);
  };
}
