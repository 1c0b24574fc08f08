import type { Vm } from '../../../api/inventory-api';

const mib = (kib: number) => `${Math.round(kib / 1024)} MiB`;

/**
 * The sizes a VM's definition holds that it does not run with yet (they apply at its next boot),
 * as words: "memory 1024 MiB, 4 vCPUs". Undefined when nothing waits.
 */
export function pendingText(pending: Vm['pending']): string | undefined {
  if (!pending) return undefined;
  const parts = [
    pending.memoryKiB !== undefined && `memory ${mib(pending.memoryKiB)}`,
    pending.vcpus !== undefined && `${pending.vcpus} vCPUs`,
    pending.maxMemoryKiB !== undefined && `maximum memory ${mib(pending.maxMemoryKiB)}`,
    pending.maxVcpus !== undefined && `maximum ${pending.maxVcpus} vCPUs`,
  ].filter((p): p is string => typeof p === 'string');
  return parts.length ? parts.join(', ') : undefined;
}
