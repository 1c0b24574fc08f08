import { CorralError } from '../../api/errors';
import {
  ErrorNumber,
  LibvirtError,
  type DomainRef,
  type LibvirtClient,
  type SnapshotRef,
} from '../../native/libvirt';
import * as domain from '../libvirt/domain';
import * as snapshot from '../libvirt/domain-snapshot';
import type { VcpuFigures } from './revert-check';
import {
  domainVcpus,
  parseSnapshotXml,
  snapshotDisks,
  snapshotXml,
  type SnapshotFacts,
} from './snapshot-xml';

// virDomainGetXMLDesc: the definition the next boot uses, not the running one.
const XML_INACTIVE = 2;
// virDomainState.
const RUNNING = 1;
const PAUSED = 3;
/**
 * Saving or loading a guest's memory under TCG on a busy machine takes seconds per 256 MiB;
 * the connection's default deadline is for quick calls.
 */
export const SNAPSHOT_CALL_MS = 300_000;

/** One VM as the snapshot code acts on it: its host's client and its libvirt reference. */
export interface DomainHandle {
  client: LibvirtClient;
  dom: DomainRef;
}

/** The domain's snapshots, parsed, and the name of the current one. */
export async function readSnapshots(
  h: DomainHandle,
): Promise<{ facts: SnapshotFacts[]; current?: string }> {
  const { snapshots } = await snapshot.listAll(h.client, {
    dom: h.dom,
    needResults: true,
    flags: 0,
  });
  const facts = await Promise.all(
    snapshots.map(async (snap) =>
      parseSnapshotXml((await snapshot.getXmlDesc(h.client, { snap, flags: 0 })).xml),
    ),
  );
  const { result } = await snapshot.hasCurrent(h.client, { dom: h.dom, flags: 0 });
  const current = result
    ? await snapshot
        .current(h.client, { dom: h.dom, flags: 0 })
        .then((r) => r.snap.name)
        .catch(ignoreMissing)
    : undefined;
  return { facts, ...(current ? { current } : {}) };
}

/** The snapshot of this name, or undefined. */
export async function findSnapshot(
  h: DomainHandle,
  name: string,
): Promise<SnapshotRef | undefined> {
  try {
    return (await snapshot.lookupByName(h.client, { dom: h.dom, name, flags: 0 })).snap;
  } catch (err) {
    return ignoreMissing(err);
  }
}

/** One snapshot's facts, or undefined when the domain has none of that name. */
export async function snapshotFacts(
  h: DomainHandle,
  name: string,
): Promise<SnapshotFacts | undefined> {
  const snap = await findSnapshot(h, name);
  if (!snap) return undefined;
  return parseSnapshotXml((await snapshot.getXmlDesc(h.client, { snap, flags: 0 })).xml);
}

/** Whether the domain runs (or is paused): then a snapshot can hold its memory. */
export async function isActive(h: DomainHandle): Promise<boolean> {
  const { state } = await domain.getState(h.client, { dom: h.dom, flags: 0 });
  return state === RUNNING || state === PAUSED;
}

/** The domain's run state in the words a checkpoint needs. */
export async function runState(h: DomainHandle): Promise<'running' | 'paused' | 'stopped'> {
  const { state } = await domain.getState(h.client, { dom: h.dom, flags: 0 });
  return state === RUNNING ? 'running' : state === PAUSED ? 'paused' : 'stopped';
}

/** Whether the domain is paused now. */
export async function isPaused(h: DomainHandle): Promise<boolean> {
  return (await domain.getState(h.client, { dom: h.dom, flags: 0 })).state === PAUSED;
}

/** The domain's vCPUs now (when it runs) and as defined for its next boot. */
export async function vcpuFigures(
  h: DomainHandle,
): Promise<{ live?: VcpuFigures; config: VcpuFigures }> {
  const active = await isActive(h);
  const config = domainVcpus(
    (await domain.getXmlDesc(h.client, { dom: h.dom, flags: XML_INACTIVE })).xml,
  );
  if (!active) return { config };
  const live = domainVcpus((await domain.getXmlDesc(h.client, { dom: h.dom, flags: 0 })).xml);
  return { live, config };
}

/** What a snapshot needs to be taken. */
export interface SnapshotRequest {
  name: string;
  description?: string;
  withMemory: boolean;
  checkpointOf?: string;
}

/**
 * The snapshot's XML for this domain (its disks decide which ones an internal snapshot holds):
 * read before a checkpoint pauses anything, so a pause lasts only the snapshot itself.
 */
export async function prepareSnapshot(h: DomainHandle, spec: SnapshotRequest): Promise<string> {
  const xml = (await domain.getXmlDesc(h.client, { dom: h.dom, flags: 0 })).xml;
  return snapshotXml({ ...spec, disks: snapshotDisks(xml) });
}

/** Takes the internal snapshot `xml` describes (from {@link prepareSnapshot}). */
export async function createSnapshot(h: DomainHandle, xml: string): Promise<void> {
  await snapshot.createXml(
    h.client,
    { dom: h.dom, xmlDesc: xml, flags: 0 },
    { timeoutMs: SNAPSHOT_CALL_MS },
  );
}

/** Takes an internal snapshot: memory too when asked (the domain must then be running). */
export async function takeSnapshot(h: DomainHandle, spec: SnapshotRequest): Promise<void> {
  await createSnapshot(h, await prepareSnapshot(h, spec));
}

/** Reverts to the snapshot and leaves the domain running or paused. */
export async function revertTo(
  h: DomainHandle,
  name: string,
  startAs: 'running' | 'paused',
): Promise<void> {
  const snap = await findSnapshot(h, name);
  if (!snap) throw new CorralError('not-found', `${h.dom.name} has no snapshot ${name}`);
  const flags = startAs === 'paused' ? snapshot.RevertFlags.PAUSED : snapshot.RevertFlags.RUNNING;
  await snapshot.revert(h.client, { snap, flags }, { timeoutMs: SNAPSHOT_CALL_MS });
}

/** Deletes the snapshot (and its descendants); false when there was none of that name. */
export async function deleteSnapshot(
  h: DomainHandle,
  name: string,
  withChildren: boolean,
): Promise<boolean> {
  const snap = await findSnapshot(h, name);
  if (!snap) return false;
  try {
    await snapshot.remove(
      h.client,
      { snap, flags: withChildren ? snapshot.DeleteFlags.CHILDREN : 0 },
      { timeoutMs: SNAPSHOT_CALL_MS },
    );
    return true;
  } catch (err) {
    ignoreMissing(err);
    return false;
  }
}

function ignoreMissing(err: unknown): undefined {
  if (err instanceof LibvirtError && err.code === ErrorNumber.NO_DOMAIN_SNAPSHOT) return undefined;
  throw err;
}
