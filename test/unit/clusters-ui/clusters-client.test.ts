import { describe, expect, it } from 'vitest';
import { CorralError } from '../../../api/errors';
import { clustersClientOf } from '../../../renderer/views/clusters/clusters-client';

describe('clustersClientOf', () => {
  it('passes present entries through and answers not-found for missing ones', async () => {
    const list = () => Promise.resolve([]);
    const client = clustersClientOf({ clusters: { list }, hosts: {} });
    expect(client.clusters.list).toBe(list);
    const err = await client.clusters.preview({} as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorralError);
    expect((err as CorralError).code).toBe('not-found');
    expect((err as CorralError).message).toBe('no method named clusters.preview');
    await expect(client.operations.list({})).rejects.toThrow('operations.list');
    // A missing event is a subscription that never fires, and can be disposed.
    const sub = client.operations.onChanged(() => {
      throw new Error('never');
    });
    expect(() => sub.dispose()).not.toThrow();
  });
});
