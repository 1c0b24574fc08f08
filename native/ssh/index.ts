/** ssh2 helpers: a pinned-host-key connection, exec channels, shell quoting. */
export {
  connectSsh,
  hostKeyFingerprint,
  hostKeyType,
  SshConnectError,
  type PresentedHostKey,
  type SshConnectOptions,
} from './ssh-connect';
export { execChannel, channelStderr } from './exec-channel';
export {
  execCommand,
  ExecTimeoutError,
  type ExecCommandOptions,
  type ExecResult,
} from './exec-command';
export { shellQuote } from './shell-quote';
