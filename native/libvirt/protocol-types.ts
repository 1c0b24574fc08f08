import {
  type Codec,
  type Infer,
  xarray,
  xdouble,
  xfixedOpaque,
  xhyper,
  xint,
  xmap,
  xoptional,
  xstring,
  xstruct,
  xuhyper,
  xuint,
  xunion,
} from '../xdr';
import { Limits, STRING_MAX } from './constants';

/** remote_nonnull_string. */
export const nstring = xstring(STRING_MAX);
/** remote_string (may be null). */
export const ostring = xoptional(nstring);

/** remote_uuid: 16 bytes on the wire, the canonical 8-4-4-4-12 string in TypeScript. */
export const uuid: Codec<string> = xmap(
  xfixedOpaque(16),
  (b) => {
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  },
  (s) => {
    const hex = s.replace(/-/g, '');
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`not a UUID: ${s}`);
    return Buffer.from(hex, 'hex');
  },
);

/** remote_nonnull_domain: a domain reference (id is -1 when inactive). */
export const domainRef = xstruct({ name: nstring, uuid, id: xint });
export type DomainRef = Infer<typeof domainRef>;
/** remote_domain (may be null). */
export const optDomainRef = xoptional(domainRef);

/** remote_nonnull_network (only inside errors). */
export const networkRef = xstruct({ name: nstring, uuid });

/** remote_nonnull_storage_pool. */
export const poolRef = xstruct({ name: nstring, uuid });
export type PoolRef = Infer<typeof poolRef>;

/** remote_nonnull_storage_vol. */
export const volRef = xstruct({ pool: nstring, name: nstring, key: nstring });
export type VolRef = Infer<typeof volRef>;

/** remote_nonnull_domain_snapshot. */
export const snapshotRef = xstruct({ name: nstring, dom: domainRef });
export type SnapshotRef = Infer<typeof snapshotRef>;

/** remote_typed_param_value: union on virTypedParameterType. */
export const typedParamValue = xunion({
  1: xint,
  2: xuint,
  3: xhyper,
  4: xuhyper,
  5: xdouble,
  6: xmap(
    xint,
    (v) => v !== 0,
    (b: boolean) => (b ? 1 : 0),
  ),
  7: nstring,
});
/** remote_typed_param. */
export const typedParam = xstruct({ field: nstring, value: typedParamValue });
export type TypedParam = Infer<typeof typedParam>;

/** remote_error: the body of every failed reply. */
export const remoteError = xstruct({
  code: xint,
  domain: xint,
  message: ostring,
  level: xint,
  dom: optDomainRef,
  str1: ostring,
  str2: ostring,
  str3: ostring,
  int1: xint,
  int2: xint,
  net: xoptional(networkRef),
});
export type RemoteError = Infer<typeof remoteError>;

/** remote_node_get_{cpu,memory}_stats entry. */
export const nodeStat = xstruct({ field: nstring, value: xuhyper });

/** remote_domain_stats_record of bulk stats. */
export const domainStatsRecord = xstruct({
  dom: domainRef,
  params: xarray(typedParam, Limits.ALL_DOMAIN_STATS),
});

/** remote_domain_interface of INTERFACE_ADDRESSES. */
export const domainInterface = xstruct({
  name: nstring,
  hwaddr: ostring,
  addrs: xarray(xstruct({ type: xint, addr: nstring, prefix: xuint }), Limits.DOMAIN_IP_ADDR),
});

/** `int` flags that are 0/1 on the wire but booleans to callers. */
export const intBool = xmap(
  xint,
  (v) => v !== 0,
  (b: boolean) => (b ? 1 : 0),
);
