import { expect, type Page } from '@playwright/test';

/** The administrator every spec signs up first (the first account administers). */
export const ADMIN = { username: 'admin', password: 'admin-password-e2e' } as const;

const signInForm = (page: Page, title: string) => page.getByRole('form', { name: title });
const sections = (page: Page) => page.getByRole('navigation', { name: 'Sections' });

/** Fills the sign-in form titled `title` and submits it with `button`. */
async function submit(page: Page, title: string, button: string, user: string, password: string) {
  const form = signInForm(page, title);
  await expect(form).toBeVisible();
  await form.getByLabel('User name').fill(user);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: button, exact: true }).click();
}

/** Waits until the frame shows `username` signed in. */
export async function expectSignedIn(page: Page, username: string): Promise<void> {
  await expect(sections(page)).toBeVisible();
  await expect(page.getByTestId('signed-in-user')).toHaveText(username);
}

/** On a server with no accounts yet: creates the administrator and lands in the frame. */
export async function signUpAdmin(page: Page, admin = ADMIN): Promise<void> {
  await submit(page, 'Create the administrator account', 'Sign up', admin.username, admin.password);
  await expectSignedIn(page, admin.username);
}

/** From the "Log in" screen: switches to sign-up and creates a plain account. */
export async function signUp(page: Page, username: string, password: string): Promise<void> {
  await signInForm(page, 'Log in').getByRole('button', { name: 'Create an account' }).click();
  await submit(page, 'Sign up', 'Sign up', username, password);
  await expectSignedIn(page, username);
}

/** From the "Log in" screen: logs in and lands in the frame. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await submit(page, 'Log in', 'Log in', username, password);
  await expectSignedIn(page, username);
}

/**
 * Opens the server with its token and signs in as the administrator, creating the account when
 * this server has none yet (specs that share one server across tests).
 */
export async function enterAsAdmin(page: Page, server: { url: string; token: string }) {
  await page.goto(`${server.url}#token=${server.token}`);
  const first = signInForm(page, 'Create the administrator account');
  const logIn = signInForm(page, 'Log in');
  await expect(first.or(logIn)).toBeVisible();
  if (await first.isVisible()) await signUpAdmin(page);
  else await signIn(page, ADMIN.username, ADMIN.password);
}

/** Logs out from the sidebar and waits for the sign-in screen. */
export async function logOut(page: Page): Promise<void> {
  await page
    .getByRole('region', { name: 'Signed in' })
    .getByRole('button', { name: 'Log out' })
    .click();
  await expect(signInForm(page, 'Log in')).toBeVisible();
}
