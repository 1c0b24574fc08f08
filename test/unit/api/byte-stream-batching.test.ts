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

it('sends interactive writes at once, one frame per tick', async () => {
  const posted: StreamMessage[] = [];
  const stream = new ByteStream(1, (m) => posted.push(m), 1024 * 1024);
  void stream.write(new Uint8Array([1]));
  void stream.write(new Uint8Array([2]));
  await Promise.resolve();
  // Both writes of the same tick leave together, with no timer at all.
  expect(frames(posted)).toEqual([[1, 2]]);
  await vi.advanceTimersByTimeAsync(3);
  void stream.write(new Uint8Array([3]));
  await Promise.resolve();
  expect(frames(posted)).toEqual([[1, 2], [3]]);
});

it('coalesces a flood: past a few frames per window, writes wait for the window to end', async () => {
  const posted: StreamMessage[] = [];
  const stream = new ByteStream(1, (m) => posted.push(m), 1024 * 1024);
  for (let i = 1; i <= 4; i++) {
    void stream.write(new Uint8Array([i]));
    await vi.advanceTimersByTimeAsync(1);
  }
  expect(frames(posted)).toEqual([[1], [2], [3], [4]]);
  void stream.write(new Uint8Array([5]));
  await vi.advanceTimersByTimeAsync(1);
  void stream.write(new Uint8Array([6]));
  await vi.advanceTimersByTimeAsync(1);
  expect(frames(posted)).toHaveLength(4);
  await vi.advanceTimersByTimeAsync(16);
  expect(frames(posted)).toEqual([[1], [2], [3], [4], [5, 6]]);
});
