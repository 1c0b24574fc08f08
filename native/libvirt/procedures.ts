import {
  type Codec,
  type Infer,
  xarray,
  xfixedArray,
  xhyper,
  xint,
  xmap,
  xopaque,
  xstruct,
  xuhyper,
  xuint,
  xvoid,
} from '../xdr';
import { Limits } from './constants';
import {
  domainInterface,
  domainRef,
  domainStatsRecord,
  intBool,
  nodeStat,
  nstring,
  optDomainRef,
  ostring,
  poolRef,
  snapshotRef,
  typedParam,
  uuid,
  volRef,
} from './protocol-types';

function charsToString(chars: number[]): string {
  const end = chars.indexOf(0);
  return String.fromCharCode(...(end < 0 ? chars : chars.slice(0, end)).map((c) => c & 0xff));
}

function stringToChars(s: string): number[] {
  return Array.from({ length: 32 }, (_, i) =>
    i < s.length && i < 31 ? s.charCodeAt(i) & 0x7f : 0,
  );
}

/** How a stream-opening procedure moves bytes after its reply (from the client's side). */
export type StreamDirection = 'read' | 'write' | 'both';

/** One procedure of the REMOTE program: number, argument and result types. */
export interface ProcedureSpec<A, R> {
  readonly proc: number;
  readonly args: Codec<A>;
  readonly ret: Codec<R>;
  /** Present when the reply opens a stream on the call's serial. */
  readonly stream?: StreamDirection;
}

function p<A, R>(proc: number, args: Codec<A>, ret: Codec<R>) {
  return { proc, args, ret };
}

function s<A, D extends StreamDirection>(proc: number, args: Codec<A>, stream: D) {
  return { proc, args, ret: xvoid, stream };
}

const domFlags = xstruct({ dom: domainRef, flags: xuint });
const domOnly = xstruct({ dom: domainRef });
const domRet = xstruct({ dom: domainRef });
const xmlFlags = xstruct({ xml: nstring, flags: xuint });
const poolFlags = xstruct({ pool: poolRef, flags: xuint });
const poolRet = xstruct({ pool: poolRef });
const volRet = xstruct({ vol: volRef });
const snapFlags = xstruct({ snap: snapshotRef, flags: xuint });
const snapRet = xstruct({ snap: snapshotRef });
const listArgs = xstruct({ needResults: intBool, flags: xuint });
const migrateParams = xarray(typedParam, Limits.MIGRATE_PARAM_LIST);
const migrateCookie = xopaque(Limits.MIGRATE_COOKIE);
const volTransfer = xstruct({ vol: volRef, offset: xuhyper, length: xuhyper, flags: xuint });

/**
 * The procedures Corral uses, checked against remote_protocol.x (numbers and field order).
 * Field names are camelCase; the order of keys is the wire order.
 */
export const procedures = {
  // Connection and auth.
  connectOpen: p(1, xstruct({ name: ostring, flags: xuint }), xvoid),
  connectClose: p(2, xvoid, xvoid),
  connectGetCapabilities: p(7, xvoid, xstruct({ capabilities: nstring })),
  connectGetHostname: p(59, xvoid, xstruct({ hostname: nstring })),
  connectSupportsFeature: p(60, xstruct({ feature: xint }), xstruct({ supported: intBool })),
  authList: p(66, xvoid, xstruct({ types: xarray(xint, Limits.AUTH_TYPE_LIST) })),
  authPolkit: p(70, xvoid, xstruct({ complete: intBool })),
  connectGetLibVersion: p(157, xvoid, xstruct({ libVer: xuhyper })),

  // Node.
  nodeGetInfo: p(
    6,
    xvoid,
    xstruct({
      // char model[32]: 32 XDR ints, one per byte; a NUL-terminated string to callers.
      model: xmap(xfixedArray(xint, 32), charsToString, stringToChars),
      memory: xuhyper,
      cpus: xint,
      mhz: xint,
      nodes: xint,
      sockets: xint,
      cores: xint,
      threads: xint,
    }),
  ),
  nodeGetFreeMemory: p(102, xvoid, xstruct({ freeMem: xuhyper })),
  nodeGetCpuStats: p(
    227,
    xstruct({ cpuNum: xint, nparams: xint, flags: xuint }),
    xstruct({ params: xarray(nodeStat, Limits.NODE_CPU_STATS), nparams: xint }),
  ),
  nodeGetMemoryStats: p(
    228,
    xstruct({ nparams: xint, cellNum: xint, flags: xuint }),
    xstruct({ params: xarray(nodeStat, Limits.NODE_MEMORY_STATS), nparams: xint }),
  ),
  connectGetAllDomainStats: p(
    344,
    xstruct({ doms: xarray(domainRef, Limits.DOMAIN_LIST), stats: xuint, flags: xuint }),
    xstruct({ retStats: xarray(domainStatsRecord, Limits.DOMAIN_LIST) }),
  ),

  // Domains.
  connectListAllDomains: p(
    273,
    listArgs,
    xstruct({ domains: xarray(domainRef, Limits.DOMAIN_LIST), ret: xuint }),
  ),
  domainLookupByName: p(23, xstruct({ name: nstring }), domRet),
  domainLookupByUuid: p(24, xstruct({ uuid }), domRet),
  domainDefineXmlFlags: p(350, xmlFlags, domRet),
  domainUndefineFlags: p(231, domFlags, xvoid),
  domainCreateWithFlags: p(196, domFlags, domRet),
  domainShutdownFlags: p(258, domFlags, xvoid),
  domainDestroyFlags: p(234, domFlags, xvoid),
  domainReboot: p(27, domFlags, xvoid),
  domainSuspend: p(34, domOnly, xvoid),
  domainResume: p(28, domOnly, xvoid),
  domainSetTime: p(
    338,
    xstruct({ dom: domainRef, seconds: xhyper, nseconds: xuint, flags: xuint }),
    xvoid,
  ),
  domainGetInfo: p(
    16,
    domOnly,
    // unsigned char state and unsigned short nrVirtCpu take 4 bytes each.
    xstruct({ state: xuint, maxMem: xuhyper, memory: xuhyper, nrVirtCpu: xuint, cpuTime: xuhyper }),
  ),
  domainGetState: p(212, domFlags, xstruct({ state: xint, reason: xint })),
  domainGetXmlDesc: p(14, domFlags, xstruct({ xml: nstring })),
  domainSetMemoryFlags: p(204, xstruct({ dom: domainRef, memory: xuhyper, flags: xuint }), xvoid),
  domainSetVcpusFlags: p(199, xstruct({ dom: domainRef, nvcpus: xuint, flags: xuint }), xvoid),
  domainGetVcpusFlags: p(200, domFlags, xstruct({ num: xint })),
  domainBlockResize: p(
    251,
    xstruct({ dom: domainRef, disk: nstring, size: xuhyper, flags: xuint }),
    xvoid,
  ),
  domainGetBlockInfo: p(
    194,
    xstruct({ dom: domainRef, path: nstring, flags: xuint }),
    xstruct({ allocation: xuhyper, capacity: xuhyper, physical: xuhyper }),
  ),
  domainSetMetadata: p(
    264,
    xstruct({
      dom: domainRef,
      type: xint,
      metadata: ostring,
      key: ostring,
      uri: ostring,
      flags: xuint,
    }),
    xvoid,
  ),
  domainSetGuestVcpus: p(
    372,
    xstruct({ dom: domainRef, cpumap: nstring, state: xint, flags: xuint }),
    xvoid,
  ),
  domainInterfaceAddresses: p(
    353,
    xstruct({ dom: domainRef, source: xuint, flags: xuint }),
    xstruct({ ifaces: xarray(domainInterface, Limits.DOMAIN_INTERFACE) }),
  ),

  // Snapshots.
  domainSnapshotCreateXml: p(
    185,
    xstruct({ dom: domainRef, xmlDesc: nstring, flags: xuint }),
    snapRet,
  ),
  domainListAllSnapshots: p(
    274,
    xstruct({ dom: domainRef, needResults: intBool, flags: xuint }),
    xstruct({ snapshots: xarray(snapshotRef, Limits.DOMAIN_SNAPSHOT_LIST), ret: xint }),
  ),
  domainSnapshotCurrent: p(191, domFlags, snapRet),
  domainSnapshotGetXmlDesc: p(186, snapFlags, xstruct({ xml: nstring })),
  domainSnapshotLookupByName: p(
    189,
    xstruct({ dom: domainRef, name: nstring, flags: xuint }),
    snapRet,
  ),
  domainHasCurrentSnapshot: p(190, domFlags, xstruct({ result: intBool })),
  domainRevertToSnapshot: p(192, snapFlags, xvoid),
  domainSnapshotDelete: p(193, snapFlags, xvoid),

  // Migration and jobs. A managed migration: Begin (source), Prepare (target), Perform (source),
  // Finish (target), Confirm (source), the client relaying each side's cookie to the other.
  domainMigrateBegin3Params: p(
    302,
    xstruct({ dom: domainRef, params: migrateParams, flags: xuint }),
    xstruct({ cookieOut: migrateCookie, xml: nstring }),
  ),
  domainMigratePrepare3Params: p(
    303,
    xstruct({ params: migrateParams, cookieIn: migrateCookie, flags: xuint }),
    xstruct({ cookieOut: migrateCookie, uriOut: ostring }),
  ),
  domainMigrateFinish3Params: p(
    306,
    xstruct({ params: migrateParams, cookieIn: migrateCookie, flags: xuint, cancelled: xint }),
    xstruct({ dom: domainRef, cookieOut: migrateCookie }),
  ),
  domainMigrateConfirm3Params: p(
    307,
    xstruct({
      dom: domainRef,
      params: migrateParams,
      cookieIn: migrateCookie,
      flags: xuint,
      cancelled: xint,
    }),
    xvoid,
  ),
  domainMigrateSetMaxDowntime: p(
    166,
    xstruct({ dom: domainRef, downtime: xuhyper, flags: xuint }),
    xvoid,
  ),
  domainMigratePerform3Params: p(
    305,
    xstruct({
      dom: domainRef,
      dconnuri: ostring,
      params: migrateParams,
      cookieIn: migrateCookie,
      flags: xuint,
    }),
    xstruct({ cookieOut: migrateCookie }),
  ),
  domainGetJobStats: p(
    298,
    domFlags,
    xstruct({ type: xint, params: xarray(typedParam, Limits.JOB_STATS) }),
  ),
  domainAbortJob: p(164, domOnly, xvoid),

  // Console (bidirectional although the .x file annotates it read-only).
  domainOpenConsole: s(201, xstruct({ dom: domainRef, devName: ostring, flags: xuint }), 'both'),

  // Events.
  connectDomainEventCallbackRegisterAny: p(
    316,
    xstruct({ eventID: xint, dom: optDomainRef }),
    xstruct({ callbackID: xint }),
  ),
  connectDomainEventCallbackDeregisterAny: p(317, xstruct({ callbackID: xint }), xvoid),

  // Storage.
  connectListAllStoragePools: p(
    281,
    listArgs,
    xstruct({ pools: xarray(poolRef, Limits.STORAGE_POOL_LIST), ret: xuint }),
  ),
  storagePoolLookupByName: p(84, xstruct({ name: nstring }), poolRet),
  storagePoolCreateXml: p(76, xmlFlags, poolRet),
  storagePoolDefineXml: p(77, xmlFlags, poolRet),
  storagePoolCreate: p(78, poolFlags, xvoid),
  storagePoolDestroy: p(80, xstruct({ pool: poolRef }), xvoid),
  storagePoolUndefine: p(82, xstruct({ pool: poolRef }), xvoid),
  storagePoolRefresh: p(83, poolFlags, xvoid),
  storagePoolListAllVolumes: p(
    282,
    xstruct({ pool: poolRef, needResults: intBool, flags: xuint }),
    xstruct({ vols: xarray(volRef, Limits.STORAGE_VOL_LIST), ret: xuint }),
  ),
  storageVolCreateXml: p(93, xstruct({ pool: poolRef, xml: nstring, flags: xuint }), volRet),
  storageVolCreateXmlFrom: p(
    125,
    xstruct({ pool: poolRef, xml: nstring, clonevol: volRef, flags: xuint }),
    volRet,
  ),
  storageVolLookupByName: p(95, xstruct({ pool: poolRef, name: nstring }), volRet),
  storageVolLookupByPath: p(97, xstruct({ path: nstring }), volRet),
  storageVolGetPath: p(100, xstruct({ vol: volRef }), xstruct({ name: nstring })),
  storageVolGetXmlDesc: p(99, xstruct({ vol: volRef, flags: xuint }), xstruct({ xml: nstring })),
  storageVolDelete: p(94, xstruct({ vol: volRef, flags: xuint }), xvoid),
  storageVolResize: p(260, xstruct({ vol: volRef, capacity: xuhyper, flags: xuint }), xvoid),
  storageVolUpload: s(208, volTransfer, 'write'),
  storageVolDownload: s(209, volTransfer, 'read'),
} as const;

/** Names of the procedures in {@link procedures}. */
export type ProcedureName = keyof typeof procedures;
/** Arguments of a procedure. */
export type ArgsOf<N extends ProcedureName> = Infer<(typeof procedures)[N]['args']>;
/** Result of a procedure. */
export type RetOf<N extends ProcedureName> = Infer<(typeof procedures)[N]['ret']>;
/** Procedures whose reply opens a stream. */
export type StreamProcedureName = {
  [N in ProcedureName]: (typeof procedures)[N] extends { stream: StreamDirection } ? N : never;
}[ProcedureName];
/** Procedures that are plain calls. */
export type CallProcedureName = Exclude<ProcedureName, StreamProcedureName>;
