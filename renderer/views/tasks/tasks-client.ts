import { accountsApi } from '../../../api/accounts-api';
import { tasksApi } from '../../../api/tasks-api';
import type { Client } from '../../../api/types';
import type { CorralClient } from '../../boot/corral-client';

/** The part of the contract the Tasks tab uses (and a test may serve alone). */
export const tasksViewApi = {
  tasks: tasksApi,
  accounts: { names: accountsApi.names },
} as const;

export type TasksClient = Client<typeof tasksViewApi>;

/** The app's client seen through the entries the Tasks tab needs (a compile-time check). */
export const tasksClientOf = (client: CorralClient): TasksClient => client;
