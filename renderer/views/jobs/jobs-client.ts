import { clustersApi } from '../../../api/clusters-api';
import { jobsApi } from '../../../api/jobs-api';
import type { Client } from '../../../api/types';
import type { CorralClient } from '../../boot/corral-client';

/** The part of the contract the jobs UI uses. */
export const jobsViewApi = {
  jobs: jobsApi,
  clusters: { list: clustersApi.list },
} as const;

export type JobsClient = Client<typeof jobsViewApi>;

/** The app's client seen through the entries the jobs UI needs (a compile-time check). */
export const jobsClientOf = (client: CorralClient): JobsClient => client;
