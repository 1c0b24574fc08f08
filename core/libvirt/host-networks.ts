import { procedure } from './libvirt-call';

/** A host's libvirt networks and its network interfaces (bridges among them). Logged calls. */
export const listAllNetworks = procedure('connectListAllNetworks');
export const listAllInterfaces = procedure('connectListAllInterfaces');

/** virConnectListAllNetworks / virConnectListAllInterfaces: active ones only. */
export const LIST_ACTIVE = 2;
