import type { Snapshot } from '../../api/snapshots-api';
import type { SnapshotFacts } from './snapshot-xml';

/**
 * The snapshots as the contract lists them: a tree flattened parents first (each level oldest
 * first), the current one marked. A snapshot whose parent is missing is a root. Pure.
 */
export function snapshotTree(facts: readonly SnapshotFacts[], current?: string): Snapshot[] {
  const names = new Set(facts.map((f) => f.name));
  const children = new Map<string | undefined, SnapshotFacts[]>();
  for (const f of facts) {
    const parent = f.parent !== undefined && names.has(f.parent) ? f.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), f]);
  }
  const out: Snapshot[] = [];
  const visit = (parent: string | undefined) => {
    const level = [...(children.get(parent) ?? [])].sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name),
    );
    for (const f of level) {
      out.push({
        name: f.name,
        ...(f.description !== undefined ? { description: f.description } : {}),
        createdAt: f.createdAt,
        state: f.state,
        withMemory: f.withMemory,
        ...(parent !== undefined ? { parent } : {}),
        current: f.name === current,
        ...(f.vcpus !== undefined ? { vcpus: f.vcpus } : {}),
        ...(f.checkpointOf !== undefined ? { checkpoint: f.name } : {}),
      });
      visit(f.name);
    }
  };
  visit(undefined);
  return out;
}

/** `name` and every snapshot below it, deepest first (the order deleting them one by one takes). */
export function withDescendants(
  facts: ReadonlyArray<Pick<SnapshotFacts, 'name' | 'parent'>>,
  name: string,
): string[] {
  const below = (n: string): string[] =>
    facts.filter((f) => f.parent === n).flatMap((f) => [...below(f.name), f.name]);
  return [...below(name), name];
}
