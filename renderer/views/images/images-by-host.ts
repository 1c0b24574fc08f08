import type { HostView } from '../../../api/hosts-api';
import type { BaseImage } from '../../../api/images-api';

/** One host's part of the Images view. */
export interface HostImages {
  hostId: string;
  hostName: string;
  /** Online: its list is complete. Otherwise its images are not known right now. */
  online: boolean;
  /** The host's state as text, for a host that is not online. */
  state: string;
  images: BaseImage[];
}

/**
 * Images grouped per host, in the hosts' order, every known host included (a host with no images
 * or one that is down still gets its section, saying so). Images of a host not in the list (it was
 * just removed) keep their id as the name rather than disappearing.
 */
export function imagesByHost(
  images: readonly BaseImage[],
  hosts: readonly HostView[],
): HostImages[] {
  const groups = new Map<string, HostImages>();
  for (const h of hosts) {
    groups.set(h.id, {
      hostId: h.id,
      hostName: h.name,
      online: h.status.state === 'online',
      state: h.status.state,
      images: [],
    });
  }
  for (const image of images) {
    let g = groups.get(image.hostId);
    if (!g) {
      g = {
        hostId: image.hostId,
        hostName: image.hostId,
        online: true,
        state: 'online',
        images: [],
      };
      groups.set(image.hostId, g);
    }
    g.images.push(image);
  }
  return [...groups.values()];
}
