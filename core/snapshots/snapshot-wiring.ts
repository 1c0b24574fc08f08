import type { User } from '../../api/accounts-api';
import type { SessionUsers } from '../accounts/authorization';
import type { CallContext } from '../call-context';
import type { HostConnections } from '../hosts/host-connections';
import type { InventoryService } from '../inventory/inventory-service';
import type { TaskRunner, TaskStarter } from '../tasks/task-runner';
import {
  checkpointCreateRunner,
  checkpointDeleteRunner,
  checkpointRevertRunner,
} from './checkpoint-runners';
import { CheckpointService } from './checkpoint-service';
import {
  snapshotCreateRunner,
  snapshotDeleteRunner,
  snapshotRevertRunner,
} from './snapshot-runners';
import { SnapshotService } from './snapshot-service';

export interface SnapshotWiring {
  hosts: HostConnections;
  tasks: TaskStarter & { register<S>(runner: TaskRunner<S>): void };
  users: SessionUsers;
  inventory: Pick<InventoryService, 'snapshot'>;
  /** Who asks; the contract's gate decided they may act on the VM. */
  caller(ctx: CallContext): User;
}

/** The VM snapshot and cluster checkpoint services, with their six task runners registered. */
export function snapshotServices(w: SnapshotWiring): {
  snapshots: SnapshotService;
  checkpoints: CheckpointService;
} {
  for (const runner of [
    snapshotCreateRunner(w.hosts),
    snapshotRevertRunner(w.hosts),
    snapshotDeleteRunner(w.hosts),
  ]) {
    w.tasks.register(runner as TaskRunner<unknown>);
  }
  const options = { hosts: w.hosts };
  w.tasks.register(checkpointCreateRunner(options));
  w.tasks.register(checkpointRevertRunner(options));
  w.tasks.register(checkpointDeleteRunner(options));
  return {
    snapshots: new SnapshotService({ hosts: w.hosts, tasks: w.tasks, caller: w.caller }),
    checkpoints: new CheckpointService({
      hosts: w.hosts,
      tasks: w.tasks,
      users: w.users,
      inventory: w.inventory,
    }),
  };
}
