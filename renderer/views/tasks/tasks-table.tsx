import { Button, Progress, ProgressSize } from '@patternfly/react-core';
import { AngleDownIcon, AngleRightIcon } from '@patternfly/react-icons';
import { ExpandableRowContent, Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { Task } from '../../../api/tasks-api';
import { exactTime } from '../../app/relative-time';
import { TaskActions } from './task-actions';
import { TaskDetails } from './task-details';
import { TaskStatusLabel } from './task-status-label';
import { useTasksStore } from './task-store';
import { progressNote } from './task-progress-text';
import { durationMs, durationText, kindText, targetText } from './task-text';
import type { TasksClient } from './tasks-client';

const COLUMNS = 10;

/**
 * Running and finished tasks, newest first: one row each, with its steps and log under it when
 * opened. A plain data table (PatternFly's default role is an interactive grid, which this is not).
 */
export function TasksTable(props: { tasks: Task[]; client: TasksClient; now: number }) {
  const expanded = useTasksStore((s) => s.expanded);
  const toggle = useTasksStore((s) => s.toggle);
  const names = useTasksStore((s) => s.ownerNames);
  return (
    <Table aria-label="Tasks" variant="compact" role="table" isExpandable>
      <Thead>
        <Tr>
          <Th screenReaderText="Details" />
          <Th modifier="wrap" className="tasks-title">
            Task
          </Th>
          <Th modifier="wrap">Kind</Th>
          <Th modifier="wrap">Status</Th>
          <Th modifier="wrap" className="tasks-targets">
            Targets
          </Th>
          <Th modifier="wrap">Owner</Th>
          <Th modifier="wrap">Started</Th>
          <Th modifier="wrap">Duration</Th>
          <Th modifier="wrap" className="tasks-progress">
            Progress
          </Th>
          <Th screenReaderText="Actions" />
        </Tr>
      </Thead>
      {props.tasks.map((task) => {
        const open = expanded.has(task.id);
        const note = progressNote(task);
        return (
          <Tbody key={task.id} isExpanded={open}>
            <Tr data-testid={`task-${task.id}`}>
              <Td>
                <Button
                  variant="plain"
                  size="sm"
                  aria-expanded={open}
                  aria-label={`Details of ${task.title}`}
                  icon={open ? <AngleDownIcon /> : <AngleRightIcon />}
                  onClick={() => toggle(task.id)}
                />
              </Td>
              <Th scope="row" dataLabel="Task" modifier="breakWord">
                {task.title}
              </Th>
              <Td dataLabel="Kind">{kindText(task.kind)}</Td>
              <Td dataLabel="Status">
                <TaskStatusLabel status={task.status} testId="task-status" />
              </Td>
              <Td dataLabel="Targets" modifier="breakWord">
                {task.targets.map(targetText).join(', ') || '—'}
              </Td>
              <Td dataLabel="Owner">{names[task.ownerId] ?? task.ownerId}</Td>
              <Td dataLabel="Started">
                <time dateTime={task.startedAt}>{exactTime(task.startedAt)}</time>
              </Td>
              <Td dataLabel="Duration" modifier="nowrap">
                {durationText(durationMs(task, props.now))}
              </Td>
              <Td dataLabel="Progress">
                {task.progress === undefined ? (
                  note === undefined && '—'
                ) : (
                  <Progress
                    aria-label={`Progress of ${task.title}`}
                    value={Math.round(task.progress * 100)}
                    size={ProgressSize.sm}
                    measureLocation="outside"
                  />
                )}
                {note !== undefined && (
                  <div className="tasks-progress-note" data-testid="task-progress-note">
                    {note}
                  </div>
                )}
              </Td>
              <Td isActionCell>
                <TaskActions task={task} client={props.client} />
              </Td>
            </Tr>
            {open && (
              <Tr isExpanded>
                <Td colSpan={COLUMNS}>
                  <ExpandableRowContent>
                    <TaskDetails task={task} now={props.now} />
                  </ExpandableRowContent>
                </Td>
              </Tr>
            )}
          </Tbody>
        );
      })}
    </Table>
  );
}
