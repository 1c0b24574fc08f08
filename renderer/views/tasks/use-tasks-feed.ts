import { useEffect } from 'react';
import { useClient } from '../../app/client-context';
import { useSession } from '../../app/user-context';
import { useTasksStore } from './task-store';
import { tasksClientOf } from './tasks-client';

/** Keeps the tasks store following core while the frame is up (the dock calls it once). */
export function useTasksFeed(): void {
  const client = useClient();
  const userId = useSession().user.id;
  const connect = useTasksStore((s) => s.connect);
  useEffect(() => connect(tasksClientOf(client), userId), [client, userId, connect]);
}
