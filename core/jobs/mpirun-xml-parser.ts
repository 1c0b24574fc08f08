/** One piece of output mpirun's `--xml` stream carried. */
export interface XmlOutput {
  fd: 'stdout' | 'stderr';
  /** Absent for mpirun's own messages (an element without a rank). */
  rank?: number;
  /** The exact bytes the program wrote (entities decoded). */
  data: Buffer;
}

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SEMI = 0x3b;
/** The longest entity OpenMPI writes is `&#255;`; anything longer is not an entity. */
const MAX_ENTITY = 12;

const NAMED: Record<string, number> = { lt: 0x3c, gt: 0x3e, amp: 0x26, quot: 0x22, apos: 0x27 };

/**
 * Reads OpenMPI's `mpirun --xml` output incrementally: chunks may split it anywhere (inside a
 * tag, an entity or a line). Output elements (`<stdout rank="N">`, `<stderr rank="N">`,
 * `<stddiag …>`; without rank: mpirun's own) yield their content as bytes, exact: mpirun writes
 * every byte that is not printable ASCII as `&#NNN;` (one byte each, UTF-8 arrives as its
 * bytes) and escapes `< > &`. Content is yielded as soon as it arrives, so a partial line
 * reaches its rank at once. Any other element (`<map>`…) is skipped whole.
 *
 * `boundary` is the stream offset just after the last complete element: a reader that saved it
 * (with what it stored up to then) can start a fresh parser there and lose or repeat nothing.
 */
export class MpirunXmlParser {
  private pending: Buffer = Buffer.alloc(0);
  private mode: 'outside' | 'content' | 'skip' = 'outside';
  private current: { fd: 'stdout' | 'stderr'; rank?: number } = { fd: 'stdout' };
  private skipping = '';
  /** Stream offset of the first byte not yet fed. */
  private fed: number;
  private lastBoundary: number;
  private finished = false;

  constructor(startOffset = 0) {
    this.fed = startOffset;
    this.lastBoundary = startOffset;
  }

  get boundary(): number {
    return this.lastBoundary;
  }

  /**
   * Whether nothing has been yielded past `boundary` (not inside an output element): what a
   * reader stored so far then matches `boundary` exactly.
   */
  get atBoundary(): boolean {
    return this.mode !== 'content';
  }

  /** Whether `</mpirun>` was read (mpirun wrote all it will). */
  get ended(): boolean {
    return this.finished;
  }

  feed(chunk: Uint8Array): XmlOutput[] {
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk);
    const base = this.fed - this.pending.length;
    this.fed += chunk.byteLength;
    const out: XmlOutput[] = [];
    let text: Buffer[] = [];
    const flushText = (from: Buffer, start: number, end: number) => {
      if (end > start) text.push(Buffer.from(from.subarray(start, end)));
    };
    const emit = () => {
      if (text.length === 0) return;
      out.push({ ...this.current, data: Buffer.concat(text) });
      text = [];
    };
    let i = 0;
    let keepFrom = data.length;
    scan: while (i < data.length) {
      if (this.mode === 'outside') {
        const lt = data.indexOf(LT, i);
        if (lt < 0) {
          i = data.length;
          this.lastBoundary = base + i;
          break;
        }
        const gt = data.indexOf(GT, lt);
        if (gt < 0) {
          keepFrom = lt;
          break;
        }
        this.openTag(data.toString('latin1', lt + 1, gt));
        i = gt + 1;
        if (this.mode === 'outside') this.lastBoundary = base + i;
      } else if (this.mode === 'content') {
        let j = i;
        while (j < data.length && data[j] !== LT && data[j] !== AMP) j++;
        flushText(data, i, j);
        if (j === data.length) break;
        if (data[j] === LT) {
          const gt = data.indexOf(GT, j);
          if (gt < 0) {
            keepFrom = j;
            break;
          }
          emit();
          this.mode = 'outside';
          i = gt + 1;
          this.lastBoundary = base + i;
          continue;
        }
        // An entity: complete, cut by the chunk's end, or not an entity at all.
        const semi = data.indexOf(SEMI, j);
        if (semi < 0 || semi - j > MAX_ENTITY) {
          if (semi < 0 && data.length - j <= MAX_ENTITY) {
            keepFrom = j;
            break;
          }
          text.push(Buffer.of(AMP));
          i = j + 1;
          continue;
        }
        const bytes = decodeEntity(data.toString('latin1', j + 1, semi));
        if (bytes) text.push(Buffer.from(bytes));
        else flushText(data, j, semi + 1);
        i = semi + 1;
      } else {
        const close = Buffer.from(`</${this.skipping}>`, 'latin1');
        const at = data.indexOf(close, i);
        if (at < 0) {
          keepFrom = Math.max(i, data.length - close.length + 1);
          break scan;
        }
        this.mode = 'outside';
        i = at + close.length;
        this.lastBoundary = base + i;
      }
    }
    emit();
    this.pending = keepFrom < data.length ? Buffer.from(data.subarray(keepFrom)) : Buffer.alloc(0);
    return out;
  }

  private openTag(tag: string): void {
    const t = tag.trim();
    if (t.startsWith('/')) {
      if (t.slice(1).trim() === 'mpirun') this.finished = true;
      return;
    }
    if (t.startsWith('?') || t.startsWith('!') || t.endsWith('/')) return;
    const name = /^[A-Za-z_][\w.-]*/.exec(t)?.[0] ?? '';
    if (name === 'mpirun') return;
    if (name === 'stdout' || name === 'stderr' || name === 'stddiag') {
      const rank = /\brank\s*=\s*"(\d+)"/.exec(t)?.[1];
      this.current = {
        fd: name === 'stdout' ? 'stdout' : 'stderr',
        ...(rank !== undefined ? { rank: Number(rank) } : {}),
      };
      this.mode = 'content';
      return;
    }
    this.skipping = name;
    this.mode = 'skip';
  }
}

/** The bytes an entity stands for (`undefined`: not one we know; kept as written). */
function decodeEntity(name: string): number[] | undefined {
  const named = NAMED[name];
  if (named !== undefined) return [named];
  const m = /^#(?:x([0-9a-fA-F]+)|(\d+))$/.exec(name);
  if (!m) return undefined;
  const value = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
  // OpenMPI writes one byte per entity; a larger number can only be a character.
  if (value < 256) return [value];
  if (value > 0x10ffff) return undefined;
  return [...Buffer.from(String.fromCodePoint(value), 'utf8')];
}
