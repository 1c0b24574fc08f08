import type { MigrateRequest, MigrationPreflight } from '../../api/migration-api';
import type { Task } from '../../api/tasks-api';
import { CorralError } from '../../api/errors';
import { notFound, type SessionUsers } from '../accounts/authorization';
import type { CallContext } from '../call-context';
import type { HostConnections } from '../hosts/host-connections';
import type { TaskStarter } from '../tasks/task-runner';
import { preflightMigration } from './migration-preflight';
import { MIGRATION_STEPS } from './migration-runner';
import type { MigrationState } from './migration-state';

/** The engine as the migration service uses it: start tasks, and see which are still working. */
export interface MigrationTasks extends TaskStarter {
  select(match: (task: Pick<Task, 'kind' | 'status' | 'targets'>) => boolean): Task[];
}

export interface MigrationServiceOptions {
  users: SessionUsers;
  hosts: HostConnections;
  tasks: MigrationTasks;
  /** The VM's name as the inventory knows it (undefined: not known). */
  nameOf(ref: { hostId: string; uuid: string }): string | undefined;
  /** A host's name for titles (its id when unknown). */
  hostName(hostId: string): string;
}

const WORKING = new Set<Task['status']>(['queued', 'running', 'cancelling', 'rolling-back']);

/** Moving VMs between hosts: a pre-flight that names every blocker, then a migration task. */
export class MigrationService {
  constructor(private readonly options: MigrationServiceOptions) {}

  /** Whose VM it is was decided by the contract's gate (owner:vm). */
  async preflight(req: MigrateRequest, ctx: CallContext): Promise<MigrationPreflight> {
    this.options.users.requireUser(ctx);
    return preflightMigration(
      { hosts: this.options.hosts, nameOf: (ref) => this.options.nameOf(ref) },
      req,
    );
  }

  /** Refused with every blocker the pre-flight names; otherwise the task as first shown. */
  async start(req: MigrateRequest, ctx: CallContext): Promise<Task> {
    const user = this.options.users.requireUser(ctx);
    const name = this.options.nameOf(req);
    if (name === undefined) throw notFound(`VM ${req.uuid} on host ${req.hostId}`);
    if (req.targetHostId === req.hostId) {
      throw new CorralError(
        'bad-request',
        `${name} is on ${this.options.hostName(req.hostId)} already`,
      );
    }
    this.checkNotMigrating(name, req.uuid);
    const check = await this.preflight(req, ctx);
    if (!check.ok) {
      throw new CorralError(
        'conflict',
        `${name} cannot move to ${this.options.hostName(req.targetHostId)}: ${check.blockers
          .map((b) => b.message)
          .join('; ')}`,
        { blockers: check.blockers },
      );
    }
    // The pre-flight awaited the hosts: another start may have come in meanwhile.
    this.checkNotMigrating(name, req.uuid);
    const state: MigrationState = {
      vm: { hostId: req.hostId, uuid: req.uuid, name },
      sourceHostId: req.hostId,
      targetHostId: req.targetHostId,
      mode: check.mode,
      phase: 'prepare-target',
      targetVolumes: [],
      sourceVolumes: [],
    };
    const from = this.options.hostName(req.hostId);
    const to = this.options.hostName(req.targetHostId);
    return this.options.tasks.start({
      kind: 'vm-migrate',
      ownerId: user.id,
      title: `Migrate ${name} (${check.mode}) from ${from} to ${to}`,
      targets: [{ kind: 'vm', hostId: req.hostId, uuid: req.uuid, name }],
      steps: MIGRATION_STEPS.map((s) => ({
        ...s,
        hostId: s.id === 'cleanup-source' ? req.hostId : req.targetHostId,
      })),
      state,
    });
  }

  /** One migration at a time per VM: a second would race the first for the same domain. */
  private checkNotMigrating(name: string, uuid: string): void {
    const [busy] = this.options.tasks.select(
      (t) =>
        t.kind === 'vm-migrate' &&
        WORKING.has(t.status) &&
        t.targets.some((x) => x.kind === 'vm' && x.uuid === uuid),
    );
    if (busy) {
      throw new CorralError('conflict', `${name} is being migrated already (${busy.title})`);
    }
  }
}
