import { type Codec, type Infer, xarray, xint, xstruct } from '../xdr';
import { DomainEventId, Limits } from './constants';
import { domainRef, typedParam } from './protocol-types';

/** One kind of domain event: its REGISTER_ANY event id, its MESSAGE procedure and body. */
export interface DomainEventSpec<T> {
  readonly eventId: number;
  readonly proc: number;
  readonly body: Codec<T & { callbackID: number }>;
}

function e<T extends { callbackID: number }>(eventId: number, proc: number, body: Codec<T>) {
  return { eventId, proc, body };
}

/** Domain events Corral listens to (callback variants, remote_protocol.x). */
export const domainEvents = {
  /** Started, stopped, defined...: `event` is a DomainLifecycle value, `detail` its reason. */
  lifecycle: e(
    DomainEventId.LIFECYCLE,
    318,
    xstruct({ callbackID: xint, dom: domainRef, event: xint, detail: xint }),
  ),
  /** A migration pass over guest memory finished. */
  migrationIteration: e(
    DomainEventId.MIGRATION_ITERATION,
    359,
    xstruct({ callbackID: xint, dom: domainRef, iteration: xint }),
  ),
  /** A job (e.g. migration) completed, with its final statistics. */
  jobCompleted: e(
    DomainEventId.JOB_COMPLETED,
    363,
    xstruct({ callbackID: xint, dom: domainRef, params: xarray(typedParam, Limits.JOB_STATS) }),
  ),
} as const;

/** Names of the domain events. */
export type DomainEventName = keyof typeof domainEvents;
/** Payload of a domain event. */
export type DomainEventOf<K extends DomainEventName> = Infer<(typeof domainEvents)[K]['body']>;

/** Event spec by MESSAGE procedure number. */
export const domainEventByProc: ReadonlyMap<
  number,
  { name: DomainEventName; body: Codec<unknown> }
> = new Map(
  (Object.keys(domainEvents) as DomainEventName[]).map((name) => [
    domainEvents[name].proc,
    { name, body: domainEvents[name].body as Codec<unknown> },
  ]),
);
