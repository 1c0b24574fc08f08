import { useAppStore } from '../state/app-store';

/** Where console tabs and job panes will dock. */
export function BottomPanel() {
  const open = useAppStore((s) => s.panelOpen);
  const toggle = useAppStore((s) => s.togglePanel);
  return (
    <section className={open ? 'panel open' : 'panel'} aria-label="Consoles and jobs">
      <button type="button" aria-expanded={open} onClick={toggle}>
        Consoles and jobs
      </button>
      {open && <p className="muted">No consoles or jobs open.</p>}
    </section>
  );
}
