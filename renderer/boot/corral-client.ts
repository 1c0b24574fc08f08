import { createClient, type ClientConnection } from '../../api/client';
import { corralApi, type CorralApi } from '../../api/corral-api';
import type { Transport } from '../../api/transport';

export type CorralConnection = ClientConnection<CorralApi>;
export type CorralClient = CorralConnection['api'];

export function connectCorral(transport: Transport): CorralConnection {
  return createClient(corralApi, transport);
}
