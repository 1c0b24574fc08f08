import { z } from 'zod';

/** A rectangle in screen coordinates (Electron's `Rectangle`, without importing electron). */
export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the window remembers between runs (`window-state.json` in userData). */
export interface WindowState {
  /** The normal (restored) bounds, also when the window was maximized. */
  bounds: Bounds;
  maximized: boolean;
}

/** The smallest window the layout is designed for; also the floor for remembered sizes. */
export const MIN_WINDOW_SIZE = { width: 800, height: 560 } as const;

// Generous limits: the file is ours, but a corrupt or hand-edited one must not yield a window
// of 2^53 pixels or at NaN.
const coordinate = z.number().int().min(-100_000).max(100_000);
const size = (min: number) => z.number().int().min(min).max(100_000);

const WindowStateSchema = z.object({
  bounds: z.object({
    x: coordinate,
    y: coordinate,
    width: size(MIN_WINDOW_SIZE.width),
    height: size(MIN_WINDOW_SIZE.height),
  }),
  maximized: z.boolean(),
});

/** Validates what was read from disk; anything malformed is `undefined` (use the defaults). */
export function parseWindowState(raw: unknown): WindowState | undefined {
  const parsed = WindowStateSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** How much of the window must lie on one display for it to be reachable (a grabbable title bar). */
const VISIBLE_MIN = { width: 120, height: 40 } as const;

/** Whether enough of `bounds` lies within one display's work area to be seen and dragged. */
export function isVisibleOnSomeDisplay(bounds: Bounds, workAreas: readonly Bounds[]): boolean {
  return workAreas.some((area) => {
    const overlapW =
      Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x);
    const overlapH =
      Math.min(bounds.y + bounds.height, area.y + area.height) - Math.max(bounds.y, area.y);
    return (
      overlapW >= Math.min(VISIBLE_MIN.width, bounds.width) &&
      overlapH >= Math.min(VISIBLE_MIN.height, bounds.height)
    );
  });
}

/**
 * The state to restore, or `undefined` for the defaults: the saved state must be valid and lie on
 * a display that is still attached (a laptop undocked from its second monitor opens centred).
 */
export function restorableWindowState(
  raw: unknown,
  workAreas: readonly Bounds[],
): WindowState | undefined {
  const state = parseWindowState(raw);
  if (!state || !isVisibleOnSomeDisplay(state.bounds, workAreas)) return undefined;
  return state;
}
