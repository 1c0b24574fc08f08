import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterCreatorOf, clusterOwnerOf } from '../../../core/accounts/owner-resolver';
import { TaskEngine } from '../../../core/tasks/task-engine';

const node = (cluster: string, owner: string) => ({ membership: { cluster, owner } });

describe('owners the gate resolves for clusters', () => {
  it("a cluster is its nodes' one owner; nodes that disagree make it the administrator's only", () => {
    const vms = [node('web', 'alice'), {}, node('web', 'alice'), node('db', 'bob')];
    expect(clusterOwnerOf(vms, 'web')).toEqual({ found: true, owner: 'alice' });
    expect(clusterOwnerOf(vms, 'db')).toEqual({ found: true, owner: 'bob' });
    expect(clusterOwnerOf(vms, 'none')).toEqual({ found: false, owner: undefined });
    const mixed = [...vms, node('web', 'bob')];
    expect(clusterOwnerOf(mixed, 'web')).toEqual({ found: true, owner: undefined });
  });

  describe('a cluster with no node yet is the owner of the create task building it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-owner-resolver-'));
    const engine = new TaskEngine({ file: join(dir, 'tasks.jsonl') });
    afterAll(async () => {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('while the task works, not after it ended', async () => {
      let finish!: () => void;
      engine.register({
        kind: 'cluster-create',
        cancellable: false,
        run: () => new Promise<void>((done) => (finish = done)),
      });
      const task = await engine.start({
        kind: 'cluster-create',
        ownerId: 'alice',
        title: 'Create cluster web',
        targets: [{ kind: 'cluster', cluster: 'web' }],
        state: {},
      });
      expect(clusterCreatorOf(engine, 'web')).toBe('alice');
      expect(clusterCreatorOf(engine, 'db')).toBeUndefined();
      finish();
      expect((await engine.settled(task.id)).status).toBe('succeeded');
      expect(clusterCreatorOf(engine, 'web')).toBeUndefined();
    });
  });
});
