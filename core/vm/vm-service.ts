import type { VmAction, VmRef } from '../../api/inventory-api';
import { CorralError } from '../../api/errors';
import type { DomainRef } from '../../native/libvirt';
import type { HostConnections } from '../hosts/host-connections';
import * as domain from '../libvirt/domain';
import { toCorralError } from './libvirt-errors';

/** Options of {@link VmService}. */
export interface VmServiceOptions {
  /** The hosts' connections; may be wired after construction (see {@link VmService.attach}). */
  hosts?: HostConnections;
  /** A VM's name when the inventory knows it (for messages before a lookup). */
  nameOf?: (ref: VmRef) => string | undefined;
}

const ACTION_WORDS: Record<VmAction, string> = {
  start: 'start',
  shutdown: 'shut down',
  'force-off': 'force off',
  reboot: 'reboot',
};

/**
 * Power actions on a VM: start, ACPI shutdown, force off, reboot. One action per VM at a time:
 * a second one while the first runs is refused (conflict), never queued behind it. Who may act
 * on the VM (its owner, the administrator) is decided by the contract's gate before this runs.
 */
export class VmService {
  private readonly running = new Map<string, { action: VmAction; name: string }>();
  private hosts: HostConnections | undefined;

  constructor(private readonly options: VmServiceOptions) {
    this.hosts = options.hosts;
  }

  /** Wires the hosts service when it is made after this one. */
  attach(hosts: HostConnections): void {
    this.hosts = hosts;
  }

  /** Runs `action` on the VM; resolves when libvirt accepted it (the state follows by event). */
  async act(input: VmRef & { action: VmAction }): Promise<Record<string, never>> {
    const { action } = input;
    const ref: VmRef = { hostId: input.hostId, uuid: input.uuid };
    const key = `${ref.hostId}/${ref.uuid}`;
    const name = this.options.nameOf?.(ref) ?? ref.uuid;
    const busy = this.running.get(key);
    if (busy) {
      throw new CorralError(
        'conflict',
        `another action is running on ${busy.name} (${ACTION_WORDS[busy.action]})`,
        { running: busy.action },
      );
    }
    this.running.set(key, { action, name });
    try {
      const client = this.client(ref.hostId);
      const dom = await this.lookup(client, ref, name);
      const flags = { dom, flags: 0 };
      try {
        switch (action) {
          case 'start':
            await domain.create(client, flags);
            break;
          case 'shutdown':
            await domain.shutdown(client, flags);
            break;
          case 'force-off':
            await domain.destroy(client, flags);
            break;
          case 'reboot':
            await domain.reboot(client, flags);
            break;
        }
      } catch (err) {
        throw toCorralError(err, `Could not ${ACTION_WORDS[action]} ${dom.name}`);
      }
      return {};
    } finally {
      this.running.delete(key);
    }
  }

  private client(hostId: string) {
    if (!this.hosts) throw new CorralError('unavailable', 'no hosts are connected');
    return this.hosts.libvirt(hostId);
  }

  private async lookup(
    client: ReturnType<HostConnections['libvirt']>,
    ref: VmRef,
    name: string,
  ): Promise<DomainRef> {
    try {
      return (await domain.lookupByUuid(client, { uuid: ref.uuid })).dom;
    } catch (err) {
      throw toCorralError(err, `Could not find ${name} on its host`);
    }
  }
}
