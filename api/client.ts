import type { ZodType } from 'zod';
import { ByteStream, DEFAULT_WINDOW } from './byte-stream';
import { listEntries, type Contract } from './contract';
import { DisposableStore, toDisposable, type Disposable } from './disposable';
import { Emitter } from './emitter';
import { CorralError } from './errors';
import type { Transport } from './transport';
import type { Client } from './types';
import { ServerMessage, type ClientMessage } from './wire';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: CorralError) => void;
}

export interface ClientConnection<C extends Contract> extends Disposable {
  api: Client<C>;
  /** Fires when the transport closes; every pending call has been rejected by then. */
  onClose(listener: (reason: string) => void): Disposable;
}

/**
 * The renderer's side of a contract: builds the typed call tree once from the contract's entries.
 * Server messages are validated too, so a confused peer yields errors, not undefined behaviour.
 */
export function createClient<C extends Contract>(
  contract: C,
  transport: Transport,
): ClientConnection<C> {
  const pending = new Map<number, Pending>();
  const streams = new Map<number, ByteStream>();
  const events = new Map<string, Emitter<unknown>>();
  const eventSchemas = new Map<string, ZodType>();
  const closes = new Emitter<string>();
  const store = new DisposableStore();
  let nextId = 1;
  let closedReason: string | undefined;

  const send = (message: ClientMessage) => {
    if (closedReason !== undefined) {
      throw new CorralError('unavailable', `connection closed: ${closedReason}`);
    }
    transport.send(message);
  };

  const request = (message: { t: 'call' | 'open'; path: string; input: unknown }) => {
    const id = nextId++;
    const result = new Promise<unknown>((resolve, reject) => pending.set(id, { resolve, reject }));
    try {
      send(
        message.t === 'call'
          ? { t: 'call', id, path: message.path, input: message.input }
          : { t: 'open', id, path: message.path, input: message.input, credit: DEFAULT_WINDOW },
      );
    } catch (err) {
      pending.delete(id);
      throw err;
    }
    return { id, result };
  };

  const api: Record<string, unknown> = {};
  for (const [path, def] of listEntries(contract)) {
    let leaf: unknown;
    if (def.kind === 'method') {
      leaf = async (input: unknown) => {
        const value = await request({ t: 'call', path, input }).result;
        const out = def.output.safeParse(value);
        if (!out.success) {
          throw new CorralError('internal', `server sent an invalid result for ${path}`);
        }
        return out.data;
      };
    } else if (def.kind === 'event') {
      eventSchemas.set(path, def.payload);
      leaf = (listener: (payload: unknown) => void): Disposable => {
        let emitter = events.get(path);
        if (!emitter) {
          emitter = new Emitter<unknown>();
          events.set(path, emitter);
        }
        const sub = emitter.on(listener);
        if (emitter.size === 1 && closedReason === undefined) send({ t: 'sub', path });
        return toDisposable(() => {
          sub.dispose();
          if (emitter.size === 0 && closedReason === undefined) send({ t: 'unsub', path });
        });
      };
    } else {
      leaf = async (input: unknown) => {
        const { id, result } = request({ t: 'open', path, input });
        const stream = new ByteStream(id, send, 0, DEFAULT_WINDOW);
        streams.set(id, stream);
        stream.onClosed(() => streams.delete(id));
        try {
          const value = (await result) as { credit?: unknown } | undefined;
          const credit = typeof value?.credit === 'number' ? value.credit : 0;
          if (credit > 0) stream.handle({ t: 'credit', id, credit });
          return stream;
        } catch (err) {
          streams.delete(id);
          throw err;
        }
      };
    }
    setPath(api, path, leaf);
  }

  store.add(
    transport.onMessage((raw) => {
      const parsed = ServerMessage.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      switch (message.t) {
        case 'result': {
          const call = pending.get(message.id);
          if (!call) return;
          pending.delete(message.id);
          if (message.ok) call.resolve(message.value);
          else call.reject(CorralError.fromData(message.error));
          return;
        }
        case 'event': {
          const payload = eventSchemas.get(message.path)?.safeParse(message.payload);
          if (payload?.success) events.get(message.path)?.fire(payload.data);
          return;
        }
        default:
          streams.get(message.id)?.handle(message);
      }
    }),
  );

  const shutdown = (reason: string) => {
    if (closedReason !== undefined) return;
    closedReason = reason;
    const err = new CorralError('unavailable', `connection closed: ${reason}`);
    for (const call of pending.values()) call.reject(err);
    pending.clear();
    for (const stream of streams.values()) stream.abortLocally(err);
    streams.clear();
    closes.fire(reason);
    store.dispose();
  };
  store.add(transport.onClose(shutdown));

  return {
    api: api as Client<C>,
    onClose: (listener) => closes.on(listener),
    dispose() {
      shutdown('closed by client');
      transport.close();
    },
  };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}
