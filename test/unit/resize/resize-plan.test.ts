import { describe, expect, it } from 'vitest';
import { CorralError } from '../../../api/errors';
import {
  describePlan,
  leavesPending,
  planResize,
  vmSizes,
  type VmSizes,
} from '../../../core/resize/resize-plan';
import { host as hostFacts, vm as vmFixture } from '../inventory/vm-fixture';

const GiB = 1024 ** 3;
const host = hostFacts('h1', { cpus: 4, memoryKiB: 8 << 20, freeMemoryKiB: 2 << 20 });

const running: VmSizes = {
  name: 'web-0',
  running: true,
  memoryKiB: 256 * 1024,
  maxMemoryKiB: 512 * 1024,
  vcpus: 1,
  maxVcpus: 2,
  disk: { target: 'vda', capacityBytes: 2 * GiB },
};

function refusal(call: () => unknown): { code: string; message: string } {
  try {
    call();
  } catch (err) {
    if (err instanceof CorralError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('not refused');
}

describe('resize plan', () => {
  it('balloons and hot-plugs live within the ceilings, and grows the disk live', () => {
    const plan = planResize(running, { memoryMiB: 384, vcpus: 2, diskGiB: 4 }, host);
    expect(plan).toEqual({
      memory: { kib: 384 * 1024, live: true },
      vcpus: { count: 2, live: true, from: 1 },
      disk: { target: 'vda', bytes: 4 * GiB, live: true, fromBytes: 2 * GiB },
    });
    expect(leavesPending(plan, true)).toBe(false);
    expect(describePlan(plan, true)).toBe('memory 384 MiB live, 2 vCPUs live, disk 4 GiB live');
  });

  it('shrinks memory live too (the balloon inflates)', () => {
    expect(planResize(running, { memoryMiB: 192 }, host).memory).toEqual({
      kib: 192 * 1024,
      live: true,
    });
  });

  it('leaves what passes a ceiling for the next boot, raising the ceiling in the definition', () => {
    const plan = planResize(running, { memoryMiB: 1024, vcpus: 3 }, host);
    expect(plan).toEqual({
      memory: { kib: 1024 * 1024, live: false, raiseMaxKiB: 1024 * 1024 },
      vcpus: { count: 3, live: false, raiseMax: 3, from: 1 },
    });
    expect(leavesPending(plan, true)).toBe(true);
    expect(describePlan(plan, true)).toBe('memory 1024 MiB at next boot, 3 vCPUs at next boot');
  });

  it('leaves fewer vCPUs for the next boot (no live unplug)', () => {
    const two = { ...running, vcpus: 2 };
    expect(planResize(two, { vcpus: 1 }, host).vcpus).toEqual({ count: 1, live: false, from: 2 });
  });

  it('changes only the definition of a VM that is off, and resizes its volume offline', () => {
    const off = { ...running, running: false };
    const plan = planResize(off, { memoryMiB: 384, diskGiB: 3 }, host);
    expect(plan.memory).toEqual({ kib: 384 * 1024, live: false });
    expect(plan.disk?.live).toBe(false);
    expect(leavesPending(plan, false)).toBe(false);
    expect(describePlan(plan, false)).toBe('memory 384 MiB in its definition, disk 3 GiB offline');
  });

  it('refuses more memory than the host has, naming both', () => {
    expect(refusal(() => planResize(running, { memoryMiB: 9 * 1024 }, host))).toEqual({
      code: 'bad-request',
      message: 'web-0 cannot have 9216 MiB: its host h1.lab has 8192 MiB in all',
    });
  });

  it('refuses growing live by more than the host has free', () => {
    const busy = { ...host, freeMemoryKiB: 64 * 1024 };
    expect(refusal(() => planResize(running, { memoryMiB: 512 }, busy)).message).toBe(
      'web-0 cannot grow by 256 MiB now: its host h1.lab has 64 MiB free',
    );
  });

  it('refuses more vCPUs than the host has', () => {
    expect(refusal(() => planResize(running, { vcpus: 5 }, host))).toEqual({
      code: 'bad-request',
      message: 'web-0 cannot have 5 vCPUs: its host h1.lab has 4 CPUs',
    });
  });

  it('refuses a smaller disk with the reason', () => {
    const r = refusal(() => planResize(running, { diskGiB: 1 }, host));
    expect(r.code).toBe('bad-request');
    expect(r.message).toBe(
      "web-0: disk vda is 2 GiB and cannot shrink to 1 GiB; disks only grow (shrinking would cut off the end of the guest's file system)",
    );
  });

  it('refuses a whole resize when one part is refused (nothing is half done)', () => {
    expect(() => planResize(running, { memoryMiB: 384, diskGiB: 1 }, host)).toThrow(/only grow/);
  });

  it('does nothing for sizes the VM already has', () => {
    expect(planResize(running, { memoryMiB: 256, vcpus: 1, diskGiB: 2 }, host)).toEqual({});
    expect(describePlan({}, true)).toBe('already that size');
  });

  it('leaves the size check to the runner when the disk size is not known yet', () => {
    const unknown = { ...running, disk: { target: 'vda' } };
    expect(planResize(unknown, { diskGiB: 1 }, host).disk).toEqual({
      target: 'vda',
      bytes: GiB,
      live: true,
    });
  });

  it('reads the inventory VM: the first real disk, ceilings defaulting to the size', () => {
    const v = vmFixture('h1', 1, {
      state: 'paused',
      vcpus: 2,
      disks: [
        { target: 'hdc', device: 'cdrom' },
        { target: 'vda', device: 'disk', capacityBytes: GiB },
      ],
    });
    expect(vmSizes(v)).toEqual({
      name: 'vm-1',
      running: true,
      memoryKiB: 131072,
      maxMemoryKiB: 131072,
      vcpus: 2,
      maxVcpus: 2,
      disk: { target: 'vda', capacityBytes: GiB },
    });
  });
});
