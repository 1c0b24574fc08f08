/**
 * virErrorNumber values (libvirt's include/libvirt/virterror.h) that callers tell apart: the
 * `code` of a {@link LibvirtError}. Named once here so no caller compares bare numbers.
 */
export const ErrorNumber = {
  INVALID_ARG: 8,
  NO_DOMAIN: 42,
  NO_STORAGE_POOL: 49,
  NO_STORAGE_VOL: 50,
  OPERATION_INVALID: 55,
  OPERATION_TIMEOUT: 68,
  NO_DOMAIN_SNAPSHOT: 72,
  ARGUMENT_UNSUPPORTED: 74,
  AGENT_UNRESPONSIVE: 86,
  STORAGE_VOL_EXIST: 90,
} as const;
