import type { ByteStream } from '../../../api/byte-stream';
import { createClient, type ClientConnection } from '../../../api/client';
import { consoleApi } from '../../../api/console-api';
import type { CorralError } from '../../../api/errors';
import { corralAccess } from '../../../api/corral-access';
import { serve } from '../../../api/dispatcher';
import { createInMemoryPair } from '../../../api/in-memory-transport';
import type { ConsoleService } from '../../../core/console/console-service';
import { waitUntil } from './wait';

const api = { console: consoleApi } as const;

/** A pane: a contract client of its own, as a browser tab would be. */
export interface Pane {
  stream: ByteStream;
  text: string;
  ended: boolean;
  error: CorralError | undefined;
}

export interface PaneOptions {
  /**
   * Resolves when the pane may take the next bytes: its credit goes back only then, as with a
   * browser tab whose terminal is busy (or frozen).
   */
  consumer?: () => Promise<void>;
}

/** Opens console panes on a ConsoleService over the in-memory transport, with real credit flow. */
export function consolePanes(service: ConsoleService, hostId: string) {
  const connections: ClientConnection<typeof api>[] = [];

  async function open(uuid: string, options: PaneOptions = {}): Promise<Pane> {
    const [serverEnd, clientEnd] = createInMemoryPair();
    serve({
      contract: api,
      impl: {
        console: {
          open: (ref, s) => service.open(ref, s),
          sessions: (f, ctx) => service.sessions(f, ctx),
        },
      },
      // The service alone: accounts and the gate are proven in the accounts tests.
      access: { console: corralAccess.console },
      authorize: () => {},
      transport: serverEnd,
      context: { sessionId: 'it' },
    });
    const conn = createClient(api, clientEnd);
    connections.push(conn);
    const stream = await conn.api.console.open({ hostId, uuid });
    const pane: Pane = { stream, text: '', ended: false, error: undefined };
    const decoder = new TextDecoder();
    stream.onData(async (b) => {
      await options.consumer?.();
      pane.text += decoder.decode(b, { stream: true });
    });
    stream.onEnd((e) => {
      pane.ended = true;
      pane.error = e;
    });
    return pane;
  }

  return {
    open,
    dispose() {
      for (const c of connections) c.dispose();
    },
  };
}

/** Types a command until its answer shows: the guest may still be booting at first. */
export async function typeUntil(pane: Pane, command: string, answer: RegExp): Promise<void> {
  await waitUntil(
    `"${answer.source}" on the console`,
    120_000,
    async () => {
      if (answer.test(pane.text)) return true;
      await pane.stream.write(new TextEncoder().encode(`${command}\r`));
      return false;
    },
    1_000,
  );
}
