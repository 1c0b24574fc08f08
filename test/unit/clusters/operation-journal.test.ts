import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterKeyStore } from '../../../core/clusters/cluster-key-store';
import { SlotLimiter } from '../../../core/clusters/slot-limiter';
import { OperationJournal } from '../../../core/journal/operation-journal';
import { FileKeyCipher } from '../../../core/secrets/file-key-cipher';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'corral-h10-journal-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Rec {
  id: string;
  step: number;
}

describe('operation journal', () => {
  it('reads back the latest record of each operation, in order of last change', () => {
    const file = join(tmp(), 'ops.jsonl');
    const j = new OperationJournal<Rec>(file);
    j.write({ id: 'a', step: 1 });
    j.write({ id: 'b', step: 1 });
    j.write({ id: 'a', step: 2 });
    expect(new OperationJournal<Rec>(file).load()).toEqual([
      { id: 'b', step: 1 },
      { id: 'a', step: 2 },
    ]);
  });

  it('ignores a torn last line (a crash in the middle of a write)', () => {
    const file = join(tmp(), 'ops.jsonl');
    const j = new OperationJournal<Rec>(file);
    j.write({ id: 'a', step: 1 });
    appendFileSync(file, '{"id":"a","st');
    expect(j.load()).toEqual([{ id: 'a', step: 1 }]);
  });

  it('compacts to exactly the records given', () => {
    const file = join(tmp(), 'ops.jsonl');
    const j = new OperationJournal<Rec>(file);
    for (let i = 0; i < 10; i++) j.write({ id: 'a', step: i });
    j.compact([{ id: 'a', step: 9 }]);
    expect(readFileSync(file, 'utf8')).toBe('{"id":"a","step":9}\n');
    expect(j.load()).toEqual([{ id: 'a', step: 9 }]);
  });

  it('starts empty when there is no file', () => {
    expect(new OperationJournal<Rec>(join(tmp(), 'none.jsonl')).load()).toEqual([]);
  });
});

describe('cluster key store', () => {
  it('keeps private keys encrypted at rest and returns them by cluster', () => {
    const dir = tmp();
    const store = new ClusterKeyStore(dir, new FileKeyCipher(dir));
    const pair = {
      privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n',
      publicKey: 'ssh-ed25519 AAAA c',
    };
    store.put('web', pair);
    expect(readFileSync(join(dir, 'cluster-keys.json'), 'utf8')).not.toContain('secret');
    expect(new ClusterKeyStore(dir, new FileKeyCipher(dir)).get('web')).toEqual(pair);
    store.delete('web');
    expect(store.get('web')).toBeUndefined();
  });
});

describe('slot limiter', () => {
  it('never runs more than the limit per key, and runs every task', async () => {
    const limiter = new SlotLimiter(2);
    const running = new Map<string, number>();
    let peak = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        limiter.run(i % 2 ? 'h1' : 'h2', async () => {
          const key = i % 2 ? 'h1' : 'h2';
          running.set(key, (running.get(key) ?? 0) + 1);
          peak = Math.max(peak, running.get(key)!);
          await new Promise((r) => setImmediate(r));
          running.set(key, running.get(key)! - 1);
          done.push(i);
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(done.sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
  });

  it('frees the slot when a task fails', async () => {
    const limiter = new SlotLimiter(1);
    await expect(limiter.run('h', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run('h', async () => 'ok')).resolves.toBe('ok');
  });
});
