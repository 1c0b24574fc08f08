import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MpirunXmlParser, type XmlOutput } from '../../../core/jobs/mpirun-xml-parser';

/**
 * The fixtures are `mpirun --xml` output of OpenMPI 4.1.4 captured on this machine: two ranks
 * writing escapes, a tab, a partial line finished after a sleep, UTF-8, stderr, and mpirun's own
 * rank-less messages; and one rank writing raw control bytes, DEL, 0xff and 3000 bytes at once.
 */
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));

/** Every stream's bytes, concatenated in arrival order. */
function collect(outputs: XmlOutput[]): Map<string, Buffer> {
  const by = new Map<string, Buffer>();
  for (const o of outputs) {
    const key = `${o.rank ?? 'mpirun'}.${o.fd}`;
    by.set(key, Buffer.concat([by.get(key) ?? Buffer.alloc(0), o.data]));
  }
  return by;
}

function parseInChunks(bytes: Buffer, cuts: number[]): XmlOutput[] {
  const parser = new MpirunXmlParser();
  const out: XmlOutput[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(...parser.feed(bytes.subarray(at, cut)));
    at = cut;
  }
  out.push(...parser.feed(bytes.subarray(at)));
  expect(parser.ended).toBe(true);
  return out;
}

describe('mpirun --xml parser', () => {
  it("gives each rank's stdout and stderr their exact bytes, and mpirun's own messages apart", () => {
    const streams = collect(parseInChunks(fixture('openmpi-4.1-xml.xml'), []));
    const rank0 = 'a<b&"q\\x27\tt\npartial rest \u00e9\n\\x01\\x7f\\xff';
    expect(streams.get('0.stdout')?.toString('utf8')).toBe(rank0);
    expect(streams.get('1.stdout')?.toString('utf8')).toBe(rank0);
    expect(streams.get('0.stderr')?.toString()).toBe('err\n');
    expect(streams.get('1.stderr')?.toString()).toBe('err\n');
    expect(streams.get('mpirun.stderr')?.toString()).toContain('Exit code:    3\n');
  });

  it('decodes byte entities as single bytes (not characters), raw bytes as they are', () => {
    const streams = collect(parseInChunks(fixture('openmpi-4.1-xml-bytes.xml'), []));
    const want = Buffer.concat([
      Buffer.from([1, 0x7f, 0xff, 13]),
      Buffer.from('>x\n'),
      Buffer.alloc(3000, 'y'),
    ]);
    expect(streams.get('0.stdout')).toEqual(want);
  });

  it('yields the same bytes however the stream is cut (inside tags, entities, lines)', () => {
    const bytes = fixture('openmpi-4.1-xml.xml');
    const whole = collect(parseInChunks(bytes, []));
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 40 }),
        (cuts) => {
          expect(collect(parseInChunks(bytes, cuts))).toEqual(whole);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('yields a partial line at once, before the rest of its element arrives', () => {
    const parser = new MpirunXmlParser();
    expect(parser.feed(Buffer.from('<mpirun>\n<stdout rank="2">half a li'))).toEqual([
      { fd: 'stdout', rank: 2, data: Buffer.from('half a li') },
    ]);
    expect(parser.feed(Buffer.from('ne&#0'))).toEqual([
      { fd: 'stdout', rank: 2, data: Buffer.from('ne') },
    ]);
    expect(parser.feed(Buffer.from('10;</stdout>'))).toEqual([
      { fd: 'stdout', rank: 2, data: Buffer.from('\n') },
    ]);
  });

  it('marks element boundaries so a fresh parser started there repeats and loses nothing', () => {
    const bytes = fixture('openmpi-4.1-xml.xml');
    const whole = collect(parseInChunks(bytes, []));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: bytes.length - 1 }), (cut) => {
        const first = new MpirunXmlParser();
        const before = first.feed(bytes.subarray(0, cut));
        // What was stored up to the boundary is what a reader saves with it.
        const kept = first.atBoundary ? before : [];
        const from = first.atBoundary ? first.boundary : 0;
        const second = new MpirunXmlParser(from);
        const after = second.feed(bytes.subarray(from));
        expect(collect([...kept, ...after])).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('skips elements other than output (a map) whole, and keeps unknown entities as written', () => {
    const parser = new MpirunXmlParser();
    const out = parser.feed(
      Buffer.from(
        '<mpirun>\n<map>\n<host name="a">\n<process rank="0"/>\n</host>\n</map>\n' +
          '<stderr rank="1">x &nbsp; &#x41; &amp</stderr>\n</mpirun>\n',
      ),
    );
    expect(collect(out).get('1.stderr')?.toString()).toBe('x &nbsp; A &amp');
    expect(collect(out).size).toBe(1);
  });
});
