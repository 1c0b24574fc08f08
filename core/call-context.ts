/** Who a service call comes from. Accounts (a later issue) add the user here. */
export interface CallContext {
  /** The shell session (a window, or a browser's cookie session). */
  sessionId: string;
}
