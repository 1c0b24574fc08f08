import { CorralError } from '../../api/errors';
import type { DomainRef, LibvirtClient } from '../../native/libvirt';
import * as migration from '../libvirt/domain-migration';
import { jobFigures, MigrateFlag, migrateParams } from '../libvirt/domain-migration';
import { describeMigrationJob, type MigrationProgress } from './migration-progress';

/** What one managed migration needs: a connection to each side and one for the long Perform. */
export interface ManagedMigration {
  /** The source's regular connection (Begin, Confirm, job statistics, abort). */
  source: LibvirtClient;
  /** A connection of its own to the source for Perform, which blocks until the copy is done. */
  performer: LibvirtClient;
  target: LibvirtClient;
  dom: DomainRef;
  mode: 'live' | 'offline';
  /** Cap on the migration stream, MiB/s (absent: libvirt's default, unlimited). */
  bandwidthMiBs?: number;
  /** Aborted by the owner's cancel: the job is aborted and both sides told it was cancelled. */
  signal: AbortSignal;
  /** About once a second while the guest's state is being copied. */
  onProgress?: (p: MigrationProgress) => void;
  log?: (text: string, level?: 'info' | 'warn' | 'error') => void;
}

/**
 * How it ended: `moved` when the target runs (or, offline, holds) the domain, `stayed` when the
 * source kept it (libvirt's Confirm with cancelled=1 resumed it there). `error` is set for
 * `stayed`, and for a `moved` whose Confirm failed (the source may keep a stale definition).
 */
export interface MigrationOutcome {
  result: 'moved' | 'stayed';
  /** The domain on the target (moved only). */
  targetDom?: DomainRef;
  error?: Error;
  cancelled: boolean;
}

/** Perform may copy gigabytes over a slow link; it is bounded only to catch a silent daemon. */
const PERFORM_DEADLINE_MS = 24 * 3600_000;
const PHASE_DEADLINE_MS = 120_000;
const POLL_MS = 1_000;
const ABORT_ATTEMPTS = 15;

/** The flags of each side, as libvirt's own client computes them for a v3 migration. */
export function migrationFlags(mode: 'live' | 'offline'): { flags: number; protection: number } {
  const flags =
    mode === 'live'
      ? MigrateFlag.LIVE |
        MigrateFlag.PERSIST_DEST |
        MigrateFlag.UNDEFINE_SOURCE |
        MigrateFlag.NON_SHARED_INC
      : MigrateFlag.OFFLINE | MigrateFlag.PERSIST_DEST | MigrateFlag.UNDEFINE_SOURCE;
  return { flags, protection: MigrateFlag.CHANGE_PROTECTION };
}

/**
 * Begin (source) -> Prepare (target) -> Perform (source, own connection) -> Finish (target,
 * cancelled when Perform failed) -> Confirm (source, cancelled when Finish failed). QEMU streams
 * straight from host to host; neither host needs credentials for the other. A cancel aborts the
 * source's job, which makes Perform fail, and the rest runs as for any failure.
 */
export async function runManagedMigration(m: ManagedMigration): Promise<MigrationOutcome> {
  const { flags, protection } = migrationFlags(m.mode);
  const name = m.dom.name;
  const base = migrateParams({
    destinationName: name,
    ...(m.bandwidthMiBs !== undefined ? { bandwidthMiBs: m.bandwidthMiBs } : {}),
  });
  const phase = { timeoutMs: PHASE_DEADLINE_MS };
  const cancelledNow = () => m.signal.aborted;

  const begun = await migration.begin(
    m.source,
    { dom: m.dom, params: base, flags: flags | protection },
    phase,
  );
  const withXml = [...base, ...migrateParams({ destinationXml: begun.xml })];

  // From here the source holds a migration job (change protection) until Confirm releases it.
  let prepared: { cookieOut: Buffer; uriOut: string | null };
  try {
    if (cancelledNow()) throw cancelledError();
    prepared = await migration.prepare(
      m.target,
      { params: withXml, cookieIn: begun.cookieOut, flags },
      phase,
    );
  } catch (err) {
    await confirmQuietly(m, withXml, Buffer.alloc(0), flags | protection, true);
    return { result: 'stayed', error: asError(err), cancelled: cancelledNow() };
  }

  const params = [
    ...withXml,
    ...(prepared.uriOut ? migrateParams({ migrateUri: prepared.uriOut }) : []),
  ];
  let performError: Error | undefined;
  let cookie = prepared.cookieOut;
  if (m.mode === 'live') {
    const performed = await performWatched(m, params, cookie, flags | protection);
    if (performed instanceof Error) performError = performed;
    else cookie = performed;
  } else {
    // Offline, libvirt's own client goes from Prepare straight to Finish, with no cookie: the
    // target defines the domain from the XML it was prepared with. Nothing runs to abort.
    cookie = Buffer.alloc(0);
    if (cancelledNow()) performError = cancelledError();
  }

  let finished: { dom: DomainRef; cookieOut: Buffer } | undefined;
  let finishError: Error | undefined;
  try {
    finished = await migration.finish(
      m.target,
      {
        params,
        cookieIn: performError ? Buffer.alloc(0) : cookie,
        flags,
        cancelled: performError ? 1 : 0,
      },
      phase,
    );
  } catch (err) {
    finishError = asError(err);
  }
  // Finish with cancelled=1 answers with an error by design: only the Perform error matters then.
  const moved = !performError && finished !== undefined;
  const confirmError = await confirmQuietly(
    m,
    params,
    finished?.cookieOut ?? Buffer.alloc(0),
    flags | protection,
    !moved,
  );
  if (moved) {
    if (confirmError) m.log?.(`the source did not confirm: ${confirmError.message}`, 'warn');
    return {
      result: 'moved',
      targetDom: finished!.dom,
      cancelled: false,
      ...(confirmError ? { error: confirmError } : {}),
    };
  }
  const cancelled = cancelledNow();
  return {
    result: 'stayed',
    error: cancelled
      ? cancelledError()
      : (performError ?? finishError ?? new Error('migration failed')),
    cancelled,
  };
}

/** Perform on its own connection, the job polled meanwhile; a cancel aborts the job. */
async function performWatched(
  m: ManagedMigration,
  params: ReturnType<typeof migrateParams>,
  cookieIn: Buffer,
  flags: number,
): Promise<Buffer | Error> {
  let previous: Record<string, number> | undefined;
  let polling = false;
  const timer = setInterval(() => {
    if (polling || m.signal.aborted) return;
    polling = true;
    migration
      .jobStats(m.source, { dom: m.dom, flags: 0 })
      .then((job) => {
        if (job.type === migration.JobType.NONE) return;
        const figures = jobFigures(job.params);
        m.onProgress?.(describeMigrationJob(figures, previous));
        previous = figures;
      })
      .catch(() => undefined) // a missed sample is not worth failing a migration for
      .finally(() => (polling = false));
  }, POLL_MS);
  // Cancelled before Perform: nothing runs to abort, and Perform must not start.
  if (m.signal.aborted) {
    clearInterval(timer);
    return cancelledError();
  }
  let performing = true;
  // The job may not have reached QEMU yet when the cancel comes: tried again until it takes.
  const abort = (attempt = 0) => {
    if (attempt === 0) m.log?.('Cancel: aborting the migration job on the source');
    migration.abortJob(m.source, { dom: m.dom }, { timeoutMs: 10_000 }).catch((err: unknown) => {
      if (performing && attempt < ABORT_ATTEMPTS) setTimeout(() => abort(attempt + 1), 300);
      else m.log?.(`abort failed: ${asError(err).message}`, 'warn');
    });
  };
  const onAbort = () => abort();
  m.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const { cookieOut } = await migration.perform(
      m.performer,
      { dom: m.dom, dconnuri: null, params, cookieIn, flags },
      { timeoutMs: PERFORM_DEADLINE_MS },
    );
    return cookieOut;
  } catch (err) {
    return asError(err);
  } finally {
    performing = false;
    clearInterval(timer);
    m.signal.removeEventListener('abort', onAbort);
  }
}

async function confirmQuietly(
  m: ManagedMigration,
  params: ReturnType<typeof migrateParams>,
  cookieIn: Buffer,
  flags: number,
  cancelled: boolean,
): Promise<Error | undefined> {
  try {
    await migration.confirm(
      m.source,
      { dom: m.dom, params, cookieIn, flags, cancelled: cancelled ? 1 : 0 },
      { timeoutMs: PHASE_DEADLINE_MS },
    );
    return undefined;
  } catch (err) {
    const e = asError(err);
    if (cancelled) m.log?.(`the source's Confirm (cancelled) failed: ${e.message}`, 'warn');
    return e;
  }
}

function cancelledError(): CorralError {
  return new CorralError('cancelled', 'cancelled by its owner');
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
