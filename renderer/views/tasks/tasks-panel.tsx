import { Alert, EmptyState, EmptyStateBody, Spinner } from '@patternfly/react-core';
import { useEffect, useMemo, useState } from 'react';
import { useClient } from '../../app/client-context';
import { useTasksStore } from './task-store';
import { filterTasks, runningCount } from './task-text';
import { tasksClientOf } from './tasks-client';
import { TasksTable } from './tasks-table';
import { TasksToolbar } from './tasks-toolbar';
import './tasks.css';

/** The dock's Tasks tab: every long operation the user may see, live, with filters. */
export function TasksPanel() {
  const client = useClient();
  const tasksClient = useMemo(() => tasksClientOf(client), [client]);
  const tasks = useTasksStore((s) => s.tasks);
  const loaded = useTasksStore((s) => s.loaded);
  const loadError = useTasksStore((s) => s.loadError);
  const filter = useTasksStore((s) => s.filter);
  const shown = useMemo(() => filterTasks(tasks, filter), [tasks, filter]);
  const now = useSecondsWhile(runningCount(tasks) > 0);

  return (
    <div className="tasks-panel">
      <TasksToolbar shown={shown.length} total={tasks.length} />
      {loadError && (
        <Alert variant="danger" isInline title="Could not read the tasks" role="alert">
          {loadError}
        </Alert>
      )}
      {!loaded ? (
        <Spinner size="lg" aria-label="Loading tasks" />
      ) : tasks.length === 0 ? (
        <EmptyState variant="xs" titleText="No tasks yet." headingLevel="h3">
          <EmptyStateBody>
            Long operations (building a cluster, uploading an image, resizing, snapshots) show here
            with their steps while they run, and stay as a history afterwards.
          </EmptyStateBody>
        </EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState variant="xs" titleText="No task matches the filters." headingLevel="h3" />
      ) : (
        <TasksTable tasks={shown} client={tasksClient} now={now} />
      )}
    </div>
  );
}

/** The time, refreshed every second while `ticking` (running tasks' durations count up). */
function useSecondsWhile(ticking: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    // Idle, finished tasks' durations come from their end times: nothing to redraw.
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}
