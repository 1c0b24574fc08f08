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

  it('holds the console while a pane has no credit, and resumes when that pane leaves', async () => {
    h = consoleHarness();
    const slowStream = await h.openPane();
    // A pane whose consumer never finishes: it never returns credit.
    slowStream.onData(() => new Promise<void>(() => {}));
    const fast = reader(await h.openPane());
    const total = 4 * DEFAULT_WINDOW;
    const chunk = 'y'.repeat(1023) + '\n';
    let queued = 0;
    while (queued < total) {
      h.guestOut.write(chunk);
      queued += chunk.length;
    }
    // The slow pane's window fills; the source is no longer read, so output queues at the guest.
    await until('back-pressure reaches the source', () => h.guestOut.readableLength > 0);
    await until('the fast pane got what the slow pane allowed', () => fast.text.length > 0);
    expect(fast.text.length).toBeLessThan(total);
    expect(h.guestOut.readableLength).toBeGreaterThan(0);

    slowStream.end();
    await until('the fast pane gets everything', () => fast.text.length === total);
    expect(h.session.paneCount).toBe(1);
  });

  it('detaches a pane that stays stuck, with an error, and keeps serving the others', async () => {
    h = consoleHarness({ stuckPaneMs: 100 });
    const stuckStream = await h.openPane();
    // A consumer that hangs until released (a frozen browser tab).
    let release!: () => void;
    const frozen = new Promise<void>((r) => (release = r));
    stuckStream.onData(() => frozen);
    const stuck = { error: undefined as CorralError | undefined };
    stuckStream.onEnd((e) => (stuck.error = e));
    const fast = reader(await h.openPane());
    const total = 2 * DEFAULT_WINDOW;
    h.guestOut.write('z'.repeat(total));
    await until('the fast pane gets everything', () => fast.text.length === total);
    await until('the stuck pane is detached', () => h.session.paneCount === 1);
    // Once the tab thaws, it learns why its console stopped.
    release();
    await until('the stuck pane is told', () => stuck.error !== undefined);
    expect(stuck.error).toMatchObject({ code: 'timeout' });
    expect(stuck.error?.message).toMatch(/detached/);
    expect(fast.ended).toBe(false);
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
