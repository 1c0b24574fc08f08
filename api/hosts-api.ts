import { z } from 'zod';
import { event, method } from './contract';

/** Host names are labels people read; keep them printable and short. */
export const HostName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N} ._-]+$/u, 'letters, digits, space, dot, dash and underscore only');

/** A DNS name, IPv4 or bracket-less IPv6 literal; never anything a shell or URI could misread. */
export const HostAddress = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:-]+$/, 'a host name or an IP address');

export const SshUser = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[a-z_][a-z0-9_.-]*\$?$/i, 'a valid user name');

/**
 * How Corral authenticates to a host. Secrets (passphrase, password) are write-only: they go to
 * the secret store and never come back to the renderer.
 */
export const HostAuthInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('agent') }),
  z.object({
    kind: z.literal('key'),
    keyPath: z.string().min(1).max(4096),
    passphrase: z.string().max(1024).optional(),
  }),
  z.object({ kind: z.literal('password'), password: z.string().max(1024).optional() }),
]);
export type HostAuthInput = z.infer<typeof HostAuthInput>;

export const HostInput = z.object({
  name: HostName,
  address: HostAddress,
  port: z.number().int().min(1).max(65535).default(22),
  user: SshUser,
  auth: HostAuthInput,
});
export type HostInput = z.input<typeof HostInput>;

export const HostId = z.string().min(1).max(64);

/** Where a host's connection stands; shown as text in the UI. */
export const HostStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('connecting'), attempt: z.number().int().nonnegative() }),
  z.object({ state: z.literal('online'), since: z.string() }),
  z.object({
    state: z.literal('unreachable'),
    since: z.string(),
    error: z.string(),
    /** When the next attempt is due (ISO time). */
    retryAt: z.string().optional(),
  }),
  z.object({ state: z.literal('auth-failed'), error: z.string() }),
  /** First contact: the key must be confirmed by a person before any credential is sent. */
  z.object({ state: z.literal('key-unknown'), fingerprint: z.string(), keyType: z.string() }),
  /** The host presented a different key than the trusted one: refused before authenticating. */
  z.object({
    state: z.literal('key-mismatch'),
    expected: z.string(),
    presented: z.string(),
    keyType: z.string(),
  }),
]);
export type HostStatus = z.infer<typeof HostStatus>;

/** A host as the renderer sees it: no secrets, only whether one is stored. */
export const HostView = z.object({
  id: HostId,
  name: z.string(),
  /** "This computer": the local libvirt socket, no SSH. */
  local: z.boolean(),
  address: z.string(),
  port: z.number().int(),
  user: z.string(),
  authKind: z.enum(['agent', 'key', 'password', 'local']),
  keyPath: z.string().optional(),
  hasSecret: z.boolean(),
  /** The trusted host key, if any (SHA-256 fingerprint). */
  trustedFingerprint: z.string().optional(),
  status: HostStatus,
});
export type HostView = z.infer<typeof HostView>;

export const hostsApi = {
  /** Every host this user may see, with live status. */
  list: method(z.object({}).strict(), z.array(HostView)),
  /** Adds a host and starts connecting; first contact stops at `key-unknown`. */
  add: method(HostInput, HostView),
  /** Changes a host's settings (a changed address or port forgets nothing but reconnects). */
  update: method(z.object({ id: HostId, host: HostInput }), HostView),
  remove: method(z.object({ id: HostId }), z.object({})),
  /** Confirms the presented key of a `key-unknown` host; the fingerprint must match it. */
  trustKey: method(z.object({ id: HostId, fingerprint: z.string() }), HostView),
  /** Explicitly replaces a trusted key after a `key-mismatch`; the fingerprint must match. */
  replaceKey: method(z.object({ id: HostId, fingerprint: z.string() }), HostView),
  /** Connects again now, skipping the back-off wait. */
  reconnect: method(z.object({ id: HostId }), HostView),
  /** Fires with the whole list whenever a host or its status changes. */
  onChanged: event(z.array(HostView)),
} as const;
