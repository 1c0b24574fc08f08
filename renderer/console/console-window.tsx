import { EmptyState, EmptyStateBody, Title } from '@patternfly/react-core';
import { OutlinedWindowRestoreIcon } from '@patternfly/react-icons';
import { useEffect, useState } from 'react';
import type { ConsoleWindowTarget } from '../../api/console-window-route';
import { useClient } from '../app/client-context';
import { useTheme } from '../app/use-theme';
import { ConsolePane } from './console-pane';
import { announcePoppedOut } from './console-popout';
import { consoleKey } from './console-ref';
import { bindConsoleClient, closeConsole, openConsole, useConsoleStore } from './console-store';

/**
 * A console on its own, without the frame: what a console popped out of the dock shows (a
 * browser tab, or a desktop window). Still behind sign-in: it renders inside the signed-in app.
 * The Node side keeps the console's screen, so it shows at once.
 */
export function ConsoleWindow({ target }: { target: ConsoleWindowTarget }) {
  useTheme();
  const client = useClient();
  const key = consoleKey(target);
  const tab = useConsoleStore((s) => s.tabs.find((t) => t.key === key));
  const [broughtBack, setBroughtBack] = useState(false);

  useEffect(() => {
    document.title = `${target.name} — Corral console`;
    openConsole(target);
    const unbind = bindConsoleClient(client);
    return () => {
      unbind();
      closeConsole(key);
    };
    // The target is fixed for this page: its key says it all.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, key]);

  useEffect(
    () =>
      announcePoppedOut(target, () => {
        setBroughtBack(true);
        closeConsole(key);
        // A window the app opened may close itself; if the browser refuses, the text says why.
        window.close();
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key],
  );

  return (
    <main className="corral-console-window" aria-labelledby="console-window-title">
      <Title headingLevel="h1" size="md" id="console-window-title">
        {target.name}
      </Title>
      {broughtBack ? (
        <EmptyState
          titleText="Back in the main window"
          headingLevel="h2"
          icon={OutlinedWindowRestoreIcon}
        >
          <EmptyStateBody>
            This console is in the main window&apos;s dock again. You can close this tab.
          </EmptyStateBody>
        </EmptyState>
      ) : (
        tab && (
          <div className="corral-console-window-pane">
            <ConsolePane tab={tab} />
          </div>
        )
      )}
    </main>
  );
}
