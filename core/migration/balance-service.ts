import type { BalanceAuto, BalancePlan, BalancePolicy } from '../../api/migration-api';
import type { Task } from '../../api/tasks-api';
import { CorralError } from '../../api/errors';
import type { CallContext } from '../call-context';

/** Spreading load across hosts: a plan from live host statistics, applied as one task. */
export class BalanceService {
  async preview(_policy: Partial<BalancePolicy>, _ctx: CallContext): Promise<BalancePlan> {
    throw new CorralError('unavailable', 'balancing is not available yet');
  }

  async apply(_planId: string, _ctx: CallContext): Promise<Task> {
    throw new CorralError('unavailable', 'balancing is not available yet');
  }

  auto(): BalanceAuto {
    throw new CorralError('unavailable', 'balancing is not available yet');
  }

  setAuto(_enabled: boolean, _policy: Partial<BalancePolicy> | undefined): BalanceAuto {
    throw new CorralError('unavailable', 'balancing is not available yet');
  }
}
