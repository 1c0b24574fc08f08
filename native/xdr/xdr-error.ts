/** Why an XDR decode or encode failed. */
export type XdrErrorCode =
  /** The input ended before the value did (a truncated frame). */
  | 'SHORT_READ'
  /** A length word exceeds the protocol's limit; rejected before allocating anything. */
  | 'LIMIT'
  /** A value that the type does not allow (bad bool, unknown union arm, bad padding, out of range). */
  | 'INVALID';

/** A typed XDR failure: never a RangeError from Buffer, never an unbounded allocation. */
export class XdrError extends Error {
  override readonly name = 'XdrError';
  constructor(
    readonly code: XdrErrorCode,
    message: string,
  ) {
    super(message);
  }
}
