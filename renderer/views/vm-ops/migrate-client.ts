import { useMemo } from 'react';
import { hostsApi } from '../../../api/hosts-api';
import { migrationApi } from '../../../api/migration-api';
import { tasksApi } from '../../../api/tasks-api';
import type { Client } from '../../../api/types';
import { useClient } from '../../app/client-context';
import { subsetClientOf } from '../../app/subset-client';

/**
 * The part of the contract the migrate dialog uses: the pre-flight and the start, the hosts to
 * pick a target from, and the task the start returns (followed to its end).
 */
export const migrateApi = {
  migration: migrationApi,
  tasks: { get: tasksApi.get, onChanged: tasksApi.onChanged },
  hosts: { list: hostsApi.list },
} as const;

export type MigrateClient = Client<typeof migrateApi>;

/** The client with every entry of migrateApi present (a missing one answers not-found). */
export function migrateClientOf(client: unknown): MigrateClient {
  return subsetClientOf(migrateApi, client);
}

/** The app's contract client, seen through the entries the migrate dialog needs. */
export function useMigrateClient(): MigrateClient {
  const client = useClient();
  return useMemo(() => migrateClientOf(client), [client]);
}
