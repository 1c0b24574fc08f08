import { createContext, useContext } from 'react';
import type { User } from '../../api/accounts-api';

/** The signed-in user and how to log out; the frame only renders with one. */
export interface Session {
  user: User;
  logOut(): Promise<void>;
}

export const SessionContext = createContext<Session | undefined>(undefined);

/** The signed-in session; views use it to hide what only the administrator may do. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionContext>');
  return session;
}

/** Whether the signed-in user is the administrator (hosts, images). Core refuses anyway. */
export function useIsAdmin(): boolean {
  return useSession().user.role === 'admin';
}
