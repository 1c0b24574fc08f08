// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../../api/accounts-api';
import { SignIn } from '../../../renderer/boot/sign-in';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let host: HTMLDivElement;
let root: Root;
beforeEach(() => {
  host = document.createElement('div');
  document.body.appendChild(host);
  root = createRoot(host);
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

/** Types into a controlled input the way React hears it. */
function type(input: HTMLInputElement, value: string) {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  act(() => {
    setter.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

const field = (id: string) => host.querySelector<HTMLInputElement>(`#${id}`)!;
const form = () => host.querySelector('form')!;
async function submit() {
  await act(async () => {
    form().dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
}

function render(calls: string[], answer: (u: string) => Promise<User>) {
  act(() =>
    root.render(
      <SignIn
        hasAccounts={false}
        logIn={(u) => (calls.push(`log-in ${u}`), answer(u))}
        signUp={(u) => (calls.push(`sign-up ${u}`), answer(u))}
        onSignedIn={(user) => calls.push(`signed-in ${user.username}`)}
      />,
    ),
  );
}

describe('sign-in screen', () => {
  it('names the form after its title and shows each problem under its field without sending', async () => {
    const calls: string[] = [];
    render(calls, (u) => Promise.resolve({ id: '1', username: u, role: 'admin' }));
    expect(form().getAttribute('aria-label')).toBe('Create the administrator account');

    type(field('sign-in-username'), '-x');
    type(field('sign-in-password'), 'short');
    await submit();
    expect(calls).toEqual([]);
    expect(field('sign-in-username').getAttribute('aria-invalid')).toBe('true');
    expect(field('sign-in-password').getAttribute('aria-invalid')).toBe('true');
    expect(host.querySelector('#sign-in-username-problem')?.textContent).toMatch(/^User name: /);
    expect(host.querySelector('#sign-in-password-problem')?.textContent).toContain(
      'at least 8 characters',
    );

    // Fixed input goes through, and the problems are gone.
    type(field('sign-in-username'), 'admin');
    type(field('sign-in-password'), 'long-enough-password');
    await submit();
    expect(calls).toEqual(['sign-up admin', 'signed-in admin']);
    expect(host.querySelector('#sign-in-username-problem')).toBeNull();
  });

  it('shows what core answered as an alert that reads exactly its words', async () => {
    const calls: string[] = [];
    render(calls, () => Promise.reject(new Error('the user name admin is taken')));
    type(field('sign-in-username'), 'admin');
    type(field('sign-in-password'), 'long-enough-password');
    await submit();
    const alert = host.querySelector('[role="alert"]');
    expect(alert?.textContent).toBe('the user name admin is taken');
    expect(calls).toEqual(['sign-up admin']);
  });
});
