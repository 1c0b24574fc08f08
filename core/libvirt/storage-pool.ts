import { procedure } from './libvirt-call';

/** Storage pools: lookups and their volumes. Each is one logged libvirt call. */
export const listAll = procedure('connectListAllStoragePools');
export const lookupByName = procedure('storagePoolLookupByName');
export const refresh = procedure('storagePoolRefresh');
export const listAllVolumes = procedure('storagePoolListAllVolumes');
