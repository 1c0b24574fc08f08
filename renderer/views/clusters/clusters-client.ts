import { accountsApi } from '../../../api/accounts-api';
import { clustersApi, operationsApi } from '../../../api/clusters-api';
import { hostsApi } from '../../../api/hosts-api';
import { imagesApi } from '../../../api/images-api';
import type { Client } from '../../../api/types';
import { useClient } from '../../app/client-context';

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

/** The app's contract client, seen through the entries this view needs. */
export function useClustersClient(): ClustersViewClient {
  // Why the cast: the clusters, operations, images and accounts entries are wired into corralApi
  // by their own services (issue 6); until they all are, calls to a missing entry fail with
  // not-found at run time and the view shows that error.
  return useClient() as unknown as ClustersViewClient;
}
