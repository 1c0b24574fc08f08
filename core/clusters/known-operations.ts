import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';

/** How an operation became known to this Corral. */
export interface KnownOperation {
  id: string;
  cluster: string;
  /** `journal`: this Corral ran it; `adopted`: an administrator took in its domains. */
  source: 'journal' | 'adopted';
  /** Who adopted it, when adopted. */
  by?: string;
  at: string;
}

/**
 * Every operation id this Corral ran or adopted, kept apart from the journal (which forgets
 * finished operations): a domain whose metadata names an id missing here was made by another
 * Corral, or by this one before its journal was lost, and is offered to administrators to adopt
 * or delete. Written atomically (temp file, fsync, rename).
 */
export class KnownOperations {
  private readonly byId = new Map<string, KnownOperation>();

  constructor(private readonly file: string) {
    if (!existsSync(file)) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // A damaged file loses nothing for good: its domains show as unknown, to adopt again.
      return;
    }
    for (const entry of Array.isArray(parsed) ? parsed : []) {
      const e = entry as Partial<KnownOperation>;
      if (typeof e?.id === 'string' && typeof e.cluster === 'string') {
        this.byId.set(e.id, e as KnownOperation);
      }
    }
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Records operations not yet known (one write for all of them). */
  add(entries: readonly KnownOperation[]): void {
    const fresh = entries.filter((e) => !this.byId.has(e.id));
    if (fresh.length === 0) return;
    for (const e of fresh) this.byId.set(e.id, e);
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify([...this.byId.values()], null, 1)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }
}
