/**
 * Output bytes made ready for a terminal, for display only (the stored output stays exact):
 * a lone "\n" becomes "\r\n" (a program's newline moves the cursor to the next line's start in
 * a terminal only with the carriage return), each line starts with its source's tag, and stderr
 * is both coloured and marked in words, so it stands out without colour too.
 */

const LF = 0x0a;
const CR = 0x0d;
const encoder = new TextEncoder();

/** How one source (a rank's stdout, stderr, the build) is shown. */
export interface SourceStyle {
  /** Written at the start of every line ("[2] ", "[stderr] "); may be empty. */
  prefix: string;
  /** An SGR colour set before the source's text and reset after it ("31" is red). */
  colour?: string;
}

/**
 * One terminal's line state across chunks: which source wrote last, whether the cursor sits at
 * a line's start and whether the last byte was a carriage return (a "\r\n" split over chunks
 * must not become "\r\r\n").
 */
export class DisplayLines {
  private atLineStart = true;
  private lastSource: string | undefined;
  private lastCR = false;

  /** `bytes` from `source`, with tags and line ends for the terminal. */
  format(source: string, style: SourceStyle, bytes: Uint8Array): Uint8Array {
    const out: number[] = [];
    const push = (s: string) => out.push(...encoder.encode(s));
    // Another source interrupting a partial line starts its own line: tags stay at line starts.
    if (this.lastSource !== undefined && this.lastSource !== source && !this.atLineStart) {
      push('\r\n');
      this.atLineStart = true;
      this.lastCR = false;
    }
    this.lastSource = source;
    const colourOn = style.colour ? `\x1b[${style.colour}m` : '';
    if (colourOn && !this.atLineStart) push(colourOn);
    for (const b of bytes) {
      if (this.atLineStart) {
        push(colourOn + style.prefix);
        this.atLineStart = false;
      }
      if (b === LF) {
        if (!this.lastCR) out.push(CR);
        out.push(LF);
        this.atLineStart = true;
      } else {
        out.push(b);
      }
      this.lastCR = b === CR;
    }
    if (colourOn && out.length > 0) push('\x1b[39m');
    return Uint8Array.from(out);
  }
}

/** A record's base64 data as the exact bytes (no text decoding on the way). */
export function decodeBase64(data: string): Uint8Array {
  const text = atob(data);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Stderr's mark in a rank's own pane. */
export const STDERR_STYLE: SourceStyle = { prefix: '[stderr] ', colour: '31' };
export const STDOUT_STYLE: SourceStyle = { prefix: '' };

/** A rank's tag in the merged view: "[2] " and "[2 stderr] ". */
export function mergedStyle(rank: number, fd: 'stdout' | 'stderr'): SourceStyle {
  return fd === 'stderr' ? { prefix: `[${rank} stderr] `, colour: '31' } : { prefix: `[${rank}] ` };
}
