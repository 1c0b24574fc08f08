import { useAppStore, VIEWS } from '../state/app-store';

export function Sidebar() {
  const view = useAppStore((s) => s.view);
  const show = useAppStore((s) => s.show);
  return (
    <nav className="sidebar" aria-label="Sections">
      <div className="brand">Corral</div>
      <ul>
        {VIEWS.map((v) => (
          <li key={v.id}>
            <button
              type="button"
              aria-current={view === v.id ? 'page' : undefined}
              onClick={() => show(v.id)}
            >
              {v.label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
