/** Wire constants of libvirt's RPC (src/rpc/virnetprotocol.x, src/remote/remote_protocol.x). */

/** The REMOTE program and its version. */
export const REMOTE_PROGRAM = 0x20008086;
export const REMOTE_PROTOCOL_VERSION = 1;
/** The KEEPALIVE program ("keep"). */
export const KEEPALIVE_PROGRAM = 0x6b656570;
export const KEEPALIVE_PROTOCOL_VERSION = 1;
export const KEEPALIVE_PROC_PING = 1;
export const KEEPALIVE_PROC_PONG = 2;

/** Message types (virNetMessageType). */
export const MessageType = {
  CALL: 0,
  REPLY: 1,
  MESSAGE: 2,
  STREAM: 3,
  CALL_WITH_FDS: 4,
  REPLY_WITH_FDS: 5,
  STREAM_HOLE: 6,
} as const;

/** Message status (virNetMessageStatus). */
export const MessageStatus = { OK: 0, ERROR: 1, CONTINUE: 2 } as const;

/** Size of the length word plus the 6-word header. */
export const HEADER_SIZE = 28;
/**
 * Largest whole message, counting the length word: libvirt's VIR_NET_MESSAGE_MAX (32 MiB, header
 * and payload) plus the 4-byte length word, which libvirt does not count in it. A daemon may
 * send a reply that big (bulk stats of many domains); a smaller cap would drop a healthy
 * connection.
 */
export const MESSAGE_MAX = 32 * 1024 * 1024 + 4;
/** Largest string in the remote protocol (REMOTE_STRING_MAX and VIR_NET_MESSAGE_STRING_MAX). */
export const STRING_MAX = 4 * 1024 * 1024;

/** Array limits of remote_protocol.x (the newest values: a limit only ever grew there). */
export const Limits = {
  DOMAIN_LIST: 16384,
  STORAGE_POOL_LIST: 16384,
  STORAGE_VOL_LIST: 16384,
  DOMAIN_SNAPSHOT_LIST: 16384,
  AUTH_TYPE_LIST: 20,
  NODE_CPU_STATS: 16,
  NODE_MEMORY_STATS: 16,
  MIGRATE_PARAM_LIST: 64,
  MIGRATE_COOKIE: 4 * 1024 * 1024,
  JOB_STATS: 64,
  /** 4096 in libvirt 9.0; newer daemons allow 262144 params per bulk-stats record. */
  ALL_DOMAIN_STATS: 262144,
  DOMAIN_INTERFACE: 2048,
  DOMAIN_IP_ADDR: 2048,
  NETWORK_LIST: 16384,
  INTERFACE_LIST: 16384,
} as const;

/** libvirt's auth types (remote_auth_type). */
export const AuthType = { NONE: 0, SASL: 1, POLKIT: 2 } as const;

/** VIR_DRV_FEATURE_PROGRAM_KEEPALIVE: asks the daemon to ping us and to expect pings. */
export const FEATURE_PROGRAM_KEEPALIVE = 10;

/** Event ids of REGISTER_ANY (virDomainEventID). */
export const DomainEventId = {
  LIFECYCLE: 0,
  REBOOT: 1,
  MIGRATION_ITERATION: 20,
  JOB_COMPLETED: 21,
} as const;

/** Lifecycle event kinds (virDomainEventType). */
export const DomainLifecycle = {
  DEFINED: 0,
  UNDEFINED: 1,
  STARTED: 2,
  SUSPENDED: 3,
  RESUMED: 4,
  STOPPED: 5,
  SHUTDOWN: 6,
  PMSUSPENDED: 7,
  CRASHED: 8,
} as const;

/** Typed parameter kinds (virTypedParameterType). */
export const TypedParamType = {
  INT: 1,
  UINT: 2,
  LLONG: 3,
  ULLONG: 4,
  DOUBLE: 5,
  BOOLEAN: 6,
  STRING: 7,
} as const;
