import type { MigrateRequest, MigrationPreflight } from '../../api/migration-api';
import type { Task } from '../../api/tasks-api';
import { CorralError } from '../../api/errors';
import type { CallContext } from '../call-context';

/** Moving VMs between hosts: a pre-flight that names every blocker, then a migration task. */
export class MigrationService {
  async preflight(_req: MigrateRequest, _ctx: CallContext): Promise<MigrationPreflight> {
    throw new CorralError('unavailable', 'migration is not available yet');
  }

  async start(_req: MigrateRequest, _ctx: CallContext): Promise<Task> {
    throw new CorralError('unavailable', 'migration is not available yet');
  }
}
