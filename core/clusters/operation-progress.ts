import type { TaskContext } from '../tasks/task-runner';
import type { OperationRecord } from './operation-record';
import { nodeStep } from './operation-view';

/**
 * An operation's record as its task's state: every change is handed to the engine (journaled in
 * its next batch), and each node whose phase or error changed is reported as its step. A
 * checkpoint waits for the disk: taken before a step whose effect must be found after a crash.
 */
export class OperationProgress {
  /** What each node's step last showed, so only changes reach the engine. */
  private readonly shown = new Map<string, string>();

  constructor(
    readonly ctx: TaskContext<OperationRecord>,
    readonly op: OperationRecord,
  ) {}

  save(): void {
    this.report();
    this.ctx.save(this.op);
  }

  checkpoint(): Promise<void> {
    this.report();
    return this.ctx.checkpoint(this.op);
  }

  private report(): void {
    let done = 0;
    for (const node of this.op.nodes) {
      if (node.phase === 'ready' || node.phase === 'rolled-back') done++;
      const seen = `${node.phase}\n${node.error ?? ''}`;
      if (this.shown.get(node.name) === seen) continue;
      this.shown.set(node.name, seen);
      this.ctx.step(node.name, nodeStep(node, this.op.kind));
    }
    if (this.op.nodes.length > 0) this.ctx.progress(done / this.op.nodes.length);
  }
}
