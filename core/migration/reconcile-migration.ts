import { CorralError } from '../../api/errors';
import {
  ErrorNumber,
  LibvirtError,
  type DomainRef,
  type LibvirtClient,
} from '../../native/libvirt';
import type { HostConnections } from '../hosts/host-connections';
import * as domain from '../libvirt/domain';
import * as volume from '../libvirt/storage-volume';
import {
  decideReconcile,
  type CopyState,
  type HostReport,
  type ReconcileAction,
  type ReconcileDecision,
  type ReconcileJournal,
  type Side,
} from './reconcile-decision';

/** What the reconcile reads of a migration's journaled state (the runner's `MigrationState`). */
export interface ReconcileState extends ReconcileJournal {
  vm: { uuid: string; name: string };
  sourceHostId: string;
  targetHostId: string;
}

export interface ReconcileOptions {
  log(text: string, level?: 'info' | 'warn' | 'error'): void;
  /** How long to wait for both hosts to be online (Corral's start connects them a moment later). */
  waitOnlineMs?: number;
  signal?: AbortSignal;
}

// virDomainState values.
const STATE_RUNNING = 1;
const STATE_BLOCKED = 2;
const STATE_PAUSED = 3;
const STATE_SHUTDOWN = 4;
const STATE_PMSUSPENDED = 7;
// virConnectListAllDomainsFlags: persistent domains only.
const LIST_PERSISTENT = 4;
// virDomainXMLFlags: the definition (not the live XML), with secrets, as `define` wants it.
const XML_SECURE = 1;
const XML_INACTIVE = 2;
const CALL = { timeoutMs: 30_000 };

function copyState(state: number): CopyState {
  if (state === STATE_RUNNING || state === STATE_BLOCKED || state === STATE_SHUTDOWN)
    return 'running';
  if (state === STATE_PAUSED || state === STATE_PMSUSPENDED) return 'paused';
  return 'shut-off';
}

const isMissing = (err: unknown, code: number) => err instanceof LibvirtError && err.code === code;

async function findDomain(client: LibvirtClient, uuid: string): Promise<DomainRef | undefined> {
  try {
    return (await domain.lookupByUuid(client, { uuid }, CALL)).dom;
  } catch (err) {
    if (isMissing(err, ErrorNumber.NO_DOMAIN)) return undefined;
    throw err;
  }
}

/** What one host has of the VM: its copy (state, persistent or not) and which paths exist. */
export async function probeHost(
  client: LibvirtClient,
  uuid: string,
  paths: readonly string[],
): Promise<HostReport> {
  const report: { domain?: HostReport['domain']; volumesPresent: string[] } = {
    volumesPresent: [],
  };
  const dom = await findDomain(client, uuid);
  if (dom) {
    const [{ state }, { domains }] = await Promise.all([
      domain.getState(client, { dom, flags: 0 }, CALL),
      domain.listAll(client, { needResults: true, flags: LIST_PERSISTENT }, CALL),
    ]);
    const persistent = domains.some((d) => d.uuid.toLowerCase() === uuid.toLowerCase());
    report.domain = { state: copyState(state), persistent };
  }
  for (const path of new Set(paths)) {
    try {
      await volume.lookupByPath(client, { path }, CALL);
      report.volumesPresent.push(path);
    } catch (err) {
      if (!isMissing(err, ErrorNumber.NO_STORAGE_VOL)) throw err;
    }
  }
  return report;
}

/** Waits until a host is online; a clear error after `ms`. */
async function onlineClient(
  hosts: HostConnections,
  hostId: string,
  ms: number,
  signal?: AbortSignal,
): Promise<LibvirtClient> {
  const found = () => hosts.online().find((h) => h.hostId === hostId)?.client;
  const now = found();
  if (now) return now;
  return new Promise((resolve, reject) => {
    const done = (fn: () => void) => {
      clearTimeout(timer);
      sub.dispose();
      signal?.removeEventListener('abort', aborted);
      fn();
    };
    const timer = setTimeout(
      () =>
        done(() =>
          reject(
            new CorralError(
              'unavailable',
              `host ${hostId} is not reachable (waited ${Math.round(ms / 1000)} s)`,
            ),
          ),
        ),
      ms,
    );
    const sub = hosts.onHostOnline((id, client) => {
      if (id === hostId) done(() => resolve(client));
    });
    const aborted = () => done(() => reject(signal!.reason));
    signal?.addEventListener('abort', aborted);
  });
}

const describe = (a: ReconcileAction, s: ReconcileState): string => {
  const host = a.side === 'source' ? s.sourceHostId : s.targetHostId;
  if (a.kind === 'delete-volume') return `delete ${a.path} on ${host}`;
  return `${a.kind} ${s.vm.name} on ${host}`;
};

async function carryOut(client: LibvirtClient, uuid: string, a: ReconcileAction): Promise<void> {
  if (a.kind === 'delete-volume') {
    try {
      const { vol } = await volume.lookupByPath(client, { path: a.path }, CALL);
      await volume.remove(client, { vol, flags: 0 }, CALL);
    } catch (err) {
      if (!isMissing(err, ErrorNumber.NO_STORAGE_VOL)) throw err;
    }
    return;
  }
  const dom = await findDomain(client, uuid);
  if (!dom) {
    // Gone meanwhile (a transient copy that was destroyed, an undefine that already ran).
    if (a.kind === 'destroy' || a.kind === 'undefine') return;
    throw new CorralError('conflict', `the VM vanished from the host before it could ${a.kind}`);
  }
  if (a.kind === 'destroy') await domain.destroy(client, { dom, flags: 0 }, CALL);
  if (a.kind === 'resume') await domain.resume(client, { dom }, CALL);
  if (a.kind === 'undefine') await domain.undefine(client, { dom, flags: 0 }, CALL);
  if (a.kind === 'persist') {
    const { xml } = await domain.getXmlDesc(
      client,
      { dom, flags: XML_SECURE | XML_INACTIVE },
      CALL,
    );
    await domain.defineXml(client, { xml, flags: 0 }, CALL);
  }
}

/**
 * Asks both hosts what they have of an interrupted migration's VM, decides which copy stays
 * (see {@link decideReconcile}) and carries the actions out, logging each. Throws when a host
 * cannot be reached (nothing is touched then: a decision from one side alone could keep two
 * copies or none) or an action fails (a second run starts again from what the hosts report).
 */
export async function reconcileMigration(
  hosts: HostConnections,
  state: ReconcileState,
  options: ReconcileOptions,
): Promise<ReconcileDecision> {
  const wait = options.waitOnlineMs ?? 60_000;
  const [source, target] = await Promise.all([
    onlineClient(hosts, state.sourceHostId, wait, options.signal),
    onlineClient(hosts, state.targetHostId, wait, options.signal),
  ]);
  const clients: Record<Side, LibvirtClient> = { source, target };
  const [sourceReport, targetReport] = await Promise.all([
    probeHost(source, state.vm.uuid, state.sourceVolumes),
    probeHost(target, state.vm.uuid, state.targetVolumes),
  ]);
  const say = (r: HostReport) =>
    `${r.domain ? `${r.domain.state}${r.domain.persistent ? '' : ' (transient)'}` : 'no copy'}, ` +
    `${r.volumesPresent.length} journaled volume(s)`;
  options.log(
    `Reconciling ${state.vm.name} (journaled phase ${state.phase}): ` +
      `${state.sourceHostId} has ${say(sourceReport)}; ${state.targetHostId} has ${say(targetReport)}`,
  );
  const decision = decideReconcile(state, sourceReport, targetReport);
  options.log(decision.reason, decision.keep === 'none' ? 'error' : 'info');
  for (const action of decision.actions) {
    options.signal?.throwIfAborted();
    options.log(describe(action, state));
    await carryOut(clients[action.side], state.vm.uuid, action);
  }
  return decision;
}
