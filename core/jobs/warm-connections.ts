import type { Client } from 'ssh2';
import type { JobClusters, JobNodeRef } from './job-cluster';

/** How long a checked node's connection waits for its job before it is closed. */
const PARK_MS = 30_000;

/**
 * Jobs' way in to nodes, keeping the connections the start checks opened: a login through the
 * node's host costs far more than the check itself, so the job's task takes over the checked
 * connection instead of logging in again. Each parked connection goes to one taker only.
 */
export class WarmJobClusters implements JobClusters {
  private readonly parked = new Map<string, { client: Client; timer: NodeJS.Timeout }>();

  constructor(private readonly inner: JobClusters) {}

  nodes(cluster: string) {
    return this.inner.nodes(cluster);
  }

  connect(cluster: string, node: JobNodeRef): Promise<Client> {
    const key = keyOf(cluster, node);
    const kept = this.parked.get(key);
    if (kept) {
      this.parked.delete(key);
      clearTimeout(kept.timer);
      return Promise.resolve(kept.client);
    }
    return this.inner.connect(cluster, node);
  }

  /** Keeps a working connection for the next `connect` to the same node (closed if unused). */
  park(cluster: string, node: JobNodeRef, client: Client): void {
    const key = keyOf(cluster, node);
    this.parked.get(key)?.client.end();
    const timer = setTimeout(() => {
      if (this.parked.get(key)?.client === client) this.parked.delete(key);
      client.end();
    }, PARK_MS);
    timer.unref();
    this.parked.set(key, { client, timer });
    client.once('close', () => {
      if (this.parked.get(key)?.client !== client) return;
      clearTimeout(timer);
      this.parked.delete(key);
    });
  }

  /** Closes every parked connection (Corral is closing). */
  close(): void {
    for (const { client, timer } of this.parked.values()) {
      clearTimeout(timer);
      client.end();
    }
    this.parked.clear();
  }
}

// The address and host key are part of the key: a node rebuilt under the same name is another.
function keyOf(cluster: string, node: JobNodeRef): string {
  return JSON.stringify([cluster, node.name, node.address, node.hostKey]);
}
