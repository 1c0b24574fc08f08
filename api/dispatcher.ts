import type { z } from 'zod';
import { accessAt, type Access, type AccessRules } from './access';
import { ByteStream, DEFAULT_WINDOW } from './byte-stream';
import { listEntries, type Contract, type EntryDef } from './contract';
import { DisposableStore, type Disposable } from './disposable';
import { CorralError, toErrorData } from './errors';
import type { Transport } from './transport';
import type { ServiceImpl } from './types';
import { ClientMessage, type ServerMessage } from './wire';

/** Streams one connection may hold open at once; more is a misbehaving client. */
const MAX_STREAMS = 64;

export interface ServeOptions<C extends Contract, Ctx> {
  contract: C;
  impl: ServiceImpl<C, Ctx>;
  /** Who may use each entry; an entry without a rule stops `serve` before anything is served. */
  access: AccessRules<C>;
  /**
   * Throws (unauthenticated, forbidden, not-found) unless the caller meets `rule` for this
   * `input` (already parsed; undefined for events). Runs once per call, before the service; it is
   * synchronous, so it decides from what is known and can never wait on a host.
   */
  authorize: (rule: Access, ctx: Ctx, path: string, input: unknown) => void;
  transport: Transport;
  /** Who is on the other end (session, user); handed to every service call. */
  context: Ctx;
  /** Where protocol-level complaints go (malformed messages that carry no id to answer). */
  log?: (message: string) => void;
}

type Handler = (...args: never[]) => unknown;

/**
 * Serves a contract over one transport. Every inbound message is parsed with its schema before
 * any service sees it; failures travel back as error data.
 */
export function serve<C extends Contract, Ctx>(options: ServeOptions<C, Ctx>): Disposable {
  const { contract, impl, transport, context, authorize } = options;
  const log = options.log ?? (() => {});
  const entries = new Map<string, { def: EntryDef; fn: Handler; rule: Access }>();
  for (const [path, def] of listEntries(contract)) {
    const rule = accessAt(options.access, path);
    // No rule is a programming error: refuse to serve at all rather than let everyone through.
    if (!rule) throw new Error(`contract entry ${path} declares no authorization`);
    entries.set(path, { def, fn: resolveHandler(impl, path), rule });
  }
  const store = new DisposableStore();
  const subscriptions = new Map<string, Disposable>();
  const streams = new Map<number, ByteStream>();
  let closed = false;

  const send = (message: ServerMessage) => {
    if (!closed) transport.send(message);
  };
  const fail = (id: number, err: unknown) =>
    send({ t: 'result', id, ok: false, error: toErrorData(err) });

  const lookup = (path: string, kind: EntryDef['kind']) => {
    const entry = entries.get(path);
    if (!entry || entry.def.kind !== kind) {
      throw new CorralError('not-found', `no ${kind} named ${path}`);
    }
    return entry;
  };

  /**
   * The input parsed with its schema, then the entry's rule checked against it: an owner rule
   * needs to know what the input names. Only after both does the service see anything.
   */
  const admit = <T extends z.ZodType>(
    entry: { rule: Access },
    schema: T,
    input: unknown,
    path: string,
  ) => {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      throw new CorralError('bad-request', `invalid input for ${path}`, parsed.error.issues);
    }
    authorize(entry.rule, context, path, parsed.data);
    return parsed.data as z.output<T>;
  };

  async function onCall(id: number, path: string, input: unknown): Promise<void> {
    try {
      const entry = lookup(path, 'method');
      const { def, fn } = entry;
      if (def.kind !== 'method') return;
      const args = admit(entry, def.input, input, path);
      const value = await (fn as (i: unknown, c: Ctx) => unknown)(args, context);
      const out = def.output.safeParse(value);
      if (!out.success) {
        log(`service ${path} returned invalid output: ${out.error.message}`);
        throw new CorralError('internal', `service ${path} returned invalid output`);
      }
      send({ t: 'result', id, ok: true, value: out.data });
    } catch (err) {
      fail(id, err);
    }
  }

  async function onOpen(id: number, path: string, input: unknown, credit: number) {
    try {
      if (streams.has(id)) throw new CorralError('conflict', `stream ${id} already open`);
      if (streams.size >= MAX_STREAMS) throw new CorralError('conflict', 'too many open streams');
      const entry = lookup(path, 'stream');
      const { def, fn } = entry;
      if (def.kind !== 'stream') return;
      const args = admit(entry, def.open, input, path);
      // No credit until the open is accepted, so nothing flows before the result does.
      const stream = new ByteStream(id, send, 0, DEFAULT_WINDOW);
      streams.set(id, stream);
      stream.onClosed(() => streams.delete(id));
      try {
        await (fn as (i: unknown, s: ByteStream, c: Ctx) => unknown)(args, stream, context);
      } catch (err) {
        streams.delete(id);
        throw err;
      }
      send({ t: 'result', id, ok: true, value: { credit: DEFAULT_WINDOW } });
      stream.handle({ t: 'credit', id, credit });
    } catch (err) {
      fail(id, err);
    }
  }

  function onSubscribe(path: string): void {
    if (subscriptions.has(path)) return;
    const { def, fn, rule } = lookup(path, 'event');
    if (def.kind !== 'event') return;
    authorize(rule, context, path, undefined);
    const emit = (payload: unknown) => {
      const out = def.payload.safeParse(payload);
      if (out.success) send({ t: 'event', path, payload: out.data });
      else log(`event ${path} payload rejected: ${out.error.message}`);
    };
    subscriptions.set(path, (fn as (e: typeof emit, c: Ctx) => Disposable)(emit, context));
  }

  store.add(
    transport.onMessage((raw) => {
      const parsed = ClientMessage.safeParse(raw);
      if (!parsed.success) {
        const id = (raw as { id?: unknown } | null)?.id;
        if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) {
          fail(id, new CorralError('bad-request', 'malformed message', parsed.error.issues));
        } else {
          log(`dropped a malformed message: ${parsed.error.message}`);
        }
        return;
      }
      const message = parsed.data;
      switch (message.t) {
        case 'call':
          void onCall(message.id, message.path, message.input);
          return;
        case 'open':
          void onOpen(message.id, message.path, message.input, message.credit);
          return;
        case 'sub':
          try {
            onSubscribe(message.path);
          } catch (err) {
            log(`subscribe ${message.path} refused: ${toErrorData(err).message}`);
          }
          return;
        case 'unsub':
          subscriptions.get(message.path)?.dispose();
          subscriptions.delete(message.path);
          return;
        default: {
          const stream = streams.get(message.id);
          if (!stream) return;
          stream.handle(message);
        }
      }
    }),
  );

  const shutdown = () => {
    if (closed) return;
    closed = true;
    for (const sub of subscriptions.values()) sub.dispose();
    subscriptions.clear();
    for (const stream of streams.values()) {
      stream.abortLocally(new CorralError('unavailable', 'connection closed'));
    }
    streams.clear();
    store.dispose();
  };
  store.add(transport.onClose(shutdown));
  return { dispose: shutdown };
}

function resolveHandler(impl: object, path: string): Handler {
  let owner: unknown;
  let node: unknown = impl;
  for (const part of path.split('.')) {
    owner = node;
    node = (node as Record<string, unknown> | undefined)?.[part];
  }
  if (typeof node !== 'function') throw new Error(`contract entry ${path} has no implementation`);
  // Services may be class instances: keep `this`.
  return (node as Handler).bind(owner) as Handler;
}
