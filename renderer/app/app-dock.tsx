import {
  Badge,
  Button,
  Drawer,
  DrawerActions,
  DrawerCloseButton,
  DrawerContent,
  DrawerContentBody,
  DrawerHead,
  DrawerPanelBody,
  DrawerPanelContent,
  Spinner,
  Tab,
  Tabs,
  TabTitleText,
  Title,
} from '@patternfly/react-core';
import { AngleUpIcon } from '@patternfly/react-icons';
import { Suspense, useEffect, useState, type ReactNode } from 'react';
import { ConsoleTabs, useConsoleClient } from '../console/console-tabs';
import { jobsClientOf } from '../views/jobs/jobs-client';
import { useJobsStore } from '../views/jobs/jobs-store';
import { RunDialogHost } from '../views/jobs/run-dialog';
import { useAppStore, type DockTab } from '../state/app-store';
import { runningCount } from '../views/tasks/task-text';
import { useTasksFeed } from '../views/tasks/use-tasks-feed';
import { useTasksStore } from '../views/tasks/task-store';
import { useClient } from './client-context';
import { JobsPanel, TasksPanel } from './lazy-views';

/** The height the user last dragged the dock to, kept across reloads. */
const HEIGHT_KEY = 'corral.dock.height';
const DEFAULT_HEIGHT = '320px';

/**
 * The main view with a bottom dock for consoles, tasks and jobs under it: an inline
 * PatternFly drawer, so the dock takes its height from the page instead of covering it, with a
 * drag handle to resize and a bar that stays when it is collapsed.
 */
export function AppDock({ children }: { children: ReactNode }) {
  const open = useAppStore((s) => s.panelOpen);
  const toggle = useAppStore((s) => s.togglePanel);
  const tab = useAppStore((s) => s.dockTab);
  const showTab = useAppStore((s) => s.showDockTab);
  const running = useTasksStore((s) => runningCount(s.tasks));
  const [height, setHeight] = useState(() => localStorage.getItem(HEIGHT_KEY) ?? DEFAULT_HEIGHT);
  useConsoleClient();
  useTasksFeed();
  const client = useClient();
  // Job changes are followed from the start, so a job's page is current whenever it opens.
  useEffect(() => useJobsStore.getState().connect(jobsClientOf(client)), [client]);

  const panel = (
    <DrawerPanelContent
      role="region"
      aria-labelledby="dock-title"
      isResizable
      resizeAriaLabel="Resize the dock"
      // Arrow keys on the handle move it by this many pixels; Enter keeps the size.
      increment={24}
      defaultSize={height}
      minSize="120px"
      maxSize="80%"
      onResize={(_event, size) => {
        const next = `${Math.round(size)}px`;
        setHeight(next);
        localStorage.setItem(HEIGHT_KEY, next);
      }}
    >
      <DrawerHead>
        <Title headingLevel="h2" size="md" id="dock-title">
          Consoles and jobs
        </Title>
        <DrawerActions>
          <DrawerCloseButton onClick={toggle} aria-label="Collapse the dock" />
        </DrawerActions>
      </DrawerHead>
      <DrawerPanelBody className="corral-dock-body">
        <div className="corral-dock-section">
          <Tabs
            aria-label="Dock"
            activeKey={tab}
            onSelect={(_e, key) => showTab(key as DockTab)}
            mountOnEnter
            unmountOnExit
          >
            <Tab eventKey="consoles" title={<TabTitleText>Consoles</TabTitleText>}>
              <div className="corral-dock-section">
                <ConsoleTabs />
              </div>
            </Tab>
            <Tab eventKey="tasks" title={<TasksTitle running={running} />}>
              <Suspense fallback={<Spinner size="lg" aria-label="Loading tasks" />}>
                <TasksPanel />
              </Suspense>
            </Tab>
            <Tab eventKey="jobs" title={<TabTitleText>Jobs</TabTitleText>}>
              <Suspense fallback={<Spinner size="lg" aria-label="Loading jobs" />}>
                <JobsPanel />
              </Suspense>
            </Tab>
          </Tabs>
        </div>
      </DrawerPanelBody>
    </DrawerPanelContent>
  );

  return (
    <div className="corral-workspace">
      <Drawer isExpanded={open} isInline position="bottom" className="corral-dock-drawer">
        <DrawerContent panelContent={panel} role="region" aria-label="Main view">
          <DrawerContentBody hasPadding className="corral-view">
            {children}
          </DrawerContentBody>
        </DrawerContent>
      </Drawer>
      {!open && (
        <div className="corral-dock-bar">
          <Button variant="plain" aria-expanded={false} icon={<AngleUpIcon />} onClick={toggle}>
            Consoles and jobs
          </Button>
          {running > 0 && (
            <Button variant="link" onClick={() => showTab('tasks')}>
              {running} {running === 1 ? 'task' : 'tasks'} running
            </Button>
          )}
        </div>
      )}
      <RunDialogHost />
    </div>
  );
}

/** "Tasks", with how many are still running as a badge (text, read with the tab's name). */
function TasksTitle({ running }: { running: number }) {
  return (
    <TabTitleText>
      Tasks{' '}
      {running > 0 && (
        <Badge isRead={false} data-testid="tasks-running-badge">
          {running} running
        </Badge>
      )}
    </TabTitleText>
  );
}
