import {
  FormSelect,
  FormSelectOption,
  SearchInput,
  Switch,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import { useState } from 'react';
import type { TaskKind } from '../../../api/tasks-api';
import { desktopOn, setDesktopNotifications } from './long-task-notice';
import { useTasksStore } from './task-store';
import { KINDS, STATE_FILTERS, kindText, type StateFilter } from './task-text';

/** Filters by kind, state and target; the desktop-notification switch; how many are shown. */
export function TasksToolbar({ shown, total }: { shown: number; total: number }) {
  const filter = useTasksStore((s) => s.filter);
  const setFilter = useTasksStore((s) => s.setFilter);
  const loaded = useTasksStore((s) => s.loaded);
  return (
    <Toolbar className="tasks-toolbar" aria-label="Task filters">
      <ToolbarContent>
        <ToolbarItem>
          <FormSelect
            aria-label="Kind"
            value={filter.kind ?? ''}
            onChange={(_e, value) =>
              setFilter({ kind: (value || undefined) as TaskKind | undefined })
            }
          >
            <FormSelectOption value="" label="Every kind" />
            {KINDS.map((k) => (
              <FormSelectOption key={k} value={k} label={kindText(k)} />
            ))}
          </FormSelect>
        </ToolbarItem>
        <ToolbarItem>
          <FormSelect
            aria-label="State"
            value={filter.state ?? ''}
            onChange={(_e, value) =>
              setFilter({ state: (value || undefined) as StateFilter | undefined })
            }
          >
            <FormSelectOption value="" label="Every state" />
            {STATE_FILTERS.map((s) => (
              <FormSelectOption key={s.value} value={s.value} label={s.label} />
            ))}
          </FormSelect>
        </ToolbarItem>
        <ToolbarItem>
          <SearchInput
            aria-label="Target"
            placeholder="Filter by VM, cluster or volume"
            value={filter.target}
            onChange={(_e, target) => setFilter({ target })}
            onClear={() => setFilter({ target: '' })}
          />
        </ToolbarItem>
        <ToolbarItem alignSelf="center">
          <DesktopSwitch />
        </ToolbarItem>
        <ToolbarItem alignSelf="center">
          <span role="status" data-testid="tasks-count">
            {loaded ? `${shown} of ${total} ${total === 1 ? 'task' : 'tasks'} shown` : 'Loading…'}
          </span>
        </ToolbarItem>
      </ToolbarContent>
    </Toolbar>
  );
}

/** Asks for the desktop permission only when turned on (a user gesture), so never unprompted. */
function DesktopSwitch() {
  const [on, setOn] = useState(desktopOn);
  const [asking, setAsking] = useState(false);
  return (
    <Switch
      id="tasks-desktop-notify"
      label="Notify me when long tasks end"
      isChecked={on}
      isDisabled={asking}
      onChange={(_e, checked) => {
        setAsking(true);
        void setDesktopNotifications(checked).then((result) => {
          setOn(result);
          setAsking(false);
        });
      }}
    />
  );
}
