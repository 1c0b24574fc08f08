import { useMemo } from 'react';
import { accountsApi } from '../../../api/accounts-api';
import { clustersApi, operationsApi } from '../../../api/clusters-api';
import type { EntryDef } from '../../../api/contract';
import { CorralError } from '../../../api/errors';
import { hostsApi } from '../../../api/hosts-api';
import { imagesApi } from '../../../api/images-api';
import type { Client } from '../../../api/types';
import { useClient } from '../../app/client-context';
import type { CorralClient } from '../../boot/corral-client';

/**
 * The part of the contract the Clusters view uses. Naming it keeps the view (and its tests) honest
 * about what it calls, and lets a test serve just these entries over the in-memory transport.
 */
export const clustersViewApi = {
  accounts: { me: accountsApi.me },
  clusters: clustersApi,
  operations: operationsApi,
  images: { list: imagesApi.list },
  hosts: { list: hostsApi.list, onChanged: hostsApi.onChanged },
} as const;

export type ClustersViewClient = Client<typeof clustersViewApi>;

/** Compile-time check: the app's client has every entry this view uses, with the same types. */
export const appClientFits = (client: CorralClient): ClustersViewClient => client;

type Leaves = Record<string, Record<string, unknown> | undefined>;

/**
 * The client with every entry of clustersViewApi present: an entry the serving side's contract
 * lacks (an older desktop shell, a test client) answers not-found and its event never fires, so the
 * view shows an error instead of crashing. Entries the client has pass through untouched.
 */
export function clustersClientOf(client: unknown): ClustersViewClient {
  const have = client as Leaves;
  const out: Leaves = {};
  for (const [ns, entries] of Object.entries(clustersViewApi)) {
    const leaves: Record<string, unknown> = {};
    for (const [name, def] of Object.entries(entries as Record<string, EntryDef>)) {
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
  return out as unknown as ClustersViewClient;
}

/** The app's contract client, seen through the entries this view needs. */
export function useClustersClient(): ClustersViewClient {
  const client = useClient();
  return useMemo(() => clustersClientOf(client), [client]);
}
