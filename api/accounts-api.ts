import { z } from 'zod';
import { method } from './contract';

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .min(3)
  .max(32)
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    'letters, digits, dot, dash and underscore; start with a letter or digit',
  );

export const Password = z.string().min(8, 'at least 8 characters').max(1024);

export const User = z.object({
  id: z.string(),
  username: z.string(),
  /** The first account administers hosts and sees everything; others see what they created. */
  role: z.enum(['admin', 'user']),
});
export type User = z.infer<typeof User>;

export const Credentials = z.object({ username: Username, password: Password }).strict();

export const accountsApi = {
  /** Creates an account and logs this session in. The first account becomes the administrator. */
  signUp: method(Credentials, User),
  /** Unknown user and wrong password get the same answer; repeated failures slow down. */
  logIn: method(Credentials, User),
  /** Ends this session (in server mode, its sockets close). */
  logOut: method(z.object({}).strict(), z.object({})),
  /** Who this session is, and whether any account exists yet (to offer sign-up first). */
  me: method(z.object({}).strict(), z.object({ user: User.nullable(), hasAccounts: z.boolean() })),
  /**
   * User names by id, to show an owner by name: the administrator gets every account's, a user
   * only their own.
   */
  names: method(z.object({}).strict(), z.record(z.string(), z.string())),
} as const;
