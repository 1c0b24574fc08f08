/** XDR (RFC 4506) encoding and decoding with bounds checked on every read. */
export { XdrError, type XdrErrorCode } from './xdr-error';
export { XdrReader } from './xdr-reader';
export { XdrWriter } from './xdr-writer';
export * from './codec';
