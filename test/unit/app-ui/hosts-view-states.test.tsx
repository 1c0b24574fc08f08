// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { corralAccess } from '../../../api/corral-access';
import { CorralError } from '../../../api/errors';
import { hostsApi, type HostView } from '../../../api/hosts-api';
import { networksApi } from '../../../api/networks-api';
import type { ServiceImpl } from '../../../api/types';
import { useNotifications } from '../../../renderer/app/notifications';
import { HostsView } from '../../../renderer/views/hosts/hosts-view';
import { renderServedView, settle, until, unmountServedView } from '../support/served-view';

/** The entries the Hosts view calls, served over the in-memory transport like the real app. */
const hostsViewApi = { hosts: hostsApi, networks: networksApi } as const;
type Api = typeof hostsViewApi;

const alpha: HostView = {
  id: 'h1',
  name: 'alpha',
  local: false,
  address: '10.213.0.2',
  port: 22,
  user: 'root',
  authKind: 'key',
  keyPath: '/k',
  hasSecret: false,
  status: {
    state: 'unreachable',
    since: '2026-01-01T10:05:00Z',
    error: 'connect ECONNREFUSED 10.213.0.2:22',
  },
};

const notYet = (what: string) => () => {
  throw new CorralError('conflict', `${what} is not used here`);
};

async function mount(opts: {
  role: 'admin' | 'user';
  list: () => HostView[];
  reconnect?: () => HostView;
  add?: () => HostView;
  logOut?: () => Promise<void>;
}) {
  useNotifications.getState().clear();
  const impl: ServiceImpl<Api, object> = {
    hosts: {
      list: opts.list,
      add: opts.add ?? notYet('add'),
      update: notYet('update'),
      remove: notYet('remove'),
      trustKey: notYet('trustKey'),
      replaceKey: notYet('replaceKey'),
      reconnect: opts.reconnect ?? notYet('reconnect'),
      onChanged: () => ({ dispose() {} }),
    },
    networks: {
      policy: () => ({ bridges: [], networks: [], addressRanges: [] }),
      setPolicy: (p) => p,
    },
  };
  const session = {
    user: { id: 'u1', username: 'ann', role: opts.role },
    logOut: opts.logOut ?? (async () => {}),
  };
  await renderServedView({
    contract: hostsViewApi,
    impl,
    access: { hosts: corralAccess.hosts, networks: corralAccess.networks },
    view: <HostsView />,
    session,
  });
}

afterEach(unmountServedView);

const text = () => document.body.textContent ?? '';
const buttons = (name: string) =>
  [...document.querySelectorAll('button')].filter(
    (b) => (b.getAttribute('aria-label') ?? b.textContent?.trim()) === name,
  );
const heading = (name: string) =>
  [...document.querySelectorAll('h1,h2,h3')].filter((h) => h.textContent?.trim() === name);

describe('the Hosts view states', () => {
  it('with no hosts, tells the administrator to add one and offers exactly one Add host', async () => {
    await mount({ role: 'admin', list: () => [] });
    await until(() => expect(heading('No host added yet')).toHaveLength(1));
    expect(text()).toContain('Add a libvirt host reachable over SSH');
    expect(buttons('Add host')).toHaveLength(1);
    await act(async () => buttons('Add host')[0]!.click());
    expect(document.querySelector('form[aria-label="Add host"]')).not.toBeNull();
    // The empty state gives way to the form: still one way to add, the form's own button.
    expect(heading('No host added yet')).toHaveLength(0);
  });

  it('with no hosts, tells a plain user that only the administrator adds hosts, with no button', async () => {
    await mount({ role: 'user', list: () => [] });
    await until(() => expect(heading('No host added yet')).toHaveLength(1));
    expect(text()).toContain('Only the administrator adds, changes and removes hosts.');
    expect(buttons('Add host')).toHaveLength(0);
    expect(document.querySelector('form[aria-label="Network policy"]')).toBeNull();
  });

  it('shows a failed request with its reason and a Try again that loads the list', async () => {
    let fail = true;
    await mount({
      role: 'admin',
      list: () => {
        if (fail) throw new CorralError('unavailable', 'the inventory is starting');
        return [{ ...alpha, status: { state: 'online', since: '2026-01-01T10:00:00Z' } }];
      },
    });
    await until(() => expect(heading('Could not load the hosts')).toHaveLength(1));
    expect(document.querySelector('[role="alert"]')?.textContent).toBe('the inventory is starting');
    fail = false;
    await act(async () => buttons('Try again')[0]!.click());
    await until(() => expect(document.querySelector('[data-testid="host-status"]')).not.toBeNull());
    expect(document.querySelector('[data-testid="host-status"]')!.textContent).toBe('Online');
    expect(heading('Could not load the hosts')).toHaveLength(0);
  });

  it('shows a signed-out session as such, with Sign in again instead of a retry', async () => {
    const logOut = vi.fn(async () => {});
    await mount({
      role: 'admin',
      list: () => {
        throw new CorralError('unauthenticated', 'sign in first');
      },
      logOut,
    });
    await until(() => expect(heading('You are signed out')).toHaveLength(1));
    expect(buttons('Try again')).toHaveLength(0);
    await act(async () => buttons('Sign in again')[0]!.click());
    expect(logOut).toHaveBeenCalledOnce();
  });

  it('shows a host that is down with its error, what to check, and one Reconnect whose failure is reported', async () => {
    await mount({
      role: 'admin',
      list: () => [alpha],
      reconnect: () => {
        throw new CorralError('unavailable', 'the link keeper is busy');
      },
    });
    const article = () => document.querySelector('article[aria-labelledby="host-h1-name"]')!;
    await until(() => expect(article()).not.toBeNull());
    const status = article().querySelector('[data-testid="host-status"]')!;
    expect(status.getAttribute('data-state')).toBe('unreachable');
    expect(status.textContent).toMatch(
      /^Unreachable since (just now|.+ ago|\d{4}-\d\d-\d\d) — connect ECONNREFUSED/,
    );
    expect(article().textContent).toContain('This host is down');
    expect(article().textContent).toContain('SSH port answers');
    const reconnect = [...article().querySelectorAll('button')].filter(
      (b) => b.textContent === 'Reconnect',
    );
    expect(reconnect).toHaveLength(1);
    await act(async () => reconnect[0]!.click());
    await until(() => expect(useNotifications.getState().notices).toHaveLength(1));
    expect(useNotifications.getState().notices[0]).toMatchObject({
      variant: 'danger',
      title: 'Could not reconnect to alpha',
      sticky: true,
    });
    expect(useNotifications.getState().notices[0]!.detail).toContain('the link keeper is busy');
  });

  it('a plain user sees a down host without Reconnect, and who can reconnect it', async () => {
    await mount({ role: 'user', list: () => [alpha] });
    await until(() => expect(text()).toContain('This host is down'));
    expect(buttons('Reconnect')).toHaveLength(0);
    expect(text()).toContain('The administrator can reconnect it.');
  });

  it('the host form shows each problem under its field and sends nothing until fixed', async () => {
    const add = vi.fn(notYet('add'));
    await mount({ role: 'admin', list: () => [], add });
    await until(() => expect(buttons('Add host')).toHaveLength(1));
    await act(async () => buttons('Add host')[0]!.click());
    const form = document.querySelector('form[aria-label="Add host"]') as HTMLFormElement;
    // Empty name and address: the schema refuses both.
    await act(async () => {
      form.requestSubmit();
      await settle();
    });
    const invalid = [...form.querySelectorAll('input[aria-invalid="true"]')].map((i) => {
      const label = form.querySelector(`label[for="${i.id}"]`)?.textContent ?? '';
      return label.replace(/\s*\*\s*$/, '').trim();
    });
    expect(invalid).toEqual(expect.arrayContaining(['Name', 'Address']));
    for (const i of form.querySelectorAll('input[aria-invalid="true"]')) {
      const help = document.getElementById(i.getAttribute('aria-describedby') ?? '');
      expect(help?.textContent?.length).toBeGreaterThan(0);
    }
    expect(form.querySelector('[role="alert"]')?.textContent).toMatch(/fields? needs? a fix/);
    expect(add).not.toHaveBeenCalled();
  });
  it('opens a dialog named by its title that leaves the host status under it readable', async () => {
    await mount({ role: 'admin', list: () => [alpha] });
    const article = () => document.querySelector('article[aria-labelledby="host-h1-name"]')!;
    await until(() => expect(article()).not.toBeNull());
    const remove = [...article().querySelectorAll('button')].find(
      (b) => b.textContent === 'Remove',
    )!;
    await act(async () => remove.click());
    const dialog = document.querySelector('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const name = document.getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent;
    expect(name).toBe('Remove alpha?');
    // Nothing between the page and the host's card is hidden from the accessibility tree.
    for (let el: Element | null = article(); el; el = el.parentElement)
      expect(el.getAttribute('aria-hidden')).toBeNull();
    const cancel = [...dialog.querySelectorAll('button')].find((b) => b.textContent === 'Cancel')!;
    await act(async () => cancel.click());
    expect(document.querySelector('[role="dialog"]')).toBeNull();
  });
});
