import { create } from 'zustand';
import type { Task } from '../../../api/tasks-api';
import { announceTaskEnd, endedAfterLongRun } from './long-task-notice';
import { mergeListed, mergeTask, type TaskFilterValue } from './task-text';
import type { TasksClient } from './tasks-client';

interface TasksState {
  /** Newest first, running and finished. */
  tasks: Task[];
  loaded: boolean;
  loadError?: string;
  /** User names by id, as far as this session may know them (owners shown by name). */
  ownerNames: Readonly<Record<string, string>>;
  /** The toolbar's filters (kept while the tab is hidden). */
  filter: TaskFilterValue;
  /** Ids of the tasks whose steps and log are open. */
  expanded: ReadonlySet<string>;
  setFilter(patch: Partial<TaskFilterValue>): void;
  toggle(id: string): void;
  /** Puts in a task as it is now. */
  put(task: Task): void;
  /**
   * For a call about task `id` about to be sent: puts its answer in, unless an event about the
   * task came meanwhile (the answer can be older than that event: a cancel answers "cancelling"
   * and the "cancelled" event may arrive first).
   */
  answer(id: string): (task: Task) => void;
  /**
   * Follows the caller's tasks: subscribe first, then the list; every change is merged by id and
   * a long task of `userId` that ends is announced. Returns the unsubscribe.
   */
  connect(client: TasksClient, userId: string): () => void;
}

/** How many events each task has had (see `answer`). */
const events = new Map<string, number>();

/** The Tasks tab's data: lives with the dock, so the tab's badge and the notices work unseen. */
export const useTasksStore = create<TasksState>((set, get) => ({
  tasks: [],
  loaded: false,
  ownerNames: {},
  filter: { target: '' },
  expanded: new Set(),
  setFilter: (patch) => set((s) => ({ filter: { ...s.filter, ...patch } })),
  toggle: (id) =>
    set((s) => {
      const expanded = new Set(s.expanded);
      if (!expanded.delete(id)) expanded.add(id);
      return { expanded };
    }),
  put: (task) => set((s) => ({ tasks: mergeTask(s.tasks, task) })),
  answer: (id) => {
    const before = events.get(id) ?? 0;
    return (task) => {
      if ((events.get(id) ?? 0) === before) get().put(task);
    };
  },
  connect: (client, userId) => {
    let closed = false;
    const pushed = new Map<string, Task>();
    const asked = new Set<string>();
    const loadNames = () =>
      client.accounts.names({}).then(
        (ownerNames) => !closed && set({ ownerNames }),
        () => {
          // Without names the owner's id stands in.
        },
      );
    set({ tasks: [], loaded: false, loadError: undefined });
    const sub = client.tasks.onChanged((task) => {
      if (closed) return;
      const prev = get().tasks.find((t) => t.id === task.id);
      pushed.set(task.id, task);
      events.set(task.id, (events.get(task.id) ?? 0) + 1);
      get().put(task);
      // An account made after the names were read: read them again, once per owner.
      if (!get().ownerNames[task.ownerId] && !asked.has(task.ownerId)) {
        asked.add(task.ownerId);
        void loadNames();
      }
      const now = Date.now();
      if (endedAfterLongRun(prev, task, userId, now)) announceTaskEnd(task, now);
    });
    client.tasks.list({ limit: 1000 }).then(
      (listed) =>
        !closed &&
        set({
          tasks: mergeListed(listed, [...pushed.values()]),
          loaded: true,
          loadError: undefined,
        }),
      (err: Error) => !closed && set({ loaded: true, loadError: err.message }),
    );
    void loadNames();
    return () => {
      closed = true;
      sub.dispose();
    };
  },
}));
