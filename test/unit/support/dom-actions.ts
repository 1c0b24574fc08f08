import { act } from 'react';
import { settle } from './served-view';

/** The one button named `name` (its aria-label, else its text); none or several fail the test. */
export function button(name: string, scope: ParentNode = document.body): HTMLButtonElement {
  const found = [...scope.querySelectorAll('button')].filter(
    (b) => (b.getAttribute('aria-label') ?? b.textContent?.trim()) === name,
  );
  if (found.length !== 1) throw new Error(`${found.length} buttons named ${name}`);
  return found[0]!;
}

/** The input a label with exactly this text names. */
export function field(label: string): HTMLInputElement {
  const l = [...document.body.querySelectorAll('label')].find(
    (x) => x.textContent?.trim() === label,
  );
  if (!l) throw new Error(`no field labelled ${label}`);
  return (
    l.htmlFor ? document.getElementById(l.htmlFor) : l.querySelector('input')
  ) as HTMLInputElement;
}

/** Types `value` as a person would: React sees an input event, not a bare property change. */
export async function type(el: HTMLInputElement, value: string) {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, value);
  await act(async () => {
    el.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
  });
}

export async function click(el: HTMLElement) {
  await act(async () => {
    el.click();
    await settle();
  });
}

export const text = () => document.body.textContent ?? '';

/** Opens the kebab menu the button `kebab` names and picks `item`. */
export async function pickMenuItem(kebab: string, item: string) {
  await click(button(kebab));
  const found = [...document.body.querySelectorAll('[role="menuitem"]')].find(
    (m) => m.textContent?.trim() === item,
  ) as HTMLElement | undefined;
  if (!found) throw new Error(`no menu item ${item}`);
  await click(found);
}
