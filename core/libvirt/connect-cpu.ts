import { procedure } from './libvirt-call';

/**
 * Asks a host whether its hypervisor can run a guest CPU (`<cpu>` XML) for the given virt type
 * (`qemu` for TCG, `kvm`), arch and machine: the question a migration's target must answer yes to.
 * One logged libvirt call.
 */
export const compareHypervisorCpu = procedure('connectCompareHypervisorCpu');

/** virCPUCompareResult: what compareHypervisorCpu answers. */
export const CpuCompare = { ERROR: -1, INCOMPATIBLE: 0, IDENTICAL: 1, SUPERSET: 2 } as const;
