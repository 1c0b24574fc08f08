import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ByteStream } from '../../../api/byte-stream';
import type { StreamMessage } from '../../../api/wire';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const frames = (posted: StreamMessage[]) =>
  posted.filter((m) => m.t === 'data').map((m) => (m.t === 'data' ? [...m.bytes] : []));

it('sends a write after a quiet spell at once, and batches the writes that follow it', async () => {
  const posted: StreamMessage[] = [];
  const stream = new ByteStream(1, (m) => posted.push(m), 1024 * 1024);

  void stream.write(new Uint8Array([1]));
  void stream.write(new Uint8Array([2]));
  await vi.advanceTimersByTimeAsync(0);
  // Both writes of the same tick leave together, without waiting for the batching window.
  expect(frames(posted)).toEqual([[1, 2]]);

  void stream.write(new Uint8Array([3]));
  await vi.advanceTimersByTimeAsync(5);
  void stream.write(new Uint8Array([4]));
  await vi.advanceTimersByTimeAsync(5);
  // Within the window after a frame: held back and coalesced.
  expect(frames(posted)).toEqual([[1, 2]]);
  await vi.advanceTimersByTimeAsync(6);
  expect(frames(posted)).toEqual([
    [1, 2],
    [3, 4],
  ]);

  await vi.advanceTimersByTimeAsync(100);
  void stream.write(new Uint8Array([5]));
  await vi.advanceTimersByTimeAsync(0);
  expect(frames(posted)).toEqual([[1, 2], [3, 4], [5]]);
});
