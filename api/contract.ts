import type { z } from 'zod';

/** A request/response operation: the input is validated before the service sees it. */
export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly kind: 'method';
  readonly input: I;
  readonly output: O;
}

/** A notification from the serving side to every subscribed client. */
export interface EventDef<P extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly payload: P;
}

/** A bidirectional byte stream opened with a validated argument (consoles, uploads, job output). */
export interface StreamDef<O extends z.ZodType = z.ZodType> {
  readonly kind: 'stream';
  readonly open: O;
}

export type EntryDef = MethodDef | EventDef | StreamDef;

/** A contract is a tree of namespaces whose leaves are entries: `system.info`, `hosts.onChanged`. */
export interface Contract {
  readonly [name: string]: EntryDef | Contract;
}

export const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) =>
  ({ kind: 'method', input, output }) as const satisfies MethodDef<I, O>;

export const event = <P extends z.ZodType>(payload: P) =>
  ({ kind: 'event', payload }) as const satisfies EventDef<P>;

export const stream = <O extends z.ZodType>(open: O) =>
  ({ kind: 'stream', open }) as const satisfies StreamDef<O>;

function isEntry(value: EntryDef | Contract): value is EntryDef {
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'method' || kind === 'event' || kind === 'stream';
}

/** Every entry of a contract with its dotted path. */
export function listEntries(contract: Contract, prefix = ''): Array<[string, EntryDef]> {
  const out: Array<[string, EntryDef]> = [];
  for (const [name, value] of Object.entries(contract)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (isEntry(value)) out.push([path, value]);
    else out.push(...listEntries(value, path));
  }
  return out;
}
