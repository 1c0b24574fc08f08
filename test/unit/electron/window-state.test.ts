import { describe, expect, it } from 'vitest';
import {
  isVisibleOnSomeDisplay,
  parseWindowState,
  restorableWindowState,
} from '../../../electron/window-state';

const display = { x: 0, y: 0, width: 1920, height: 1040 };
const second = { x: 1920, y: 0, width: 2560, height: 1400 };
const saved = { bounds: { x: 100, y: 80, width: 1280, height: 800 }, maximized: false };

describe('window state', () => {
  it('accepts a well-formed state', () => {
    expect(parseWindowState(saved)).toEqual(saved);
    expect(parseWindowState({ ...saved, maximized: true })?.maximized).toBe(true);
  });

  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['missing maximized', { bounds: saved.bounds }],
    ['NaN', { ...saved, bounds: { ...saved.bounds, x: Number.NaN } }],
    ['fractions', { ...saved, bounds: { ...saved.bounds, width: 1000.5 } }],
    ['strings', { ...saved, bounds: { ...saved.bounds, width: '1000' } }],
    ['too small', { ...saved, bounds: { ...saved.bounds, width: 10, height: 10 } }],
    ['absurdly large', { ...saved, bounds: { ...saved.bounds, width: 2 ** 40 } }],
    ['far away', { ...saved, bounds: { ...saved.bounds, x: -1e9 } }],
  ])('rejects %s', (_name, raw) => {
    expect(parseWindowState(raw)).toBeUndefined();
  });

  it('restores only onto a display that is still attached', () => {
    const onSecond = { ...saved, bounds: { ...saved.bounds, x: 2200, y: 100 } };
    expect(restorableWindowState(onSecond, [display, second])).toEqual(onSecond);
    // The second monitor was unplugged.
    expect(restorableWindowState(onSecond, [display])).toBeUndefined();
    expect(restorableWindowState(saved, [])).toBeUndefined();
  });

  it('needs a grabbable part of the window on screen, not a sliver', () => {
    expect(isVisibleOnSomeDisplay({ x: 1900, y: 0, width: 800, height: 600 }, [display])).toBe(
      false,
    );
    expect(isVisibleOnSomeDisplay({ x: 1700, y: 0, width: 800, height: 600 }, [display])).toBe(
      true,
    );
    expect(isVisibleOnSomeDisplay({ x: 100, y: 1020, width: 800, height: 600 }, [display])).toBe(
      false,
    );
  });
});
