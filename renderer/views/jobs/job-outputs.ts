import { JobOutput } from './job-output';
import type { JobsClient } from './jobs-client';
import { useJobsStore } from './jobs-store';

/** Each open job's output, kept while its page is open in the dock (across tab switches). */
const outputs = new Map<string, JobOutput>();

/** Job `id`'s output, its watch stream started on first use. */
export function jobOutput(client: JobsClient, id: string): JobOutput {
  let out = outputs.get(id);
  if (!out) {
    out = new JobOutput(id, (state) => useJobsStore.getState().setWatch(id, state));
    outputs.set(id, out);
    void out.start(client);
  }
  return out;
}

/** Frees the output of jobs no longer open (their streams end, their terminals go). */
export function pruneOutputs(open: readonly string[]): void {
  for (const [id, out] of outputs) {
    if (!open.includes(id)) {
      out.dispose();
      outputs.delete(id);
    }
  }
}
