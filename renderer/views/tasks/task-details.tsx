import { Content, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { Task } from '../../../api/tasks-api';
import { exactTime } from '../../app/relative-time';
import { StepStatusLabel } from './task-status-label';
import { durationMs, durationText } from './task-text';

/** A task's steps (status in words, what each did or measured) and its log lines. */
export function TaskDetails({ task, now }: { task: Task; now: number }) {
  return (
    <div className="tasks-details">
      {task.error && (
        <Content component="p" className="tasks-error">
          Error: {task.error}
        </Content>
      )}
      <Title headingLevel="h4" size="md">
        Steps
      </Title>
      {task.steps.length === 0 ? (
        <Content component="p">This task has no separate steps.</Content>
      ) : (
        <Table aria-label={`Steps of ${task.title}`} variant="compact" role="table" borders={false}>
          <Thead>
            <Tr>
              <Th>Step</Th>
              <Th>Status</Th>
              <Th>Detail</Th>
              <Th>Duration</Th>
            </Tr>
          </Thead>
          <Tbody>
            {task.steps.map((step) => (
              <Tr key={step.id}>
                <Th scope="row" dataLabel="Step">
                  {step.label}
                </Th>
                <Td dataLabel="Status">
                  <StepStatusLabel status={step.status} />
                </Td>
                <Td dataLabel="Detail">
                  {[step.detail, step.error].filter(Boolean).join(' — ') || '—'}
                </Td>
                <Td dataLabel="Duration">
                  {step.startedAt
                    ? durationText(
                        durationMs({ startedAt: step.startedAt, endedAt: step.endedAt }, now),
                      )
                    : '—'}
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      <Title headingLevel="h4" size="md">
        Log
      </Title>
      {task.log.length === 0 ? (
        <Content component="p">Nothing logged.</Content>
      ) : (
        <ol className="tasks-log" aria-label={`Log of ${task.title}`}>
          {task.log.map((line, i) => (
            <li key={i} className={`tasks-log-${line.level}`}>
              <time dateTime={line.at}>{exactTime(line.at)}</time> {line.level}: {line.text}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
