import { EmptyState, EmptyStateBody } from '@patternfly/react-core';
import { useEffect } from 'react';
import { useClient } from '../app/client-context';
import { ConsolePane } from './console-pane';
import { bringBack, followPopouts, popOut, usePopoutStore } from './console-popout';
import { bindConsoleClient, closeConsole, useConsoleStore, type ConsoleTab } from './console-store';

/** The console tabs of the bottom panel (WAI-ARIA tabs: tablist, tab, tabpanel). */
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

  const onKeyDown = (e: React.KeyboardEvent) => {
    const index = tabs.findIndex((t) => t.key === active.key);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = tabs[(index + step + tabs.length) % tabs.length];
    if (next) select(next.key);
  };

  return (
    <div className="console-tabs">
      <div role="tablist" aria-label="Consoles" onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <span key={t.key} className="console-tab">
            <button
              type="button"
              role="tab"
              id={`console-tab-${t.key}`}
              aria-selected={t.key === active.key}
              aria-controls={`console-panel-${t.key}`}
              tabIndex={t.key === active.key ? 0 : -1}
              onClick={() => select(t.key)}
            >
              {t.name}
              {t.status.state === 'closed' ? ' (closed)' : ''}
              {out.has(t.key) ? ' (in another window)' : ''}
            </button>
            <button
              type="button"
              className="console-tab-close"
              aria-label={`Close console ${t.name}`}
              title={`Close console ${t.name}`}
              onClick={() => closeConsole(t.key)}
            >
              ×
            </button>
          </span>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`console-panel-${active.key}`}
        aria-labelledby={`console-tab-${active.key}`}
        className="console-tabpanel"
      >
        {out.has(active.key) ? (
          <PoppedOut tab={active} />
        ) : (
          <ConsolePane key={active.key} tab={active} onPopOut={() => popOut(active)} />
        )}
      </div>
    </div>
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
      <button type="button" onClick={() => bringBack(tab.key)}>
        Bring back
      </button>
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
