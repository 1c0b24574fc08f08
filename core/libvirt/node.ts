import { procedure } from './libvirt-call';

/** The host (libvirt's node and connection): identity, capacity and load. Each is one logged call. */
export const hostname = procedure('connectGetHostname');
export const libVersion = procedure('connectGetLibVersion');
export const info = procedure('nodeGetInfo');
export const cpuStats = procedure('nodeGetCpuStats');
export const memoryStats = procedure('nodeGetMemoryStats');
export const freeMemory = procedure('nodeGetFreeMemory');
