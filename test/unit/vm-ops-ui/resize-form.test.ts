import { describe, expect, it } from 'vitest';
import type { HostFacts, Vm } from '../../../api/inventory-api';
import {
  currentOfCluster,
  currentOfVm,
  fieldHint,
  initialFields,
  resizeRequest,
  type ResizeCurrent,
} from '../../../renderer/views/vm-ops/resize-form';

const RUNNING: ResizeCurrent = {
  memoryMiB: 1024,
  maxMemoryMiB: 2048,
  vcpus: 1,
  maxVcpus: 2,
  diskGiB: 4,
  running: true,
  hostCpus: 8,
  hostMemoryMiB: 16384,
};

const vm = (over: Partial<Vm> & Record<string, unknown>): Vm => ({
  hostId: 'h1',
  uuid: '11111111-2222-3333-4444-555555555555',
  name: 'n-0',
  state: 'running',
  stale: false,
  vcpus: 1,
  memoryKiB: 512 * 1024,
  maxMemoryKiB: 1024 * 1024,
  disks: [
    { target: 'hdc', device: 'cdrom' },
    { target: 'vda', device: 'disk', capacityBytes: 2 * 1024 ** 3 },
  ],
  nics: [],
  ...over,
});

const host = (hostId: string, cpus: number, memMiB: number): HostFacts => ({
  hostId,
  hostname: hostId,
  cpus,
  memoryKiB: memMiB * 1024,
  freeMemoryKiB: 0,
  cpuPercent: 0,
  libvirtVersion: '9.0.0',
  stale: false,
  updatedAt: '2026-01-01T00:00:00Z',
});

describe('resizeRequest', () => {
  it('sends only what changed from the sizes now', () => {
    const fields = { ...initialFields(RUNNING), vcpus: '2' };
    expect(resizeRequest(fields, RUNNING)).toEqual({ change: { vcpus: 2 }, errors: {} });
  });

  it('refuses an unchanged form with a reason that is not tied to a field', () => {
    expect(resizeRequest(initialFields(RUNNING), RUNNING)).toEqual({
      errors: { form: 'Change at least one size: memory, vCPUs or disk.' },
    });
  });

  it('refuses a smaller disk with the reason and the size it has now', () => {
    const { change, errors } = resizeRequest({ ...initialFields(RUNNING), diskGiB: '3' }, RUNNING);
    expect(change).toBeUndefined();
    expect(errors.diskGiB).toMatch(/only grows: it has 4 GiB now/);
  });

  it('refuses more vCPUs or memory than the host has', () => {
    const { errors } = resizeRequest({ memoryMiB: '20000', vcpus: '9', diskGiB: '4' }, RUNNING);
    expect(errors.vcpus).toBe('the host has only 8 CPUs');
    expect(errors.memoryMiB).toBe('the host has only 16384 MiB of memory');
  });

  it('refuses what is not a whole number and what the contract bounds exclude', () => {
    const { errors } = resizeRequest({ memoryMiB: '64', vcpus: '1.5', diskGiB: '0' }, RUNNING);
    expect(errors).toEqual({
      memoryMiB: 'at least 128 MiB',
      vcpus: 'enter a whole number',
      diskGiB: 'at least 1 GiB',
    });
  });

  it('leaves an empty field (a size it does not know) unchanged', () => {
    const unknownDisk = { ...RUNNING, diskGiB: undefined };
    const fields = { ...initialFields(unknownDisk), memoryMiB: '1536' };
    expect(fields.diskGiB).toBe('');
    expect(resizeRequest(fields, unknownDisk).change).toEqual({ memoryMiB: 1536 });
  });
});

describe('fieldHint', () => {
  it('says live up to the maximum, and next boot beyond it', () => {
    const f = initialFields(RUNNING);
    expect(fieldHint('memoryMiB', f, RUNNING)).toMatch(
      /^Applies live, up to the maximum of 2048 MiB/,
    );
    expect(fieldHint('memoryMiB', { ...f, memoryMiB: '4096' }, RUNNING)).toMatch(
      /^Beyond the maximum of 2048 MiB: applies at the next boot/,
    );
    expect(fieldHint('vcpus', { ...f, vcpus: '3' }, RUNNING)).toMatch(
      /^Beyond the maximum of 2: applies at the next boot/,
    );
  });

  it('says a VM that is off takes the new sizes at its next start', () => {
    const off = { ...RUNNING, running: false };
    expect(fieldHint('vcpus', initialFields(off), off)).toMatch(/next start/);
    expect(fieldHint('diskGiB', initialFields(off), off)).toMatch(/while the VM is off/);
  });
});

describe('currentOfVm and currentOfCluster', () => {
  it('reads a VM’s sizes, its system disk (not the CD-ROM) and its host', () => {
    expect(currentOfVm(vm({ maxVcpus: 4 }), host('h1', 2, 4096))).toEqual({
      memoryMiB: 512,
      maxMemoryMiB: 1024,
      vcpus: 1,
      maxVcpus: 4,
      diskGiB: 2,
      running: true,
      hostCpus: 2,
      hostMemoryMiB: 4096,
    });
  });

  it('binds a cluster by its first node, the smallest maximum and host, the largest disk', () => {
    const nodes = [
      vm({
        name: 'c-1',
        hostId: 'h2',
        membership: { cluster: 'c', owner: 'u', index: 1 },
        vcpus: 2,
        maxMemoryKiB: 768 * 1024,
        state: 'shut-off',
        disks: [{ target: 'vda', capacityBytes: 3 * 1024 ** 3 }],
      }),
      vm({ name: 'c-0', membership: { cluster: 'c', owner: 'u', index: 0 }, state: 'shut-off' }),
    ];
    const hosts = { h1: host('h1', 4, 8192), h2: host('h2', 2, 4096) };
    expect(currentOfCluster(nodes, hosts)).toEqual({
      memoryMiB: 512,
      vcpus: 1,
      maxMemoryMiB: 768,
      maxVcpus: undefined,
      diskGiB: 3,
      running: false,
      hostCpus: 2,
      hostMemoryMiB: 4096,
    });
  });
});
