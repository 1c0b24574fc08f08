/** Who a service call comes from. */
export interface CallContext {
  /**
   * The shell session (a window, or a browser's cookie session). Sign-in and sign-up replace it
   * with a fresh id (the old one is dead afterwards): read it at each use, never keep a copy.
   */
  sessionId: string;
  /** Where the caller connects from (the server: the socket's remote address); absent on the desktop. */
  readonly source?: string;
}
