import { describe, expect, it } from 'vitest';
import { NdjsonLines } from '../../../renderer/views/jobs/ndjson-lines';

describe('newline-delimited JSON from chunks', () => {
  it('returns whole lines only, joining a line and a UTF-8 character cut between chunks', () => {
    const bytes = new TextEncoder().encode('{"a":"é"}\n{"b":2}\n');
    const lines = new NdjsonLines();
    // Cut inside "é" (two bytes) and inside the second line.
    expect(lines.push(bytes.subarray(0, 8))).toEqual([]);
    expect(lines.push(bytes.subarray(8, 13))).toEqual([{ a: 'é' }]);
    expect(lines.push(bytes.subarray(13))).toEqual([{ b: 2 }]);
  });

  it('skips blank lines', () => {
    expect(new NdjsonLines().push(new TextEncoder().encode('\n{"x":1}\n\n'))).toEqual([{ x: 1 }]);
  });
});
