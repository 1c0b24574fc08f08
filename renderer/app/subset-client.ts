import type { Contract, EntryDef } from '../../api/contract';
import { CorralError } from '../../api/errors';
import type { Client } from '../../api/types';

type Leaves = Record<string, Record<string, unknown> | undefined>;

/**
 * A client with every entry of `api` (namespaces one level deep) present: an entry the serving
 * side's contract lacks (an older desktop shell, a test client) answers not-found and its event
 * never fires, so a view shows an error instead of crashing. Entries the client has pass through
 * untouched.
 */
export function subsetClientOf<C extends Record<string, Record<string, EntryDef>>>(
  api: C,
  client: unknown,
): Client<C & Contract> {
  const have = client as Leaves;
  const out: Leaves = {};
  for (const [ns, entries] of Object.entries(api)) {
    const leaves: Record<string, unknown> = {};
    for (const [name, def] of Object.entries(entries)) {
      const fn = have[ns]?.[name];
      leaves[name] =
        typeof fn === 'function'
          ? fn
          : def.kind === 'event'
            ? () => ({ dispose() {} })
            : () => Promise.reject(new CorralError('not-found', `no method named ${ns}.${name}`));
    }
    out[ns] = leaves;
  }
  return out as unknown as Client<C & Contract>;
}
