import { z } from 'zod';
import { ErrorData } from './errors';

/**
 * The messages every transport carries. Stream payloads are Uint8Array frames; everything else is
 * plain data. The serving side parses every inbound message with `ClientMessage` first.
 */
const id = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const path = z.string().min(1).max(200);
const bytes = z.instanceof(Uint8Array);
/** Credits are byte counts the receiver is ready to accept (credit-based flow control). */
const credit = z
  .number()
  .int()
  .positive()
  .max(64 * 1024 * 1024);

export const CallMessage = z.object({ t: z.literal('call'), id, path, input: z.unknown() });
export const OpenMessage = z.object({
  t: z.literal('open'),
  id,
  path,
  input: z.unknown(),
  credit,
});
export const SubscribeMessage = z.object({ t: z.literal('sub'), path });
export const UnsubscribeMessage = z.object({ t: z.literal('unsub'), path });
export const ResultMessage = z.discriminatedUnion('ok', [
  z.object({ t: z.literal('result'), id, ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal('result'), id, ok: z.literal(false), error: ErrorData }),
]);
export const EventMessage = z.object({ t: z.literal('event'), path, payload: z.unknown() });
export const DataMessage = z.object({ t: z.literal('data'), id, bytes });
export const CreditMessage = z.object({ t: z.literal('credit'), id, credit });
export const EndMessage = z.object({ t: z.literal('end'), id, error: ErrorData.optional() });

/**
 * The largest message a client may send: control messages are small and stream data travels in
 * frames of at most 64 KiB (ByteStream), so anything near this is abuse, refused by the server.
 */
export const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;

/**
 * Not part of the contract: the server's WebSocket tells the page that signed in on it the
 * one-time ticket that sets its renewed session cookie (a socket cannot set cookies itself).
 */
export const SessionTicketMessage = z.object({
  t: z.literal('session'),
  ticket: z.string().min(1).max(200),
});

/** What a client may send. */
export const ClientMessage = z.union([
  CallMessage,
  OpenMessage,
  SubscribeMessage,
  UnsubscribeMessage,
  DataMessage,
  CreditMessage,
  EndMessage,
]);
/** What a server may send. */
export const ServerMessage = z.union([
  ResultMessage,
  EventMessage,
  DataMessage,
  CreditMessage,
  EndMessage,
]);

export type ClientMessage = z.infer<typeof ClientMessage>;
export type ServerMessage = z.infer<typeof ServerMessage>;
export type WireMessage = ClientMessage | ServerMessage;
export type StreamMessage =
  z.infer<typeof DataMessage> | z.infer<typeof CreditMessage> | z.infer<typeof EndMessage>;
