import { expect, test, type Page } from '@playwright/test';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { openContractSocket, renewedCookie, sessionCookie } from './support/contract-socket';
import { ADMIN, logOut, signIn, signUp, signUpAdmin } from './support/sign-in';

/** Accounts in server mode, through the browser and through the contract itself. */

const ALICE = { username: 'alice', password: 'alice-password-e2e' };
const WRONG = 'Unknown user name or wrong password.';

let server: ServerProcess;
test.beforeAll(async () => {
  server = await startServerProcess();
});
test.afterAll(async () => server?.stop());

const openWithToken = (page: Page) => page.goto(`${server.url}#token=${server.token}`);
const hostsButton = (page: Page) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Hosts' });

test.describe.configure({ mode: 'serial' });

test('the first account becomes the administrator and manages hosts', async ({ page }) => {
  await openWithToken(page);
  await expect(
    page.getByRole('heading', { name: 'Create the administrator account' }),
  ).toBeVisible();
  await signUpAdmin(page);
  await expect(page.getByTestId('signed-in-role')).toHaveText('Administrator');
  await hostsButton(page).click();
  await expect(page.getByRole('button', { name: 'Add host' })).toBeVisible();
});

test('a second user signs up as a plain user without host controls', async ({ page }) => {
  await openWithToken(page);
  // An account exists now: the screen offers log-in, with sign-up one click away.
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await signUp(page, ALICE.username, ALICE.password);
  await expect(page.getByTestId('signed-in-role')).toHaveText('User');
  await hostsButton(page).click();
  await expect(
    page.getByText('Only the administrator adds, changes and removes hosts.'),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add host' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Reconnect' })).toHaveCount(0);
});

test('a taken user name is refused with a clear message', async ({ page }) => {
  await openWithToken(page);
  await page.getByRole('button', { name: 'Create an account' }).click();
  const form = page.getByRole('form', { name: 'Sign up' });
  await form.getByLabel('User name').fill(ALICE.username);
  await form.getByLabel('Password').fill('another-password');
  await form.getByRole('button', { name: 'Sign up', exact: true }).click();
  await expect(form.getByRole('alert')).toHaveText(`the user name ${ALICE.username} is taken`);
});

test('a wrong password and an unknown user get the same answer', async ({ page }) => {
  await openWithToken(page);
  const form = page.getByRole('form', { name: 'Log in' });
  const attempt = async (username: string, password: string) => {
    await form.getByLabel('User name').fill(username);
    await form.getByLabel('Password').fill(password);
    await form.getByRole('button', { name: 'Log in', exact: true }).click();
    const alert = form.getByRole('alert');
    await expect(alert).toBeVisible();
    const text = await alert.textContent();
    // Clear it for the next attempt (the alert goes while a new attempt runs).
    await form.getByLabel('Password').fill('');
    return text;
  };
  const wrongPassword = await attempt(ADMIN.username, 'not-the-password');
  const unknownUser = await attempt('nobody-here', 'not-the-password');
  expect(wrongPassword).toBe(WRONG);
  expect(unknownUser).toBe(wrongPassword);
  // The same through the contract: same code, same words.
  const { connection } = await openContractSocket(server.url, await sessionCookie(server));
  const errors = await Promise.all([
    connection.api.accounts
      .logIn({ username: ADMIN.username, password: 'nope-nope-nope' })
      .catch((e: unknown) => e),
    connection.api.accounts
      .logIn({ username: 'nobody-else', password: 'nope-nope-nope' })
      .catch((e: unknown) => e),
  ]);
  for (const err of errors) expect(err).toMatchObject({ code: 'unauthenticated', message: WRONG });
  connection.dispose();
});

test('logging out returns to the sign-in screen and closes the session socket', async ({
  page,
}) => {
  const sockets: { url: string; closed: boolean }[] = [];
  page.on('websocket', (ws) => {
    const entry = { url: ws.url(), closed: false };
    sockets.push(entry);
    ws.on('close', () => (entry.closed = true));
  });
  await openWithToken(page);
  await signIn(page, ALICE.username, ALICE.password);
  expect(sockets).toHaveLength(1);
  await logOut(page);
  await expect.poll(() => sockets[0]!.closed).toBe(true);
  // The page came back on a fresh socket, signed out.
  await expect(page.getByRole('navigation', { name: 'Sections' })).toHaveCount(0);
  expect(sockets.filter((s) => !s.closed)).toHaveLength(1);
});

test('after a logout through the contract, the socket closes and the same cookie is signed out', async () => {
  const first = await openContractSocket(server.url, await sessionCookie(server));
  const me = await first.connection.api.accounts.logIn(ALICE);
  expect(me).toMatchObject({ username: ALICE.username, role: 'user' });
  await expect(first.connection.api.inventory.snapshot({})).resolves.toBeDefined();
  // Signing in renewed the session: its cookie comes from the ticket the socket was handed.
  const cookie = await renewedCookie(server.url, first.tickets[0]!);
  // A second socket of the same session is closed too.
  const sibling = await openContractSocket(server.url, cookie);

  await expect(first.connection.api.accounts.logOut({})).resolves.toEqual({});
  await expect(first.closed).resolves.toBeTruthy();
  await expect(sibling.closed).resolves.toBeTruthy();

  const again = await openContractSocket(server.url, cookie);
  await expect(again.connection.api.accounts.me({})).resolves.toEqual({
    user: null,
    hasAccounts: true,
  });
  for (const call of [
    () => again.connection.api.inventory.snapshot({}),
    () => again.connection.api.hosts.list({}),
    () => again.connection.api.console.sessions({}),
    () =>
      again.connection.api.vm.act({
        hostId: 'local',
        uuid: '00000000-0000-4000-8000-000000000000',
        action: 'start',
      }),
  ]) {
    await expect(call()).rejects.toMatchObject({ code: 'unauthenticated' });
  }
  again.connection.dispose();
});

test('signing in in the browser replaces its session cookie; the old one opens nothing', async ({
  page,
  context,
}) => {
  await openWithToken(page);
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  const cookieNow = async () =>
    (await context.cookies(server.url)).find((c) => c.name === 'corral_session')?.value;
  const before = await cookieNow();
  expect(before).toBeTruthy();
  await signIn(page, ALICE.username, ALICE.password);
  // The page exchanged its ticket for the new cookie by itself.
  await expect.poll(cookieNow).not.toBe(before);
  await expect(openContractSocket(server.url, `corral_session=${before}`)).rejects.toThrow(
    'HTTP 401',
  );
  // A reload rides on the new cookie: still signed in, no token asked for.
  await page.reload();
  await expect(page.getByTestId('signed-in-user')).toHaveText(ALICE.username);
});

test('a plain user is refused every host change through the contract', async () => {
  const { connection } = await openContractSocket(server.url, await sessionCookie(server));
  await connection.api.accounts.logIn(ALICE);
  const host = {
    name: 'sneaky',
    address: '127.0.0.1',
    user: 'root',
    auth: { kind: 'agent' as const },
  };
  for (const call of [
    () => connection.api.hosts.add(host),
    () => connection.api.hosts.update({ id: 'local', host }),
    () => connection.api.hosts.remove({ id: 'local' }),
    () => connection.api.hosts.reconnect({ id: 'local' }),
  ]) {
    await expect(call()).rejects.toMatchObject({ code: 'forbidden' });
  }
  await expect(connection.api.hosts.list({})).resolves.toBeInstanceOf(Array);
  connection.dispose();
});

test('an idle session expires: its user is logged out and its socket closed', async () => {
  const idle = await startServerProcess({ CORRAL_SESSION_IDLE_SECONDS: '2' });
  try {
    const cookie = await sessionCookie(idle);
    const socket = await openContractSocket(idle.url, cookie);
    await socket.connection.api.accounts.signUp(ADMIN);
    // Nothing more is sent: the sweeper ends the session, and the socket with it.
    await expect(socket.closed).resolves.toBeTruthy();
    await expect(openContractSocket(idle.url, cookie)).rejects.toThrow('HTTP 401');
  } finally {
    await idle.stop();
  }
});
