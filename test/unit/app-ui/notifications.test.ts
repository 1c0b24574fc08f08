import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_NOTICES, notify, useNotifications } from '../../../renderer/app/notifications';

const notices = () => useNotifications.getState().notices;

beforeEach(() => useNotifications.getState().clear());

describe('the notification store', () => {
  it('keeps completions as auto-dismissing and errors and warnings as sticky', () => {
    notify({ variant: 'success', title: 'Host alpha added' });
    notify({ variant: 'info', title: 'Chose a file' });
    notify({ variant: 'danger', title: 'Upload failed', detail: 'disk full. Free space.' });
    notify({ variant: 'warning', title: 'Files cannot be dropped here' });
    expect(notices().map((n) => [n.title, n.sticky])).toEqual([
      ['Host alpha added', false],
      ['Chose a file', false],
      ['Upload failed', true],
      ['Files cannot be dropped here', true],
    ]);
    expect(notices()[2]!.detail).toBe('disk full. Free space.');
  });

  it('does not stack a notice equal to one still shown, but shows it again once closed', () => {
    const a = notify({ variant: 'warning', title: 'Files cannot be dropped here', detail: 'x' });
    const b = notify({ variant: 'warning', title: 'Files cannot be dropped here', detail: 'x' });
    expect(b).toBe(a);
    expect(notices()).toHaveLength(1);
    // A different detail is different news.
    notify({ variant: 'warning', title: 'Files cannot be dropped here', detail: 'y' });
    expect(notices()).toHaveLength(2);
    useNotifications.getState().dismiss(a);
    const c = notify({ variant: 'warning', title: 'Files cannot be dropped here', detail: 'x' });
    expect(c).not.toBe(a);
    expect(notices().map((n) => n.detail)).toEqual(['y', 'x']);
  });

  it('dismisses exactly the notice asked for', () => {
    const ids = ['one', 'two', 'three'].map((t) => notify({ variant: 'danger', title: t }));
    useNotifications.getState().dismiss(ids[1]!);
    expect(notices().map((n) => n.title)).toEqual(['one', 'three']);
    useNotifications.getState().dismiss(9999);
    expect(notices()).toHaveLength(2);
  });

  it(`keeps at most ${MAX_NOTICES} notices, dropping the oldest`, () => {
    for (let i = 0; i < MAX_NOTICES + 3; i++) notify({ variant: 'success', title: `done ${i}` });
    expect(notices().map((n) => n.title)).toEqual(
      Array.from({ length: MAX_NOTICES }, (_, i) => `done ${i + 3}`),
    );
    expect(new Set(notices().map((n) => n.id)).size).toBe(MAX_NOTICES);
  });
});
