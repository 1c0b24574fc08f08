import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW } from '../../../api/byte-stream';
import { CorralError } from '../../../api/errors';
import { ScreenReplay } from '../../../core/console/screen-replay';
import { consoleHarness, reader, until } from './console-harness';

const text = (s: string) => new TextEncoder().encode(s);

describe('ConsoleSession', () => {
  let h: ReturnType<typeof consoleHarness>;
  afterEach(() => h?.dispose());

  it('fans output out to every pane and types what any pane sends', async () => {
    h = consoleHarness();
    const a = reader(await h.openPane());
    const bStream = await h.openPane();
    const b = reader(bStream);
    h.guestOut.write('boot ok\r\n');
    await until('both panes see the output', () => [a, b].every((p) => p.text.includes('boot ok')));
    let typed = '';
    h.guestIn.on('data', (d: Buffer) => (typed += d.toString()));
    await bStream.write(text('uname\r'));
    await until('the guest gets what pane b typed', () => typed === 'uname\r');
    expect(h.session.paneCount).toBe(2);
  });

  it('replays the screen to a pane that attaches later, before anything newer', async () => {
    h = consoleHarness();
    const first = reader(await h.openPane());
    h.guestOut.write('# echo hello-$((6*7))\r\nhello-42\r\n# ');
    await until('the first pane sees the answer', () => first.text.includes('hello-42\r\n'));
    const late = reader(await h.openPane());
    h.guestOut.write('after\r\n');
    await until('the late pane sees new output', () => late.text.includes('after'));
    const screen = new ScreenReplay();
    await screen.write(text(late.text));
    expect(screen.text().slice(0, 3)).toEqual(['# echo hello-$((6*7))', 'hello-42', '# after']);
    screen.dispose();
  });

  it('a pane without credit holds up nobody: the source is read on and the other pane gets everything', async () => {
    h = consoleHarness({ paneBufferCap: 64 * 1024 });
    const slowStream = await h.openPane();
    // A pane whose consumer never finishes: it never returns credit.
    slowStream.onData(() => new Promise<void>(() => {}));
    const fast = reader(await h.openPane());
    const total = 4 * DEFAULT_WINDOW;
    const chunk = 'y'.repeat(1023) + '\n';
    for (let queued = 0; queued < total; queued += chunk.length) h.guestOut.write(chunk);
    await until('the fast pane gets everything', () => fast.text.length === total);
    // Nothing waits at the guest: the stalled pane did not hold the source.
    expect(h.guestOut.readableLength).toBe(0);
    expect(h.session.paneCount).toBe(2);
  });

  it('a pane that fell behind gets the current screen when it reads again, then live output', async () => {
    h = consoleHarness({
      paneBufferCap: 16 * 1024,
      replay: new ScreenReplay({ cols: 80, rows: 24 }, 50),
    });
    const slowStream = await h.openPane();
    // A consumer that hangs until released (a frozen browser tab).
    let release!: () => void;
    const frozen = new Promise<void>((r) => (release = r));
    let thawed = false;
    const slow = { text: '', ended: false };
    const decoder = new TextDecoder();
    slowStream.onData(async (bytes) => {
      if (!thawed) await frozen;
      slow.text += decoder.decode(bytes, { stream: true });
    });
    slowStream.onEnd(() => (slow.ended = true));
    const fast = reader(await h.openPane());
    let printed = 0;
    for (let i = 0; printed < 4 * DEFAULT_WINDOW; i++) {
      const line = `line ${i} ${'z'.repeat(60)}\r\n`;
      h.guestOut.write(line);
      printed += line.length;
    }
    h.guestOut.write('# ');
    await until('the fast pane gets everything', () => fast.text.endsWith('# '));
    await until('the screen has it', () => h.session.screenText().some((l) => l === '# '));

    // The tab thaws: what it got, replayed into a fresh terminal, is the console's screen now.
    thawed = true;
    release();
    await until('the slow pane gets the screen', () => slow.text.endsWith('# '));
    expect(slow.text).toContain('\x1bc'); // the reset that precedes the screen
    expect(slow.text.length).toBeLessThan(printed); // it did not get every missed byte
    const screen = new ScreenReplay({ cols: 80, rows: 24 }, 50);
    await screen.write(text(slow.text));
    expect(screen.text()).toEqual(h.session.screenText());
    screen.dispose();

    h.guestOut.write('echo after\r\n');
    await until('live output follows the screen', () => slow.text.endsWith('echo after\r\n'));
    expect(slow.ended).toBe(false);
    expect(fast.ended).toBe(false);
  });

  it('shows on screen how much output the source itself dropped', async () => {
    h = consoleHarness();
    const pane = reader(await h.openPane());
    // What a capped libvirt stream announces when the replay screen could not keep up.
    h.source.emit('overflow', 4096);
    h.guestOut.write('next\r\n');
    await until('the pane sees the output', () => pane.text.includes('next'));
    expect(pane.text).toBe('\r\n[4096 bytes of console output lost]\r\nnext\r\n');
    expect(h.session.screenText()).toContain('[4096 bytes of console output lost]');
  });

  it('ends every pane with the reason when it closes', async () => {
    h = consoleHarness();
    const panes = [reader(await h.openPane()), reader(await h.openPane())];
    h.guestOut.write('last words\r\n');
    await until('output arrives', () => panes.every((p) => p.text.includes('last words')));
    h.session.close(new CorralError('unavailable', 'console closed: domain shut off'));
    await until('both panes end', () => panes.every((p) => p.ended));
    for (const p of panes) {
      expect(p.error).toMatchObject({
        code: 'unavailable',
        message: 'console closed: domain shut off',
      });
    }
    await expect(h.openPane()).rejects.toMatchObject({
      message: 'console closed: domain shut off',
    });
  });

  it('asks its owner why when the source ends, after delivering the last output', async () => {
    const asked: Array<Error | undefined> = [];
    h = consoleHarness({
      explainEnd: async (failure) => {
        asked.push(failure);
        return new CorralError('unavailable', 'console closed: host unreachable');
      },
    });
    const pane = reader(await h.openPane());
    h.guestOut.end('bye\r\n');
    await until('the pane ends', () => pane.ended);
    expect(pane.text).toContain('bye');
    expect(asked).toEqual([undefined]);
    expect(pane.error?.message).toBe('console closed: host unreachable');
    expect(h.session.closed?.message).toBe('console closed: host unreachable');
  });

  it('forgets a pane that leaves, and keeps the console for the next one', async () => {
    h = consoleHarness();
    const pane = await h.openPane();
    pane.end();
    await until('the pane is detached', () => h.session.paneCount === 0);
    h.guestOut.write('while nobody watched\r\n');
    await until('the replay has it', () => h.session.screenText().includes('while nobody watched'));
    const next = reader(await h.openPane());
    await until('the next pane gets the replay', () => next.text.includes('while nobody watched'));
  });
});
