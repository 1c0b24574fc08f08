/**
 * Splits newline-delimited JSON arriving in chunks of bytes: a line (and a UTF-8 character) may
 * be cut anywhere between two chunks. Returns the complete lines of each chunk, parsed.
 */
export class NdjsonLines {
  private readonly decoder = new TextDecoder();
  private pending = '';

  push(bytes: Uint8Array): unknown[] {
    this.pending += this.decoder.decode(bytes, { stream: true });
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    return lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  }
}
