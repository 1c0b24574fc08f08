/**
 * Runs at most `limit` async jobs at once, the rest in arrival order. The inventory keeps its
 * calls per host under libvirtd's max_client_requests (5) so actions and consoles never wait
 * behind a burst of XML reads.
 */
export class CallLimiter {
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly limit = 4) {}

  /** Calls `job` when a slot is free; settles as it does. */
  run<T>(job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        job()
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.queue.shift()?.();
          });
      };
      if (this.running < this.limit) start();
      else this.queue.push(start);
    });
  }

  /** Jobs waiting for a slot. */
  get pending(): number {
    return this.queue.length;
  }

  /** Jobs running now. */
  get active(): number {
    return this.running;
  }
}
