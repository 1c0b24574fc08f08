import type { MigrateRequest, MigrationPreflight } from '../../api/migration-api';
import type { Task } from '../../api/tasks-api';
import { CorralError } from '../../api/errors';
import type { CallContext } from '../call-context';
import { preflightMigration, type PreflightDeps } from './migration-preflight';

/** Moving VMs between hosts: a pre-flight that names every blocker, then a migration task. */
export class MigrationService {
  constructor(private readonly preflightDeps: PreflightDeps) {}

  async preflight(req: MigrateRequest, _ctx: CallContext): Promise<MigrationPreflight> {
    return preflightMigration(this.preflightDeps, req);
  }

  async start(_req: MigrateRequest, _ctx: CallContext): Promise<Task> {
    throw new CorralError('unavailable', 'migration is not available yet');
  }
}
