import { useMemo } from 'react';
import { hostsApi } from '../../../api/hosts-api';
import { inventoryApi } from '../../../api/inventory-api';
import { resizeApi } from '../../../api/resize-api';
import { checkpointsApi, snapshotsApi } from '../../../api/snapshots-api';
import { tasksApi } from '../../../api/tasks-api';
import type { Client } from '../../../api/types';
import { useClient } from '../../app/client-context';
import { subsetClientOf } from '../../app/subset-client';

/**
 * The part of the contract the resize, snapshot and checkpoint dialogs use: the operations, the
 * tasks they start (to follow each to its end), and the inventory for a cluster's current sizes.
 */
export const vmOpsApi = {
  resize: resizeApi,
  snapshots: snapshotsApi,
  checkpoints: checkpointsApi,
  tasks: { get: tasksApi.get, onChanged: tasksApi.onChanged },
  inventory: { snapshot: inventoryApi.snapshot },
  hosts: { list: hostsApi.list },
} as const;

export type VmOpsClient = Client<typeof vmOpsApi>;

/** The client with every entry of vmOpsApi present (a missing one answers not-found). */
export function vmOpsClientOf(client: unknown): VmOpsClient {
  return subsetClientOf(vmOpsApi, client);
}

/** The app's contract client, seen through the entries these dialogs need. */
export function useVmOpsClient(): VmOpsClient {
  const client = useClient();
  return useMemo(() => vmOpsClientOf(client), [client]);
}
