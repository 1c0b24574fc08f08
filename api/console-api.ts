import { z } from 'zod';
import { stream } from './contract';
import { VmRef } from './inventory-api';

export const consoleApi = {
  /**
   * A VM's serial console as a byte stream both ways. The first bytes replay the screen kept on
   * the Node side, so a reopened pane or a reconnecting browser gets it back.
   */
  open: stream(VmRef),
} as const;
