import { describe, expect, it } from 'vitest';
import type { Task, TaskStep } from '../../../api/tasks-api';
import {
  phaseText,
  progressNote,
  remainingText,
} from '../../../renderer/views/tasks/task-progress-text';

const step = (id: string, status: TaskStep['status'], detail?: string): TaskStep => ({
  id,
  label: id,
  status,
  detail,
});

type Shown = Pick<Task, 'status' | 'steps' | 'progress' | 'remainingSeconds'>;
const migrating: Shown = {
  status: 'running',
  steps: [
    step('Prepare the target', 'done', 'overlay created'),
    step('Migrate', 'running', 'memory 412 of 512 MiB'),
    step('Verify', 'pending'),
  ],
  progress: 0.42,
  remainingSeconds: 75,
};

describe('a running task’s progress note', () => {
  it('names the running step with its detail; the label alone when it says none', () => {
    expect(phaseText(migrating)).toBe('Migrate: memory 412 of 512 MiB');
    expect(phaseText({ steps: [step('Verify', 'running')] })).toBe('Verify');
    expect(phaseText({ steps: [step('a', 'done'), step('b', 'pending')] })).toBeUndefined();
  });

  it('says time left as people do; under a second is almost done', () => {
    expect(remainingText(75)).toBe('about 1 min 15 s left');
    expect(remainingText(9.6)).toBe('about 10 s left');
    expect(remainingText(0.4)).toBe('almost done');
  });

  it('joins phase, percentage and time left for a migration', () => {
    expect(progressNote(migrating)).toBe(
      'Migrate: memory 412 of 512 MiB · 42% · about 1 min 15 s left',
    );
  });

  it('any kind reporting time left gets it, with only the parts it reports', () => {
    expect(progressNote({ status: 'running', steps: [], remainingSeconds: 30 })).toBe(
      'about 30 s left',
    );
    expect(progressNote({ status: 'queued', steps: [], progress: 0 })).toBe('0%');
    expect(progressNote({ status: 'running', steps: [] })).toBeUndefined();
  });

  it('says nothing once the task has ended, whatever it last reported', () => {
    for (const status of ['succeeded', 'failed', 'cancelled', 'interrupted'] as const) {
      expect(progressNote({ ...migrating, status })).toBeUndefined();
    }
  });
});
