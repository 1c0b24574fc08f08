import { z } from 'zod';
import { HostId } from './hosts-api';
import { DomainUuid, type VmRef } from './inventory-api';

/**
 * The address of a console on its own (a console popped out of the dock into a tab or window):
 * `#/console/<host>/<uuid>/<name>` after the app's own page. Shared by the renderer, which opens
 * and renders it, and the desktop shell, which opens a window for exactly this shape and nothing
 * else.
 */
export interface ConsoleWindowTarget extends VmRef {
  name: string;
}

const PREFIX = '#/console/';
const VmName = z.string().min(1).max(256);

/** The fragment that shows `target`'s console alone. */
export function consoleWindowHash(target: ConsoleWindowTarget): string {
  const parts = [target.hostId, target.uuid.toLowerCase(), target.name].map(encodeURIComponent);
  return `${PREFIX}${parts.join('/')}`;
}

/** The console a fragment names, or undefined when it is not exactly a console address. */
export function parseConsoleWindowHash(hash: string): ConsoleWindowTarget | undefined {
  if (!hash.startsWith(PREFIX)) return undefined;
  const parts = hash.slice(PREFIX.length).split('/');
  if (parts.length !== 3) return undefined;
  let decoded: string[];
  try {
    decoded = parts.map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
  const [hostId, uuid, name] = decoded;
  const host = HostId.safeParse(hostId);
  const id = DomainUuid.safeParse(uuid);
  const vm = VmName.safeParse(name);
  if (!host.success || !id.success || !vm.success) return undefined;
  return { hostId: host.data, uuid: id.data.toLowerCase(), name: vm.data };
}
