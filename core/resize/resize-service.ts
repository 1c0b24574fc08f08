import { CorralError } from '../../api/errors';
import type { HostFacts, Vm, VmRef } from '../../api/inventory-api';
import type { ResizeChange } from '../../api/resize-api';
import type { Task } from '../../api/tasks-api';
import { notFound, type SessionUsers } from '../accounts/authorization';
import type { CallContext } from '../call-context';
import { CORE_ITSELF, type InventoryService } from '../inventory/inventory-service';
import type { TaskStarter } from '../tasks/task-runner';
import { describePlan, planResize, vmSizes } from './resize-plan';
import type { ClusterResizeState, ResizeNode, VmResizeState } from './resize-runners';

/** The engine as the resize service uses it: start tasks, and see which are still working. */
export interface ResizeTasks extends TaskStarter {
  select(match: (task: Pick<Task, 'kind' | 'status' | 'targets'>) => boolean): Task[];
}

export interface ResizeServiceOptions {
  users: SessionUsers;
  inventory: Pick<InventoryService, 'snapshot'>;
  tasks: ResizeTasks;
}

const RESIZES = new Set<Task['kind']>(['vm-resize', 'cluster-resize']);
const WORKING = new Set<Task['status']>(['queued', 'running', 'cancelling', 'rolling-back']);

/**
 * Resizing a VM or every node of a cluster. Everything that can refuse a request is decided here
 * from what Corral already knows (the caller, the inventory's VM and host facts), before any
 * libvirt call: not the caller's, a host that is unreachable, more memory or vCPUs than the host
 * has, a smaller disk. The work itself runs as a task (resize-runners).
 */
export class ResizeService {
  constructor(private readonly options: ResizeServiceOptions) {}

  /** Resizes one VM; returns its task as first shown. */
  async vm(input: VmRef & ResizeChange, ctx: CallContext): Promise<Task> {
    const user = this.options.users.requireUser(ctx);
    const snapshot = this.options.inventory.snapshot(CORE_ITSELF);
    const vm = snapshot.vms.find((v) => v.hostId === input.hostId && v.uuid === input.uuid);
    const what = `VM ${input.uuid} on host ${input.hostId}`;
    // Whose it is was decided by the contract's gate (owner:vm); here only whether it exists.
    if (!vm) throw notFound(what);
    const node = this.planNode(vm, snapshot.hosts, change(input));
    this.checkNotResizing(vm.name, vm.uuid, vm.membership?.cluster);
    const state: VmResizeState = node;
    return this.options.tasks.start({
      kind: 'vm-resize',
      ownerId: user.id,
      title: `Resize ${vm.name}: ${describePlan(node.plan, node.running)}`,
      targets: [{ kind: 'vm', hostId: vm.hostId, uuid: vm.uuid, name: vm.name }],
      steps: [{ id: vm.name, label: `Resize ${vm.name}`, hostId: vm.hostId }],
      state,
    });
  }

  /** Resizes every node of a cluster in parallel as one task. */
  async cluster(input: { cluster: string } & ResizeChange, ctx: CallContext): Promise<Task> {
    const user = this.options.users.requireUser(ctx);
    const snapshot = this.options.inventory.snapshot(CORE_ITSELF);
    const vms = snapshot.vms
      .filter((v) => v.membership?.cluster === input.cluster)
      .sort((a, b) => a.membership!.index - b.membership!.index);
    const what = `cluster ${input.cluster}`;
    if (vms.length === 0) throw notFound(what);
    const c = change(input);
    const nodes = vms.map((vm) => this.planNode(vm, snapshot.hosts, c));
    for (const vm of vms) this.checkNotResizing(vm.name, vm.uuid, input.cluster);
    const state: ClusterResizeState = { cluster: input.cluster, change: c, nodes };
    return this.options.tasks.start({
      kind: 'cluster-resize',
      ownerId: user.id,
      title: `Resize cluster ${input.cluster}: ${describeChange(c)}`,
      targets: [{ kind: 'cluster', cluster: input.cluster }],
      steps: [
        ...nodes.map((n) => ({
          id: n.name,
          label: `Resize ${n.name}`,
          hostId: n.hostId,
          detail: describePlan(n.plan, n.running),
        })),
        { id: 'record', label: "Record the cluster's sizes for nodes added later" },
        ...(c.vcpus !== undefined ? [{ id: 'hostfile', label: 'Rewrite the MPI hostfile' }] : []),
      ],
      state,
    });
  }

  /**
   * One resize at a time per VM: two would race on the same balloon, vCPUs and disk. A cluster's
   * resize covers its nodes.
   */
  private checkNotResizing(name: string, uuid: string, cluster: string | undefined): void {
    const [busy] = this.options.tasks.select(
      (t) =>
        RESIZES.has(t.kind) &&
        WORKING.has(t.status) &&
        t.targets.some(
          (x) =>
            (x.kind === 'vm' && x.uuid === uuid) ||
            (x.kind === 'cluster' && cluster !== undefined && x.cluster === cluster),
        ),
    );
    if (busy) {
      throw new CorralError(
        'conflict',
        `${name} is being resized already (${busy.title}); let it finish`,
      );
    }
  }

  /** One VM's checked plan (throws the reason it cannot be resized). */
  private planNode(vm: Vm, hosts: readonly HostFacts[], c: ResizeChange): ResizeNode {
    const host = hosts.find((h) => h.hostId === vm.hostId);
    if (!host || host.stale || vm.stale) {
      throw new CorralError('unavailable', `the host of ${vm.name} is not reachable now`);
    }
    const sizes = vmSizes(vm);
    return {
      hostId: vm.hostId,
      uuid: vm.uuid,
      name: vm.name,
      plan: planResize(sizes, c, host),
      running: sizes.running,
      ...(vm.membership ? { cluster: vm.membership.cluster } : {}),
    };
  }
}

/** Only the sizes of an input (the contract guarantees at least one). */
function change(input: ResizeChange): ResizeChange {
  return {
    ...(input.memoryMiB !== undefined ? { memoryMiB: input.memoryMiB } : {}),
    ...(input.vcpus !== undefined ? { vcpus: input.vcpus } : {}),
    ...(input.diskGiB !== undefined ? { diskGiB: input.diskGiB } : {}),
  };
}

function describeChange(c: ResizeChange): string {
  return [
    c.memoryMiB !== undefined && `memory ${c.memoryMiB} MiB`,
    c.vcpus !== undefined && `${c.vcpus} vCPUs`,
    c.diskGiB !== undefined && `disk ${c.diskGiB} GiB`,
  ]
    .filter(Boolean)
    .join(', ');
}
