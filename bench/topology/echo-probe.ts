/** Characters typed one at a time (the shell echoes each; none is special to it). */
const KEYS = 'abcdefghijklmnopqrstuvwxyz';
const DEL = '\x7f';
/** busybox sh's prompt; its line editor then asks for the cursor position (ESC [ 6 n). */
// eslint-disable-next-line no-control-regex
const PROMPT = /# (\x1b\[6n)?$/;

/**
 * Keystroke-to-echo latency on a serial console with a shell on it: types one character, times
 * until the console sends it back, then erases it (untimed) so the line never grows. Feed it the
 * console's output with {@link feed}; waits are event-driven, not polled.
 */
export class EchoProbe {
  private text = '';
  private readonly waiters = new Set<() => void>();

  constructor(private readonly send: (text: string) => void | Promise<void>) {}

  /** Console output (bytes as latin1: the keys and prompts are ASCII). */
  feed(text: string): void {
    this.text += text;
    for (const w of [...this.waiters]) w();
  }

  /** Presses Enter until a shell prompt shows, then waits for the console to go quiet. */
  async ready(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mark = this.text.length;
      await this.send('\r');
      const seen = await this.until((t) => PROMPT.test(t.slice(mark)), 1_000).then(
        () => true,
        () => false,
      );
      if (seen) break;
      if (Date.now() > deadline) throw new Error(`no shell prompt; console: ${this.tail()}`);
    }
    await this.quiet(300);
  }

  /** `n` samples in ms. */
  async sample(n: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const key = KEYS[i % KEYS.length] as string;
      let mark = this.text.length;
      const t0 = performance.now();
      await this.send(key);
      await this.until((t) => t.indexOf(key, mark) >= 0, 10_000);
      out.push(performance.now() - t0);
      mark = this.text.length;
      await this.send(DEL);
      // The shell answers a DEL with a backspace (and a redraw).
      await this.until((t) => t.indexOf('\b', mark) >= 0, 10_000);
      await this.quiet(5);
    }
    return out;
  }

  private tail(): string {
    return JSON.stringify(this.text.slice(-300));
  }

  private until(pred: (text: string) => boolean, ms: number): Promise<void> {
    if (pred(this.text)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!pred(this.text)) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`console did not answer within ${ms} ms: ${this.tail()}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  /** Resolves once nothing arrived for `ms`. */
  private async quiet(ms: number): Promise<void> {
    for (;;) {
      const len = this.text.length;
      await new Promise((r) => setTimeout(r, ms));
      if (this.text.length === len) return;
    }
  }
}
