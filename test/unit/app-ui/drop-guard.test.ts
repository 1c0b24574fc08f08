// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  dropVerdict,
  installDropGuard,
  notifyDropNotAccepted,
} from '../../../renderer/app/drop-guard';
import { useNotifications } from '../../../renderer/app/notifications';
import { uploadDropProblem } from '../../../renderer/views/images/upload-drop';

const notices = () => useNotifications.getState().notices;

describe('dropVerdict', () => {
  it('refuses files nobody took and passes everything else', () => {
    const base = { handled: false, onFileInput: false };
    expect(dropVerdict({ ...base, types: ['Files'] })).toBe('refuse');
    expect(dropVerdict({ ...base, types: ['text/uri-list', 'Files'] })).toBe('refuse');
    // Text dragged into a field keeps its browser behaviour.
    expect(dropVerdict({ ...base, types: ['text/plain'] })).toBe('pass');
    expect(dropVerdict({ ...base, types: [] })).toBe('pass');
    // A target took it, or a file input takes files by itself.
    expect(dropVerdict({ types: ['Files'], handled: true, onFileInput: false })).toBe('pass');
    expect(dropVerdict({ types: ['Files'], handled: false, onFileInput: true })).toBe('pass');
  });
});

describe('notifyDropNotAccepted', () => {
  beforeEach(() => useNotifications.getState().clear());

  it('says what cannot be dropped and where files go, as a sticky warning', () => {
    notifyDropNotAccepted('file');
    const [n] = notices();
    expect(n).toMatchObject({ variant: 'warning', sticky: true });
    expect(n!.title).toBe('Files cannot be dropped here');
    expect(n!.detail).toContain('Images');
    expect(n!.detail).toContain('Upload a base image');
  });

  it('takes the reason a drop target knows better', () => {
    notifyDropNotAccepted('vm', 'Migration onto alpha is not available yet.');
    expect(notices()[0]).toMatchObject({
      title: 'Virtual machines cannot be dropped here',
      detail: 'Migration onto alpha is not available yet.',
    });
  });
});

/** A drag event as the browser makes it, carrying `types`. */
function drag(type: 'dragover' | 'drop', types: string[]): DragEvent {
  const e = new Event(type, { bubbles: true, cancelable: true }) as DragEvent;
  Object.defineProperty(e, 'dataTransfer', { value: { types, dropEffect: 'none' } });
  return e;
}

describe('the window drop guard', () => {
  let remove: () => void;
  beforeEach(() => {
    useNotifications.getState().clear();
    remove = installDropGuard(window);
  });
  afterEach(() => {
    remove();
    document.body.innerHTML = '';
  });

  it('accepts a file drag anywhere (so the browser cannot open the file in place of the app) and explains the drop', () => {
    const target = document.createElement('div');
    document.body.append(target);
    const over = drag('dragover', ['Files']);
    target.dispatchEvent(over);
    expect(over.defaultPrevented).toBe(true);
    const drop = drag('drop', ['Files']);
    target.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
    expect(notices().map((n) => n.title)).toEqual(['Files cannot be dropped here']);
  });

  it('stays silent for a drop a target already took', () => {
    const zone = document.createElement('div');
    zone.addEventListener('drop', (e) => e.preventDefault());
    document.body.append(zone);
    zone.dispatchEvent(drag('drop', ['Files']));
    expect(notices()).toHaveLength(0);
  });

  it('leaves text drops and drops on a file input to the browser', () => {
    const text = drag('drop', ['text/plain']);
    document.body.dispatchEvent(text);
    expect(text.defaultPrevented).toBe(false);
    const input = document.createElement('input');
    input.type = 'file';
    document.body.append(input);
    const onInput = drag('drop', ['Files']);
    input.dispatchEvent(onInput);
    expect(onInput.defaultPrevented).toBe(false);
    expect(notices()).toHaveLength(0);
  });

  it('is gone once removed', () => {
    remove();
    const drop = drag('drop', ['Files']);
    document.body.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(false);
    expect(notices()).toHaveLength(0);
    remove = () => {};
  });
});

describe('uploadDropProblem', () => {
  const ok = { files: 1, isDirectory: false, busy: false };
  it('takes exactly one file while no upload runs', () => {
    expect(uploadDropProblem(ok)).toBeUndefined();
  });
  it('says why anything else is not taken', () => {
    expect(uploadDropProblem({ ...ok, files: 0 })).toMatch(/Only an image file/);
    expect(uploadDropProblem({ ...ok, files: 3 })).toMatch(/^3 files were dropped/);
    expect(uploadDropProblem({ ...ok, isDirectory: true })).toMatch(/folder/);
    expect(uploadDropProblem({ ...ok, busy: true })).toMatch(/An upload is running/);
  });
});
