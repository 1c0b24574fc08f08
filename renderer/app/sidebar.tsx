import { useState } from 'react';
import { useAppStore, VIEWS } from '../state/app-store';
import { useSession } from './user-context';

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
      <SignedInUser />
    </nav>
  );
}

/** Who is signed in (name and role as text) and the way out (issue 6). */
function SignedInUser() {
  const { user, logOut } = useSession();
  const [leaving, setLeaving] = useState(false);
  return (
    <section className="sidebar-user" aria-label="Signed in">
      <p>
        <span data-testid="signed-in-user">{user.username}</span>
        <br />
        <span className="muted" data-testid="signed-in-role">
          {user.role === 'admin' ? 'Administrator' : 'User'}
        </span>
      </p>
      <button
        type="button"
        disabled={leaving}
        onClick={() => {
          setLeaving(true);
          void logOut();
        }}
      >
        Log out
      </button>
    </section>
  );
}
