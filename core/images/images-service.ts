import type { ByteStream } from '../../api/byte-stream';
import { type Disposable, DisposableStore } from '../../api/disposable';
import { CorralError } from '../../api/errors';
import type { BaseImage, StoragePool, UploadTarget, VolumeRef } from '../../api/images-api';
import type { LibvirtClient, PoolRef, VolRef } from '../../native/libvirt';
import type { CallContext } from '../call-context';
import type { HostConnections } from '../hosts/host-connections';
import { CallLimiter } from '../inventory/call-limiter';
import { parseDomainXml } from '../inventory/domain-xml';
import * as domain from '../libvirt/domain';
import * as storagePool from '../libvirt/storage-pool';
import * as storageVolume from '../libvirt/storage-volume';
import type { ReportDataProblem } from '../persistence/data-problems';
import { BaseImageMarks } from './base-image-marks';
import { baseImagesOfPool, companionNames } from './base-images';
import { isMissing, storageError } from './storage-errors';
import {
  partialVerdict,
  UPLOAD_ALIVE_EVERY_MS,
  UploadJournal,
  type UploadRecord,
} from './upload-journal';
import {
  UploadTaskRunner,
  untrackedUpload,
  type UploadTask,
  type UploadTasks,
} from './upload-task';
import { VolumeUpload } from './volume-upload';
import { type VolumeFacts, parseVolumeXml, uploadVolumeXml } from './volume-xml';

/** VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE: inactive pools have no volumes to offer. */
const LIST_POOLS_ACTIVE = 2;
/** libvirtd serves ~5 calls per client at once; leave room for consoles and actions. */
const CALLS_PER_HOST = 3;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Who may use images (everyone signed in lists, the administrator uploads, removes and
 * marks). AccountsService fits; without it calls are not checked and listings show every
 * candidate (tests of this service alone).
 */
export interface ImagesAccess {
  requireUser(ctx: CallContext): { role: 'admin' | 'user' };
  requireAdmin(ctx: CallContext): unknown;
}

/** Options of {@link ImagesService}. */
export interface ImagesServiceOptions {
  /** The accounts check (see {@link ImagesAccess}); required, so no caller gets 'everyone'. */
  access: ImagesAccess;
  /**
   * The data folder for the upload journal (`uploads.jsonl`), so a partial volume left by a
   * crash is removed at the next start; without it only this run's leftovers are.
   */
  dataDir?: string;
  reportDataProblem?: ReportDataProblem;
  /** Tells the administrator what cleanup did (default: the log). */
  notify?: (message: string) => void;
  /** The administrator's marks (default: in memory, none). */
  marks?: BaseImageMarks;
  /** Where uploads show as tasks (default: nowhere). */
  tasks?: UploadTasks;
}

interface Running {
  hostId: string;
  upload: VolumeUpload;
}

/**
 * Base images: volumes on the hosts that clusters' linked clones are made from. Lists
 * them per host, uploads new ones from the user's computer through a volume upload stream (the
 * partial volume is deleted on any failure), and removes unused ones.
 */
export class ImagesService implements Disposable {
  private readonly uploads = new Set<Running>();
  /**
   * Partial volumes to delete once their host is (back) online: uploads of a run that died
   * (from the journal) and of this run whose host dropped. Deleted by identity, see
   * {@link partialVerdict}.
   */
  private readonly leftovers = new Map<string, UploadRecord[]>();
  private readonly journal: UploadJournal;
  private readonly store = new DisposableStore();
  /** Which volumes the administrator marked: only those back clusters. */
  readonly marks: BaseImageMarks;
  private readonly uploadTasks: UploadTaskRunner | undefined;

  constructor(
    private readonly hosts: HostConnections,
    private readonly options: ImagesServiceOptions,
  ) {
    this.journal = new UploadJournal(options.dataDir, options.reportDataProblem);
    for (const record of this.journal.loadInterrupted()) this.remember(record);
    this.marks = options.marks ?? new BaseImageMarks();
    this.uploadTasks = options.tasks && new UploadTaskRunner(options.tasks);
    const hostGone = (hostId: string, why: string) => {
      for (const r of this.uploads)
        if (r.hostId === hostId) r.upload.abort(new CorralError('unavailable', why));
    };
    this.store.add(
      hosts.onHostOffline((hostId, error) =>
        hostGone(hostId, `the host dropped during the upload: ${error}`),
      ),
    );
    this.store.add(
      hosts.onHostRemoved((hostId) => {
        hostGone(hostId, 'the host was removed');
        for (const record of this.leftovers.get(hostId) ?? []) {
          this.journal.end(record);
          this.notify(
            `${record.name} in pool ${record.pool} of host ${hostId} may be a partial upload volume; the host was removed before it could be checked`,
          );
        }
        this.leftovers.delete(hostId);
        // A host added again is a new host to Corral: its volumes start unmarked.
        this.marks.forgetHost(hostId);
      }),
    );
    this.store.add(
      hosts.onHostOnline((hostId, client) => void this.cleanLeftovers(hostId, client)),
    );
    for (const { hostId, client } of hosts.online()) void this.cleanLeftovers(hostId, client);
  }

  /**
   * Base images of every online host; a host that fails mid-listing is left out. A plain user
   * gets the marked ones only (hosts without a mark are not even asked); the administrator gets
   * every candidate with its flag, so they can mark it.
   */
  async list(ctx: CallContext): Promise<BaseImage[]> {
    const user = this.options.access.requireUser(ctx);
    const everything = user.role === 'admin';
    const marked = this.marks.hosts();
    const perHost = await Promise.all(
      this.hosts
        .online()
        .filter(({ hostId }) => everything || marked.has(hostId))
        .map(({ hostId, client }) => this.hostImages(hostId, client).catch(() => [])),
    );
    return perHost.flat().filter((i) => everything || i.marked);
  }

  /**
   * Marks a volume as a base image. Refused (`not-found`) unless it is a base image candidate
   * of that pool on that online host: a VM's overlay, a seed or a companion can never be marked.
   */
  async mark(ref: VolumeRef, ctx: CallContext): Promise<Record<string, never>> {
    this.options.access?.requireAdmin(ctx);
    const client = this.hosts.libvirt(ref.hostId);
    const images = await this.hostImages(ref.hostId, client, ref.pool);
    if (!images.some((i) => i.pool === ref.pool && i.name === ref.name)) {
      throw new CorralError(
        'not-found',
        `no base image candidate ${ref.name} in pool ${ref.pool} on host ${ref.hostId} (a qcow2 or raw volume without a backing file)`,
      );
    }
    this.marks.set(ref, true);
    return {};
  }

  /** Takes the mark off; needs no host (the volume may be gone already). */
  unmark(ref: VolumeRef, ctx: CallContext): Record<string, never> {
    this.options.access?.requireAdmin(ctx);
    this.marks.set(ref, false);
    return {};
  }

  /** Whether a volume of this name is marked on any host (checked before any libvirt call). */
  isMarkedAnywhere(name: string): boolean {
    return this.marks.anyNamed(name);
  }

  /** Active storage pools of every online host. */
  async pools(ctx: CallContext): Promise<StoragePool[]> {
    this.options.access.requireUser(ctx);
    const perHost = await Promise.all(
      this.hosts.online().map(async ({ hostId, client }) => {
        try {
          return (await activePools(client)).map((p) => ({ hostId, name: p.name }));
        } catch {
          return [];
        }
      }),
    );
    return perHost.flat().sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * The marked base image `name` on a host (for cluster creation): the one in `pool` when given,
   * else the only pool where it is marked. `not-found` when no pool has it as a marked base
   * image, `conflict` when several do and no pool was named.
   */
  async findBaseImage(hostId: string, name: string, pool?: string): Promise<BaseImage> {
    const images = await this.hostImages(hostId, this.hosts.libvirt(hostId), pool);
    const found = images.filter((i) => i.name === name && i.marked);
    if (found.length === 0) {
      throw new CorralError(
        'not-found',
        `no marked base image ${name} on host ${hostId}${pool ? ` in pool ${pool}` : ''}`,
      );
    }
    if (found.length > 1) {
      throw new CorralError(
        'conflict',
        `base image ${name} exists in several pools of host ${hostId} (${found.map((i) => i.pool).join(', ')}); name the pool`,
      );
    }
    return found[0]!;
  }

  /**
   * Accepts an upload (the stream is open once this resolves): a new raw volume of exactly the
   * announced size, filled from the client's bytes. An existing name is refused before anything
   * is created; on any failure afterwards the partial volume is deleted.
   */
  async upload(target: UploadTarget, source: ByteStream, ctx: CallContext): Promise<void> {
    this.options.access.requireAdmin(ctx);
    const client = this.hosts.libvirt(target.hostId);
    const pool = await lookupPool(client, target.pool);
    const existing = await storageVolume.lookupByName(client, { pool, name: target.name }).then(
      () => true,
      (err: unknown) => {
        if (isMissing(err)) return false;
        throw storageError(err, `cannot look up ${target.name}`);
      },
    );
    if (existing) {
      throw new CorralError(
        'conflict',
        `a volume named ${target.name} already exists in pool ${target.pool}`,
      );
    }
    const task = this.uploadTasks ? await this.uploadTasks.start(target, ctx) : untrackedUpload();
    // Journaled before the volume exists: a crash from here on leaves a record of it.
    let record = this.journal.begin(target);
    let vol: VolRef;
    task.step('create', { status: 'running' });
    try {
      ({ vol } = await storageVolume.createXml(client, {
        pool,
        xml: uploadVolumeXml(target.name, target.sizeBytes),
        flags: 0,
      }));
    } catch (err) {
      this.journal.end(record);
      throw failed(
        task,
        storageError(err, `cannot create volume ${target.name} in pool ${target.pool}`),
      );
    }
    let upload: VolumeUpload;
    try {
      const made = await volumeFacts(client, vol).catch(() => undefined);
      record = this.journal.created(record, vol.key, made?.modifiedMs);
      upload = await VolumeUpload.start({
        client,
        vol,
        sizeBytes: target.sizeBytes,
        source,
        onProgress: (n) => task.bytes(n),
      });
    } catch (err) {
      await this.discard(client, vol, record);
      throw failed(task, err);
    }
    task.step('create', { status: 'done' });
    task.step('transfer', { status: 'running' });
    // Cancelled from the Tasks tab: the upload fails as if the client had stopped sending.
    const cancel = () =>
      upload.abort(new CorralError('cancelled', 'the upload was cancelled by its owner'));
    if (task.signal.aborted) cancel();
    else task.signal.addEventListener('abort', cancel, { once: true });
    const running: Running = { hostId: target.hostId, upload };
    this.uploads.add(running);
    // While bytes flow, the journal says so now and then: after a crash, the volume's last
    // write must not be later than this (else it is someone else's volume of the same name).
    let seen = 0;
    const alive = setInterval(() => {
      if (upload.uploaded === seen) return;
      seen = upload.uploaded;
      record = this.journal.alive(record);
    }, UPLOAD_ALIVE_EVERY_MS);
    alive.unref();
    void upload.done
      .then(
        async () => {
          clearInterval(alive);
          task.step('transfer', { status: 'done' });
          task.step('check', { status: 'running' });
          try {
            await this.checkFormat(client, pool, vol, target);
          } finally {
            this.journal.end(record);
          }
          // The name was free before: any mark under it was a deleted volume's and goes now.
          this.marks.set(target, target.markAsBase === true);
          task.step('check', { status: 'done' });
        },
        async (err: CorralError) => {
          clearInterval(alive);
          await this.discard(client, vol, record);
          throw err;
        },
      )
      .then(
        () => {
          task.succeeded();
          return source.end();
        },
        (err: unknown) => {
          const error = storageError(err, 'upload failed');
          task.failed(error);
          return source.end(error.toData());
        },
      )
      .finally(() => {
        task.signal.removeEventListener('abort', cancel);
        this.uploads.delete(running);
      });
  }

  /** Deletes a failed upload's volume; one that cannot be deleted now is left for later. */
  private async discard(client: LibvirtClient, vol: VolRef, record: UploadRecord): Promise<void> {
    const deleted = await deleteVolume(client, vol);
    if (deleted) this.journal.end(record);
    else this.remember(record);
  }

  /**
   * Deletes a base image and its kernel/initrd companions. Refused while any volume of the host
   * is a linked clone of it or any domain's disk is it.
   */
  async remove(
    input: { hostId: string; pool: string; name: string },
    ctx: CallContext,
  ): Promise<Record<string, never>> {
    this.options.access.requireAdmin(ctx);
    const client = this.hosts.libvirt(input.hostId);
    const pool = await lookupPool(client, input.pool);
    const { vol } = await storageVolume
      .lookupByName(client, { pool, name: input.name })
      .catch((err: unknown) => {
        throw storageError(err, `no volume ${input.name} in pool ${input.pool}`);
      });
    const facts = await volumeFacts(client, vol);
    const users = await this.usersOf(client, facts.path);
    if (users.length > 0) {
      throw new CorralError(
        'conflict',
        `${input.name} is in use and was not removed: ${users.join(', ')}`,
        { users },
      );
    }
    try {
      await storageVolume.remove(client, { vol, flags: 0 });
    } catch (err) {
      throw storageError(err, `cannot remove ${input.name}`);
    }
    // A later volume of the same name must be marked anew.
    this.marks.set(input, false);
    const companions = companionNames(input.name);
    for (const name of [companions.kernel, companions.initrd]) {
      const found = await storageVolume.lookupByName(client, { pool, name }).catch(() => null);
      if (found) await storageVolume.remove(client, { vol: found.vol, flags: 0 });
    }
    return {};
  }

  dispose(): void {
    this.store.dispose();
    for (const r of this.uploads) r.upload.abort(new CorralError('cancelled', 'Corral is closing'));
  }

  private remember(record: UploadRecord): void {
    const list = this.leftovers.get(record.hostId) ?? [];
    list.push(record);
    this.leftovers.set(record.hostId, list);
  }

  /**
   * Deletes the partial volumes of uploads cut short on this host (by a crash or the host's
   * drop), now it is online, each only if it is still that upload's volume; says what it did.
   */
  private async cleanLeftovers(hostId: string, client: LibvirtClient): Promise<void> {
    const list = this.leftovers.get(hostId);
    if (!list) return;
    this.leftovers.delete(hostId);
    for (const record of list) {
      try {
        await this.cleanLeftover(client, record);
      } catch {
        this.remember(record); // the host dropped again: next time it is back
      }
    }
  }

  private async cleanLeftover(client: LibvirtClient, record: UploadRecord): Promise<void> {
    const where = `${record.name} in pool ${record.pool} of host ${record.hostId}`;
    const since = `the upload started at ${record.startedAt} and was interrupted`;
    let pool: PoolRef;
    try {
      pool = await lookupPool(client, record.pool);
    } catch (err) {
      if (!client.connection.isOpen) throw err;
      this.journal.end(record);
      return this.notify(`Could not check ${where}: ${since}, and the pool is gone`);
    }
    const found = await storageVolume.lookupByName(client, { pool, name: record.name }).then(
      async ({ vol }) => ({ vol, key: vol.key, facts: await volumeFacts(client, vol) }),
      (err: unknown) => {
        if (isMissing(err)) return undefined;
        throw err;
      },
    );
    const verdict = partialVerdict(record, found);
    if (verdict === 'delete' && found) {
      if (!(await deleteVolume(client, found.vol))) throw new Error('not deleted yet');
      this.journal.end(record);
      return this.notify(`Removed the partial volume ${where}: ${since}`);
    }
    this.journal.end(record);
    if (verdict === 'other')
      this.notify(`Kept ${where}: ${since}, but the volume there now was written since`);
    if (verdict === 'unknown')
      this.notify(
        `Check ${where}: ${since} while the volume was being created, so it may be incomplete`,
      );
  }

  private notify(message: string): void {
    (this.options.notify ?? ((m: string) => console.warn(`Corral: ${m}`)))(message);
  }

  private async hostImages(
    hostId: string,
    client: LibvirtClient,
    onlyPool?: string,
  ): Promise<BaseImage[]> {
    const limiter = new CallLimiter(CALLS_PER_HOST);
    const pools = (await activePools(client)).filter((p) => !onlyPool || p.name === onlyPool);
    const perPool = await Promise.all(
      pools.map(async (pool) => {
        const { vols } = await storagePool.listAllVolumes(client, {
          pool,
          needResults: true,
          flags: 0,
        });
        const facts = await Promise.all(
          vols.map((vol) =>
            // A volume deleted between the listing and this read is simply not there.
            limiter.run(() => volumeFacts(client, vol).catch(() => undefined)),
          ),
        );
        return baseImagesOfPool(
          hostId,
          pool.name,
          facts.filter((f): f is VolumeFacts => f !== undefined),
          (name) => this.marks.has({ hostId, pool: pool.name, name }),
        );
      }),
    );
    return perPool.flat();
  }

  /** Linked clones (volumes backed by `path`) and domains whose disk is `path`, by name. */
  private async usersOf(client: LibvirtClient, path: string): Promise<string[]> {
    const users: string[] = [];
    for (const pool of await activePools(client)) {
      const { vols } = await storagePool.listAllVolumes(client, {
        pool,
        needResults: true,
        flags: 0,
      });
      for (const vol of vols) {
        const facts = await volumeFacts(client, vol).catch(() => undefined);
        if (facts?.backingPath === path) users.push(`linked clone ${facts.name}`);
      }
    }
    const { domains } = await domain.listAll(client, { needResults: true, flags: 0 });
    for (const dom of domains) {
      const { xml } = await domain.getXmlDesc(client, { dom, flags: 0 }).catch(() => ({ xml: '' }));
      if (!xml) continue;
      const disks = parseDomainXml(xml).disks;
      if (disks.some((d) => d.source === path)) users.push(`domain ${dom.name}`);
    }
    return users;
  }

  /**
   * After the bytes are in: libvirt probes the file's format on a pool refresh. An upload that
   * is not what it was declared as (a raw file sent as qcow2) is refused and deleted.
   */
  private async checkFormat(
    client: LibvirtClient,
    pool: PoolRef,
    vol: VolRef,
    target: UploadTarget,
  ): Promise<void> {
    // Another upload into the pool blocks a refresh ("asynchronous jobs running"): retry a bit.
    let refreshed = false;
    for (let attempt = 0; attempt < 20 && !refreshed; attempt++) {
      refreshed = await storagePool.refresh(client, { pool, flags: 0 }).then(
        () => true,
        () => delay(250).then(() => false),
      );
    }
    if (!refreshed) return; // Uploaded as declared; the format shows once the pool refreshes.
    const facts = await volumeFacts(client, vol);
    if (facts.format !== target.format) {
      await deleteVolume(client, vol);
      throw new CorralError(
        'bad-request',
        `the file is ${facts.format}, not ${target.format}: the volume was deleted`,
      );
    }
  }
}

/** Ends the upload's task with `err` and returns it to be thrown. */
function failed(task: UploadTask, err: unknown): unknown {
  task.failed(err instanceof Error ? err : new Error(String(err)));
  return err;
}

async function activePools(client: LibvirtClient): Promise<PoolRef[]> {
  const { pools } = await storagePool.listAll(client, {
    needResults: true,
    flags: LIST_POOLS_ACTIVE,
  });
  return pools;
}

async function lookupPool(client: LibvirtClient, name: string): Promise<PoolRef> {
  try {
    return (await storagePool.lookupByName(client, { name })).pool;
  } catch (err) {
    throw storageError(err, `no storage pool ${name}`);
  }
}

async function volumeFacts(client: LibvirtClient, vol: VolRef): Promise<VolumeFacts> {
  const { xml } = await storageVolume.getXmlDesc(client, { vol, flags: 0 });
  return parseVolumeXml(xml);
}

/**
 * Deletes a partial volume; false when it could not (the host is gone). Right after an abort the
 * daemon may still count the stream as a job on the volume, so a refusal is retried briefly.
 */
async function deleteVolume(client: LibvirtClient, vol: VolRef): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await storageVolume.remove(client, { vol, flags: 0 });
      return true;
    } catch (err) {
      if (isMissing(err)) return true;
      if (!client.connection.isOpen) return false;
      await delay(250);
    }
  }
  return false;
}
