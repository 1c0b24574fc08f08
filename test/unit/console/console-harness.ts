import { Duplex, PassThrough } from 'node:stream';
import { z } from 'zod';
import type { ByteStream } from '../../../api/byte-stream';
import { createClient } from '../../../api/client';
import { stream } from '../../../api/contract';
import { serve } from '../../../api/dispatcher';
import { createInMemoryPair } from '../../../api/in-memory-transport';
import { ConsoleSession, type ConsoleSessionOptions } from '../../../core/console/console-session';

/** A contract with just a console stream, served by one ConsoleSession. */
const paneApi = { open: stream(z.object({}).strict()) } as const;

/**
 * A console session whose "guest" is a pair of pipes: what the test writes to `guestOut` is the
 * console's output; what panes type arrives on `guestIn`. Panes are real contract clients over
 * the in-memory transport, so credit flow is the one the app uses.
 */
export function consoleHarness(options: ConsoleSessionOptions = {}) {
  const guestOut = new PassThrough({ highWaterMark: 1024 });
  const guestIn = new PassThrough();
  const source = Duplex.from({ readable: guestOut, writable: guestIn });
  const session = new ConsoleSession(source, options);
  const disposers: Array<() => void> = [];

  /** Opens a pane as a browser would: its own transport, its own client. */
  async function openPane(): Promise<ByteStream> {
    const [serverEnd, clientEnd] = createInMemoryPair();
    const served = serve({
      contract: paneApi,
      impl: { open: (_input, s) => session.attach(s) },
      access: { open: 'public' },
      authorize: () => {},
      transport: serverEnd,
      context: {},
    });
    const client = createClient(paneApi, clientEnd);
    disposers.push(
      () => client.dispose(),
      () => served.dispose(),
    );
    return client.api.open({});
  }

  return {
    session,
    source,
    guestOut,
    guestIn,
    openPane,
    dispose() {
      session.dispose();
      for (const d of disposers) d();
    },
  };
}

/** Collects a pane's output as text, and its end. */
export function reader(pane: ByteStream) {
  const decoder = new TextDecoder();
  const state = { text: '', ended: false, error: undefined as Error | undefined };
  pane.onData((bytes) => {
    state.text += decoder.decode(bytes, { stream: true });
  });
  pane.onEnd((error) => {
    state.ended = true;
    state.error = error;
  });
  return state;
}

/** Polls until `check` holds; fails with `what` after many tries (no wall-time assertions). */
export async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`never happened: ${what}`);
}
