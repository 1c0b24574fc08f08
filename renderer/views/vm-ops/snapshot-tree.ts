import type { Snapshot } from '../../../api/snapshots-api';

/** One row of the snapshot tree, in display order (a parent before its children). */
export interface SnapshotRow {
  snapshot: Snapshot;
  /** 1 for a root. */
  level: number;
  /** Position among its siblings, from 1, and how many siblings there are. */
  posInSet: number;
  setSize: number;
  /** Direct children, and every descendant (what "delete with descendants" removes). */
  children: number;
  descendants: string[];
  /** Names of its ancestors, nearest first (a collapsed one hides this row). */
  ancestors: string[];
}

/**
 * The snapshots as a tree in depth-first order, siblings oldest first. A snapshot whose parent is
 * not in the list (deleted meanwhile) is shown as a root; a cycle (never from libvirt, but the
 * list crosses a wire) cannot loop: each name is placed once.
 */
export function snapshotRows(list: readonly Snapshot[]): SnapshotRow[] {
  const byName = new Map(list.map((s) => [s.name, s]));
  const kids = new Map<string | undefined, Snapshot[]>();
  for (const s of list) {
    const parent = s.parent !== undefined && byName.has(s.parent) ? s.parent : undefined;
    const group = kids.get(parent) ?? [];
    group.push(s);
    kids.set(parent, group);
  }
  for (const group of kids.values()) {
    group.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  }
  const rows: SnapshotRow[] = [];
  const placed = new Set<string>();
  const walk = (parent: string | undefined, level: number, ancestors: string[]): string[] => {
    const group = (kids.get(parent) ?? []).filter((s) => !placed.has(s.name));
    const below: string[] = [];
    group.forEach((s, i) => {
      placed.add(s.name);
      const row: SnapshotRow = {
        snapshot: s,
        level,
        posInSet: i + 1,
        setSize: group.length,
        children: 0,
        descendants: [],
        ancestors,
      };
      rows.push(row);
      row.descendants = walk(s.name, level + 1, [s.name, ...ancestors]);
      row.children = rows.filter((r) => r.ancestors[0] === s.name).length;
      below.push(s.name, ...row.descendants);
    });
    return below;
  };
  walk(undefined, 1, []);
  // Whatever only a cycle reaches is still listed, as roots.
  for (const s of list) {
    if (!placed.has(s.name)) {
      placed.add(s.name);
      rows.push({
        snapshot: s,
        level: 1,
        posInSet: 1,
        setSize: 1,
        children: 0,
        descendants: [],
        ancestors: [],
      });
    }
  }
  return rows;
}

/** The rows a person sees: those under a collapsed snapshot are hidden. */
export function visibleRows(rows: readonly SnapshotRow[], collapsed: ReadonlySet<string>) {
  return rows.filter((r) => !r.ancestors.some((a) => collapsed.has(a)));
}
