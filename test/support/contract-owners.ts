import fc from 'fast-check';
import { z } from 'zod';
import { accessAt } from '../../api/access';
import { listEntries, type Contract, type EntryDef } from '../../api/contract';
import { arbitraryOf, type JsonSchema } from '../unit/api/json-schema-arbitrary';

/**
 * What a contract entry's input names, read from its schema: the policy table test checks each
 * entry's rule against it, and the integration test aims calls at other users' things with it.
 * Both enumerate the contract itself, so a new entry is covered without touching them.
 */

export type OwnerKind = 'vm' | 'cluster' | 'task';

/** The required input fields that name a thing of each kind (what the gate reads). */
export const OWNER_FIELDS: Record<OwnerKind, readonly string[]> = {
  vm: ['hostId', 'uuid'],
  cluster: ['cluster'],
  task: ['id'],
};

const KINDS = Object.keys(OWNER_FIELDS) as OwnerKind[];

/** The schema a call's or a stream open's input must meet; events carry none. */
export function inputSchemaOf(def: EntryDef): z.ZodType | undefined {
  if (def.kind === 'method') return def.input;
  if (def.kind === 'stream') return def.open;
  return undefined;
}

function jsonSchemaOf(def: EntryDef): JsonSchema | undefined {
  const schema = inputSchemaOf(def);
  if (!schema) return undefined;
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** The object shapes an input may take (each alternative of a union). */
function shapesOf(schema: JsonSchema): JsonSchema[] {
  const alternatives = schema.oneOf ?? schema.anyOf;
  return alternatives ? alternatives.flatMap(shapesOf) : [schema];
}

/** Whether every shape of the input requires `field` as a string. */
function requiresString(schema: JsonSchema, field: string): boolean {
  return shapesOf(schema).every(
    (s) => s.required?.includes(field) === true && s.properties?.[field]?.type === 'string',
  );
}

/** The kinds of thing the input names: all of a kind's fields are required strings in it. */
export function namedKinds(def: EntryDef): OwnerKind[] {
  const schema = jsonSchemaOf(def);
  if (!schema) return [];
  return KINDS.filter((kind) => OWNER_FIELDS[kind].every((f) => requiresString(schema, f)));
}

/**
 * Where a contract's rules and its inputs disagree, one sentence per entry: no rule; an input
 * naming a VM, cluster or task whose rule is neither the owner of that kind nor the
 * administrator; an owner rule whose input does not name what it owns; an event with an owner
 * rule (an event has no input to name anything).
 */
export function policyViolations(contract: Contract, rules: object): string[] {
  const found: string[] = [];
  for (const [path, def] of listEntries(contract)) {
    const rule = accessAt(rules, path);
    if (!rule) {
      found.push(`${path}: no rule`);
      continue;
    }
    const kinds = namedKinds(def);
    if (kinds.length > 1) {
      found.push(`${path}: input names several things (${kinds.join(', ')}); which owner counts?`);
      continue;
    }
    const owned = rule.startsWith('owner:') ? (rule.slice('owner:'.length) as OwnerKind) : null;
    const kind = kinds[0];
    if (kind && rule !== 'admin' && owned !== kind) {
      found.push(`${path}: input names a ${kind}, so its rule must be owner:${kind}, not ${rule}`);
    } else if (owned && owned !== kind) {
      found.push(
        `${path}: rule ${rule} but the input does not require ${OWNER_FIELDS[owned].join(' and ')}`,
      );
    }
  }
  return found;
}

/**
 * A valid input for `def` that names `target` (its fields set to the given values), drawn from
 * the input's schema; the seed makes it the same input every run. Throws when no draw passes the
 * schema (a refinement the generator does not meet), so a test never runs on a bad input.
 */
export function inputNaming(def: EntryDef, target: Record<string, string>, seed = 11): unknown {
  const schema = inputSchemaOf(def);
  const json = jsonSchemaOf(def);
  if (!schema || !json) throw new Error('an event has no input');
  const fixed = Object.fromEntries(Object.entries(target).map(([k, v]) => [k, fc.constant(v)]));
  for (const candidate of fc.sample(arbitraryOf(json, fixed), { numRuns: 200, seed })) {
    const parsed = schema.safeParse(candidate);
    if (parsed.success) return candidate;
  }
  throw new Error(`no valid input drawn for ${JSON.stringify(target)}`);
}
