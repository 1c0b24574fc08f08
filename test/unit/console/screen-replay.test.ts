import { describe, expect, it } from 'vitest';
import { CONSOLE_SCROLLBACK, ScreenReplay } from '../../../core/console/screen-replay';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('ScreenReplay', () => {
  it('is empty before any output', () => {
    const replay = new ScreenReplay();
    expect(replay.snapshot()).toBe('');
    replay.dispose();
  });

  it('recreates text, colours and the cursor line in a fresh terminal', async () => {
    const replay = new ScreenReplay();
    await replay.write(bytes('login: root\r\n\x1b[31mred\x1b[0m plain\r\n# echo hi'));
    const copy = new ScreenReplay();
    await copy.write(bytes(replay.snapshot()));
    expect(copy.text().slice(0, 3)).toEqual(['login: root', 'red plain', '# echo hi']);
    expect(replay.snapshot()).toContain('\x1b[31m');
    // The cursor ends where the original's did: more output continues the same line.
    await replay.write(bytes('!'));
    await copy.write(bytes('!'));
    expect(copy.text()[2]).toBe('# echo hi!');
    replay.dispose();
    copy.dispose();
  });

  it('keeps joined long lines joined, so a wider pane re-wraps them', async () => {
    const replay = new ScreenReplay({ cols: 20, rows: 5 });
    const long = 'x'.repeat(50);
    await replay.write(bytes(`${long}\r\nnext`));
    const wide = new ScreenReplay({ cols: 100, rows: 5 });
    await wide.write(bytes(replay.snapshot()));
    expect(wide.text().slice(0, 2)).toEqual([long, 'next']);
    replay.dispose();
    wide.dispose();
  });

  it(`keeps at most ${CONSOLE_SCROLLBACK} lines of scrollback, dropping the oldest`, async () => {
    const replay = new ScreenReplay();
    const total = CONSOLE_SCROLLBACK + 500;
    let out = '';
    for (let i = 0; i < total; i++) out += `line ${i}\r\n`;
    await replay.write(bytes(out));
    const text = replay.text();
    expect(replay.lineCount).toBe(CONSOLE_SCROLLBACK + 24);
    expect(text).not.toContain('line 0');
    expect(text).toContain(`line ${total - 1}`);
    const copy = new ScreenReplay();
    await copy.write(bytes(replay.snapshot()));
    expect(copy.text().filter((l) => l.startsWith('line ')).length).toBe(
      text.filter((l) => l.startsWith('line ')).length,
    );
    replay.dispose();
    copy.dispose();
  });
});
