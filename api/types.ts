import type { z } from 'zod';
import type { ByteStream } from './byte-stream';
import type { Contract, EventDef, MethodDef, StreamDef } from './contract';
import type { Disposable } from './disposable';

/**
 * What the serving side implements for a contract. Methods get validated input; event entries are
 * subscriptions (called when a client subscribes, disposed when it leaves); stream entries accept
 * or refuse an open, then talk through the ByteStream.
 */
export type ServiceImpl<C extends Contract, Ctx> = {
  [K in keyof C]: C[K] extends MethodDef<infer I, infer O>
    ? (input: z.output<I>, ctx: Ctx) => Promise<z.input<O>> | z.input<O>
    : C[K] extends EventDef<infer P>
      ? (emit: (payload: z.input<P>) => void, ctx: Ctx) => Disposable
      : C[K] extends StreamDef<infer O>
        ? (input: z.output<O>, stream: ByteStream, ctx: Ctx) => Promise<void> | void
        : C[K] extends Contract
          ? ServiceImpl<C[K], Ctx>
          : never;
};

/** What the renderer holds: the same tree, every leaf a typed call. */
export type Client<C extends Contract> = {
  [K in keyof C]: C[K] extends MethodDef<infer I, infer O>
    ? (input: z.input<I>) => Promise<z.output<O>>
    : C[K] extends EventDef<infer P>
      ? (listener: (payload: z.output<P>) => void) => Disposable
      : C[K] extends StreamDef<infer O>
        ? (input: z.input<O>) => Promise<ByteStream>
        : C[K] extends Contract
          ? Client<C[K]>
          : never;
};
