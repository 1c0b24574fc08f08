import { z } from 'zod';
import { HostAddress, HostName, SshUser } from '../../api/hosts-api';

/** How a stored host authenticates; its secret (if any) is in {@link HostRecord.secret}. */
export const StoredAuth = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('agent') }),
  z.object({ kind: z.literal('key'), keyPath: z.string().min(1).max(4096) }),
  z.object({ kind: z.literal('password') }),
]);
export type StoredAuth = z.infer<typeof StoredAuth>;

/** A host as Corral keeps it on disk (validated on every read). */
export const HostRecord = z.object({
  id: z.string().regex(/^h-[0-9a-f]{12}$/),
  name: HostName,
  address: HostAddress,
  port: z.number().int().min(1).max(65535),
  user: SshUser,
  auth: StoredAuth,
  /** The password or key passphrase, encrypted by the SecretCipher, base64. */
  secret: z.string().optional(),
});
export type HostRecord = z.infer<typeof HostRecord>;
