import { z } from 'zod';
import { method, stream } from './contract';
import { HostId } from './hosts-api';
import { VmRef } from './inventory-api';

/** A console session kept on the Node side: one per VM, shared by every attached pane. */
export const ConsoleSessionInfo = VmRef.extend({
  /** The domain's name when the session was opened. */
  name: z.string(),
  /** Panes (tabs, windows, browsers) attached right now; 0 while only the replay is kept. */
  panes: z.number().int().nonnegative(),
});
export type ConsoleSessionInfo = z.infer<typeof ConsoleSessionInfo>;

export const consoleApi = {
  /**
   * A VM's serial console as a byte stream both ways. The first bytes replay the screen and
   * scrollback kept on the Node side, so a reopened pane or a reconnecting browser gets it back.
   * The stream ends with an error saying why the console closed ("console closed: domain shut
   * off", "console closed: host unreachable").
   */
  open: stream(VmRef),
  /** Console sessions open on the Node side (attached or only keeping their replay). */
  sessions: method(z.object({ hostId: HostId.optional() }).strict(), z.array(ConsoleSessionInfo)),
} as const;
