import { createContext, useContext } from 'react';
import type { CorralClient } from '../boot/corral-client';

export const ClientContext = createContext<CorralClient | undefined>(undefined);

/** The contract client; the renderer's only way to reach the application. */
export function useClient(): CorralClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside <ClientContext>');
  return client;
}
