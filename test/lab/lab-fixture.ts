import { inject } from 'vitest';
import { readLabState, type LabState } from './state';

/**
 * The lab as it is now, for tests. Read from the state file on every call rather than cached:
 * the `down` test takes the lab down and brings it up again with new pids.
 */
export function currentLab(): LabState {
  const file = inject('labStateFile');
  const state = readLabState(file);
  if (!state) throw new Error(`lab state file ${file} is missing: the lab is not up`);
  return state;
}
