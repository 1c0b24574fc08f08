import type { Contract, EntryDef } from './contract';

/**
 * Who may use a contract entry, checked by the dispatcher before any service code runs:
 * - `public`: anyone holding a connection (signing in, the theme before sign-in);
 * - `signed-in`: any account; listings are filtered per user by the service;
 * - `admin`: the administrator only;
 * - `owner:vm`, `owner:cluster`, `owner:task`: a signed-in user who owns the VM (`hostId` +
 *   `uuid` in the input), the cluster (`cluster`) or the task (`id`) the input names; the
 *   administrator's counts as everyone's.
 */
export const ACCESS_LEVELS = [
  'public',
  'signed-in',
  'admin',
  'owner:vm',
  'owner:cluster',
  'owner:task',
] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

/**
 * One rule for every entry of a contract, in the contract's own tree shape. A missing entry is a
 * type error here and a start-up failure in `serve`, never a silent "everyone".
 */
export type AccessRules<C extends Contract> = {
  readonly [K in keyof C]-?: C[K] extends EntryDef
    ? Access
    : C[K] extends Contract
      ? AccessRules<C[K]>
      : never;
};

/** The rule declared for `path`, or undefined when there is none (or it is not a known level). */
export function accessAt(rules: object, path: string): Access | undefined {
  let node: unknown = rules;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return (ACCESS_LEVELS as readonly unknown[]).includes(node) ? (node as Access) : undefined;
}
