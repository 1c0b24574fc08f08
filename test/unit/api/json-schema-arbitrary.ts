import fc from 'fast-check';

/** The part of JSON Schema (as zod's toJSONSchema writes it) that contract inputs use. */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/** Per field name, the values to use instead of the schema's (e.g. keep addresses on loopback). */
export type FieldOverrides = Record<string, fc.Arbitrary<unknown>>;

/**
 * Values that satisfy `schema` (mostly: a pattern fast-check cannot read falls back to strings
 * filtered by it), so fuzzed calls get past input validation and reach the services.
 */
export function arbitraryOf(
  schema: JsonSchema,
  overrides: FieldOverrides = {},
): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => arbitraryOf(s, overrides)));
  switch (schema.type) {
    case 'object': {
      const props = schema.properties ?? {};
      const model = Object.fromEntries(
        Object.entries(props).map(([k, s]) => [k, overrides[k] ?? arbitraryOf(s, overrides)]),
      );
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
    }
    case 'array':
      return fc.array(arbitraryOf(schema.items ?? {}, overrides), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'string':
      return stringOf(schema);
    case 'integer':
      return fc.integer({
        min: Math.max(schema.minimum ?? (schema.exclusiveMinimum ?? -(2 ** 31)) + 1, -(2 ** 31)),
        max: Math.min(schema.maximum ?? (schema.exclusiveMaximum ?? 2 ** 31) - 1, 2 ** 53),
      });
    case 'number':
      return fc.double({
        min: schema.minimum ?? schema.exclusiveMinimum ?? -1e9,
        max: schema.maximum ?? schema.exclusiveMaximum ?? 1e9,
        noNaN: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 40, Math.max(min, 40));
  const fits = (s: string) => s.length >= min && s.length <= max;
  if (!schema.pattern) return fc.string({ minLength: min, maxLength: max });
  const re = new RegExp(schema.pattern, 'u');
  try {
    return fc.stringMatching(re).filter(fits);
  } catch {
    return fc.string({ minLength: min, maxLength: max }).filter((s) => re.test(s));
  }
}
