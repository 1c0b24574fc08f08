import { useMemo } from 'react';
import { accountsApi } from '../../../api/accounts-api';
import { clustersApi, operationsApi } from '../../../api/clusters-api';
import { hostsApi } from '../../../api/hosts-api';
import { imagesApi } from '../../../api/images-api';
import { inventoryApi } from '../../../api/inventory-api';
import type { Client } from '../../../api/types';
import { useClient } from '../../app/client-context';
import { subsetClientOf } from '../../app/subset-client';
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
  inventory: { onChanged: inventoryApi.onChanged },
} as const;

export type ClustersViewClient = Client<typeof clustersViewApi>;

/** Compile-time check: the app's client has every entry this view uses, with the same types. */
export const appClientFits = (client: CorralClient): ClustersViewClient => client;

/**
 * The client with every entry of clustersViewApi present (a missing one answers not-found), so
 * the view shows an error instead of crashing on an older serving side.
 */
export function clustersClientOf(client: unknown): ClustersViewClient {
  return subsetClientOf(clustersViewApi, client);
}

/** The app's contract client, seen through the entries this view needs. */
export function useClustersClient(): ClustersViewClient {
  const client = useClient();
  return useMemo(() => clustersClientOf(client), [client]);
}
