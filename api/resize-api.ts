import { z } from 'zod';
import { ClusterName } from './clusters-api';
import { method } from './contract';
import { VmRef } from './inventory-api';
import { Task } from './tasks-api';

/**
 * New sizes for a VM (or every node of a cluster); at least one. Memory and vCPUs apply live up to
 * the VM's maximum and to the next boot beyond it; the disk only grows.
 */
export const ResizeChange = z.object({
  memoryMiB: z
    .number()
    .int()
    .min(128)
    .max(1024 * 1024)
    .optional(),
  vcpus: z.number().int().min(1).max(256).optional(),
  /** The node's system disk (the first disk). */
  diskGiB: z.number().int().min(1).max(65536).optional(),
});
export type ResizeChange = z.infer<typeof ResizeChange>;

const atLeastOne = (c: ResizeChange) =>
  c.memoryMiB !== undefined || c.vcpus !== undefined || c.diskGiB !== undefined;
const NOTHING = { message: 'give a new memory size, vCPU count or disk size' };

export const resizeApi = {
  /** Resizes one VM: checked before any libvirt call (capacity, shrink, ownership); a task. */
  vm: method(VmRef.extend(ResizeChange.shape).strict().refine(atLeastOne, NOTHING), Task),
  /**
   * Resizes every node of a cluster in parallel as one task, and records the sizes so nodes added
   * later match.
   */
  cluster: method(
    z
      .object({ cluster: ClusterName, ...ResizeChange.shape })
      .strict()
      .refine(atLeastOne, NOTHING),
    Task,
  ),
} as const;
