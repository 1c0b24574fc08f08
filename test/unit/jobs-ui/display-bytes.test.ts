import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeBase64,
  DisplayLines,
  mergedStyle,
  STDERR_STYLE,
  STDOUT_STYLE,
} from '../../../renderer/views/jobs/display-bytes';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('display bytes for job terminals', () => {
  it('turns a lone \\n into \\r\\n and keeps \\r\\n as it is, also split across chunks', () => {
    const d = new DisplayLines();
    expect(dec(d.format('out', STDOUT_STYLE, enc('a\nb\r')))).toBe('a\r\nb\r');
    expect(dec(d.format('out', STDOUT_STYLE, enc('\nc\n')))).toBe('\nc\r\n');
  });

  it('marks every stderr line with a word and a colour, in the middle of a line too', () => {
    const d = new DisplayLines();
    const out = dec(d.format('stderr', STDERR_STYLE, enc('oops\nag')));
    expect(out).toBe('\x1b[31m[stderr] oops\r\n\x1b[31m[stderr] ag\x1b[39m');
    // The rest of the line: colour again, no second tag.
    expect(dec(d.format('stderr', STDERR_STYLE, enc('ain\n')))).toBe('\x1b[31main\r\n\x1b[39m');
  });

  it('starts a new display line when another source interrupts a partial line', () => {
    const d = new DisplayLines();
    const a = dec(d.format('0:stdout', mergedStyle(0, 'stdout'), enc('hal')));
    const b = dec(d.format('1:stdout', mergedStyle(1, 'stdout'), enc('lo\n')));
    expect(a + b).toBe('[0] hal\r\n[1] lo\r\n');
  });

  it('tags merged lines with the rank and says stderr in words', () => {
    expect(mergedStyle(3, 'stdout').prefix).toBe('[3] ');
    expect(mergedStyle(3, 'stderr').prefix).toBe('[3 stderr] ');
    expect(mergedStyle(3, 'stderr').colour).toBeDefined();
  });

  it('keeps every byte of the output, whatever it is (only CRs before LFs and tags are added)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const d = new DisplayLines();
        const shown = chunks.flatMap((c) => [...d.format('out', STDOUT_STYLE, c)]);
        const original = chunks.flatMap((c) => [...c]);
        // Remove the CRs the formatter added before LFs: the original comes back.
        const back: number[] = [];
        let prevOriginalCR = false;
        let j = 0;
        for (let i = 0; i < shown.length; i++) {
          const b = shown[i]!;
          if (b === 0x0d && shown[i + 1] === 0x0a && original[j] === 0x0a && !prevOriginalCR) {
            continue;
          }
          back.push(b);
          prevOriginalCR = b === 0x0d;
          j++;
        }
        expect(back).toEqual(original);
      }),
    );
  });

  it('decodes base64 to the exact bytes, not through text', () => {
    const bytes = Uint8Array.from([0, 255, 0xc3, 0x28, 10, 13]);
    const b64 = Buffer.from(bytes).toString('base64');
    expect([...decodeBase64(b64)]).toEqual([...bytes]);
  });
});
