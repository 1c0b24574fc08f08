import { z } from 'zod';

/** Error codes that cross the contract. Services pick the most precise one. */
export const ErrorCode = z.enum([
  'bad-request',
  'not-found',
  'unauthenticated',
  'forbidden',
  'conflict',
  'unavailable',
  'timeout',
  'cancelled',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** How an error travels: as data, never as a thrown string. */
export const ErrorData = z.object({
  code: ErrorCode,
  message: z.string(),
  detail: z.unknown().optional(),
});
export type ErrorData = z.infer<typeof ErrorData>;

/** The one error type on both sides of the contract. */
export class CorralError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = 'CorralError';
  }

  toData(): ErrorData {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }

  static fromData(data: ErrorData): CorralError {
    return new CorralError(data.code, data.message, data.detail);
  }
}

/** Any thrown value as error data; unknown failures become `internal` without leaking stacks. */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof CorralError) return err.toData();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message };
}
