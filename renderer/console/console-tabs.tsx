import {
  Button,
  EmptyState,
  EmptyStateBody,
  Tab,
  Tabs,
  TabTitleText,
} from '@patternfly/react-core';
import { useEffect } from 'react';
import { useClient } from '../app/client-context';
import { ConsolePane } from './console-pane';
import { bringBack, followPopouts, popOut, usePopoutStore } from './console-popout';
import { bindConsoleClient, closeConsole, useConsoleStore, type ConsoleTab } from './console-store';

/** The console tabs of the dock (PatternFly Tabs: tablist, tab, tabpanel, a close button each). */
export function ConsoleTabs() {
  const tabs = useConsoleStore((s) => s.tabs);
  const activeKey = useConsoleStore((s) => s.activeKey);
  const select = useConsoleStore((s) => s.select);
  const out = usePopoutStore((s) => s.out);
  const active = tabs.find((t) => t.key === activeKey) ?? tabs[0];

  if (!active) {
    return (
      <EmptyState variant="xs" titleText="No consoles open." headingLevel="h3">
        <EmptyStateBody>
          Open a VM&apos;s console from Topology or Clusters; it shows here, and can pop out into a
          window of its own.
        </EmptyStateBody>
      </EmptyState>
    );
  }

  return (
    <Tabs
      className="console-tabs"
      aria-label="Consoles"
      activeKey={active.key}
      onSelect={(_e, key) => select(String(key))}
      onClose={(_e, key) => closeConsole(String(key))}
      mountOnEnter
      unmountOnExit
    >
      {tabs.map((t) => (
        <Tab
          key={t.key}
          eventKey={t.key}
          title={
            <TabTitleText>
              {t.name}
              {t.status.state === 'closed' ? ' (closed)' : ''}
              {out.has(t.key) ? ' (in another window)' : ''}
            </TabTitleText>
          }
          closeButtonAriaLabel={`Close console ${t.name}`}
        >
          <div className="console-tabpanel">
            {out.has(t.key) ? (
              <PoppedOut tab={t} />
            ) : (
              <ConsolePane key={t.key} tab={t} onPopOut={() => popOut(t)} />
            )}
          </div>
        </Tab>
      ))}
    </Tabs>
  );
}

/** In the dock, a console shown in its own window: where it is, and how to get it back. */
function PoppedOut({ tab }: { tab: ConsoleTab }) {
  return (
    <div
      className="console-popped-out"
      role="status"
      data-testid={`console-${tab.name}-popped-out`}
    >
      <span>Open in another window</span>
      <Button variant="secondary" size="sm" onClick={() => bringBack(tab.key)}>
        Bring back
      </Button>
    </div>
  );
}

/**
 * Gives the consoles the contract client while the app is connected, and follows consoles that
 * pop out into other windows and come back.
 */
export function useConsoleClient(): void {
  const client = useClient();
  useEffect(() => bindConsoleClient(client), [client]);
  useEffect(() => followPopouts(), []);
}
