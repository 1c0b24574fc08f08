import { Duplex, PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { CorralError } from '../../../api/errors';
import { consoleHarness, reader, until } from './console-harness';

const text = (s: string) => new TextEncoder().encode(s);

/** A second "guest" end: the same console, reopened on another host. */
function pipes() {
  const out = new PassThrough();
  const input = new PassThrough();
  return { out, input, source: Duplex.from({ readable: out, writable: input }) };
}

describe('ConsoleSession following its VM', () => {
  let h: ReturnType<typeof consoleHarness>;
  afterEach(() => h?.dispose());

  it('keeps the panes open across a new source, with one notice line, and types into the new one', async () => {
    const moved = pipes();
    let explained = 0;
    h = consoleHarness({
      follow: async () => ({ source: moved.source, notice: '\r\n[moved]\r\n' }),
      explainEnd: async () => {
        explained++;
        return new CorralError('unavailable', 'console closed: domain shut off');
      },
    });
    const paneStream = await h.openPane();
    const pane = reader(paneStream);
    h.guestOut.write('before\r\n');
    await until('the pane sees the first host', () => pane.text.includes('before'));
    h.guestOut.end();
    await until('the notice arrives', () => pane.text.includes('[moved]'));
    moved.out.write('after\r\n');
    await until('the pane sees the new host', () => pane.text.includes('after'));
    let typed = '';
    moved.input.on('data', (d: Buffer) => (typed += d.toString()));
    await paneStream.write(text('echo hi\r'));
    await until('the new host gets what the pane typed', () => typed === 'echo hi\r');
    expect(pane.ended).toBe(false);
    expect(explained).toBe(0);
    expect(h.session.closed).toBeUndefined();
  });

  it('ends the panes with the owner’s reason when there is nothing to follow', async () => {
    h = consoleHarness({
      follow: async () => undefined,
      explainEnd: async () => new CorralError('unavailable', 'console closed: domain shut off'),
    });
    const pane = reader(await h.openPane());
    h.guestOut.end('bye\r\n');
    await until('the pane ends', () => pane.ended);
    expect(pane.text).toContain('bye');
    expect(pane.error?.message).toBe('console closed: domain shut off');
  });

  it('drops a source found after the session was closed meanwhile', async () => {
    const moved = pipes();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let asked = false;
    h = consoleHarness({
      follow: async () => {
        asked = true;
        await gate;
        return { source: moved.source, notice: '' };
      },
    });
    const pane = reader(await h.openPane());
    h.guestOut.end();
    await until('the session looks for its VM', () => asked);
    h.session.close(new CorralError('unavailable', 'console closed: host removed'));
    release();
    await until('the pane ends', () => pane.ended);
    await until('the late source is destroyed', () => moved.source.destroyed);
    expect(pane.error?.message).toBe('console closed: host removed');
  });
});
