import { ConsoleTabs, useConsoleClient } from '../console/console-tabs';
import { useAppStore } from '../state/app-store';

/** Where console tabs (and, later, job panes) dock. */
export function BottomPanel() {
  const open = useAppStore((s) => s.panelOpen);
  const toggle = useAppStore((s) => s.togglePanel);
  useConsoleClient();
  return (
    <section className={open ? 'panel open' : 'panel'} aria-label="Consoles and jobs">
      <button type="button" aria-expanded={open} onClick={toggle}>
        Consoles and jobs
      </button>
      {open && <ConsoleTabs />}
    </section>
  );
}
