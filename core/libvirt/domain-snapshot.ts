import { procedure } from './libvirt-call';

/** Domain snapshots (internal, kept in the qcow2): each is one logged libvirt call. */
export const createXml = procedure('domainSnapshotCreateXml');
export const listAll = procedure('domainListAllSnapshots');
export const lookupByName = procedure('domainSnapshotLookupByName');
export const getXmlDesc = procedure('domainSnapshotGetXmlDesc');
export const current = procedure('domainSnapshotCurrent');
export const hasCurrent = procedure('domainHasCurrentSnapshot');
export const revert = procedure('domainRevertToSnapshot');
export const remove = procedure('domainSnapshotDelete');

/** virDomainRevertToSnapshot flags: the state the domain is left in. */
export const RevertFlags = { RUNNING: 1, PAUSED: 2 } as const;

/** virDomainSnapshotDelete flags. */
export const DeleteFlags = { CHILDREN: 1 } as const;
