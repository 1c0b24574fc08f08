import type { z } from 'zod';
import type { Disposable } from '../../api/disposable';
import type { Task, TaskFilter, TaskTarget } from '../../api/tasks-api';
import { canAccess, notFound, type SessionUsers } from '../accounts/authorization';
import type { CallContext } from '../call-context';
import type { TaskEngine } from './task-engine';

/**
 * The tasks contract: a plain user sees and acts on their own tasks only, the administrator on
 * everyone's. Another user's task reads as not found, like anything else of theirs.
 */
export class TasksService {
  constructor(
    private readonly engine: Pick<
      TaskEngine,
      'get' | 'select' | 'cancel' | 'resume' | 'rollback' | 'onChanged'
    >,
    private readonly users: SessionUsers,
  ) {}

  list(filter: z.output<typeof TaskFilter>, ctx: CallContext): Task[] {
    const user = this.users.requireUser(ctx);
    const needle = filter.target?.toLowerCase();
    return this.engine.select(
      (t) =>
        canAccess(user, t.ownerId) &&
        (!filter.kind || t.kind === filter.kind) &&
        (!filter.status || t.status === filter.status) &&
        (!needle || t.targets.some((target) => targetName(target).includes(needle))),
      filter.limit,
    );
  }

  get(id: string, ctx: CallContext): Task {
    return this.visible(id, ctx);
  }

  cancel(id: string, ctx: CallContext): Promise<Task> {
    this.visible(id, ctx);
    return this.engine.cancel(id, this.users.requireUser(ctx).username);
  }

  resume(id: string, ctx: CallContext): Promise<Task> {
    this.visible(id, ctx);
    return this.engine.resume(id, this.users.requireUser(ctx).username);
  }

  rollback(id: string, ctx: CallContext): Promise<Task> {
    this.visible(id, ctx);
    return this.engine.rollback(id, this.users.requireUser(ctx).username);
  }

  /** Changes of the tasks the session may see; who it is is asked at each change. */
  onChanged(emit: (task: Task) => void, ctx: CallContext): Disposable {
    this.users.requireUser(ctx);
    return this.engine.onChanged((task) => {
      if (canAccess(this.users.me(ctx).user, task.ownerId)) emit(task);
    });
  }

  private visible(id: string, ctx: CallContext): Task {
    const user = this.users.requireUser(ctx);
    const task = this.engine.get(id);
    if (!task || !canAccess(user, task.ownerId)) throw notFound(`task ${id}`);
    return task;
  }
}

/** What the "target" filter matches: a VM's name, a cluster, a volume. */
function targetName(target: TaskTarget): string {
  switch (target.kind) {
    case 'vm':
      return target.name.toLowerCase();
    case 'cluster':
      return target.cluster.toLowerCase();
    case 'image':
      return target.volume.toLowerCase();
  }
}
