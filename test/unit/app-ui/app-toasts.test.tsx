// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppToasts } from '../../../renderer/app/app-toasts';
import { AUTO_DISMISS_MS, notify, useNotifications } from '../../../renderer/app/notifications';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root;
let host: HTMLElement;

beforeEach(() => {
  useNotifications.getState().clear();
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  act(() => root.render(<AppToasts />));
});

afterEach(() => {
  act(() => root.unmount());
  vi.useRealTimers();
  document.body.innerHTML = '';
});

const toasts = () => [...document.querySelectorAll('[data-testid="toast"]')];
const closeButton = (title: string) =>
  [...document.querySelectorAll('button')].find((b) =>
    b.getAttribute('aria-label')?.endsWith(`: ${title}`),
  );

describe('the toast group', () => {
  it('is one polite live region named Notifications', () => {
    const group = document.querySelector('ul[aria-label="Notifications"]');
    expect(group).not.toBeNull();
    expect(group!.getAttribute('aria-live')).toBe('polite');
  });

  it('shows a notice with its title and detail and a named close button that removes it', () => {
    act(() => {
      notify({
        variant: 'danger',
        title: 'Could not reconnect to alpha',
        detail: 'connect ECONNREFUSED. Check the host, then try again.',
      });
    });
    expect(toasts()).toHaveLength(1);
    expect(toasts()[0]!.textContent).toContain('Could not reconnect to alpha');
    expect(toasts()[0]!.textContent).toContain('Check the host, then try again.');
    const close = closeButton('Could not reconnect to alpha');
    expect(close?.getAttribute('aria-label')).toBe(
      'Close notification: Could not reconnect to alpha',
    );
    act(() => close!.click());
    expect(toasts()).toHaveLength(0);
    expect(useNotifications.getState().notices).toHaveLength(0);
  });

  it('lets a completion go by itself and keeps an error until it is closed', () => {
    vi.useFakeTimers();
    act(() => {
      notify({ variant: 'success', title: 'Uploaded lab.img to alpha' });
      notify({ variant: 'danger', title: 'Upload of big.img failed' });
    });
    expect(toasts()).toHaveLength(2);
    act(() => vi.advanceTimersByTime(AUTO_DISMISS_MS + 1000));
    expect(useNotifications.getState().notices.map((n) => n.title)).toEqual([
      'Upload of big.img failed',
    ]);
    expect(toasts()).toHaveLength(1);
    act(() => vi.advanceTimersByTime(10 * AUTO_DISMISS_MS));
    expect(toasts()).toHaveLength(1);
  });
});
