import type { User } from '../../api/accounts-api';
import type { HostStatus, HostView } from '../../api/hosts-api';

/**
 * A host as `user` may see it. Plain users need a host's name, address and state for placement
 * and topology; the SSH user, the key file's path and connection errors (which quote users,
 * paths and addresses) are the administrator's business only.
 */
export function hostViewFor(view: HostView, user: User): HostView {
  if (user.role === 'admin') return view;
  const { keyPath: _keyPath, ...rest } = view;
  return { ...rest, user: '', status: statusForPlainUser(view.status) };
}

function statusForPlainUser(status: HostStatus): HostStatus {
  switch (status.state) {
    case 'unreachable':
      return { ...status, error: 'the host cannot be reached' };
    case 'auth-failed':
      return { ...status, error: 'the host refused the connection' };
    default:
      return status;
  }
}
