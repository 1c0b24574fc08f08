// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { corralAccess } from '../../../api/corral-access';
import { CorralError } from '../../../api/errors';
import { hostsApi, type HostView } from '../../../api/hosts-api';
import { imagesApi, type BaseImage } from '../../../api/images-api';
import type { ServiceImpl } from '../../../api/types';
import { useNotifications } from '../../../renderer/app/notifications';
import { ImagesView } from '../../../renderer/views/images/images-view';
import { renderServedView, until, unmountServedView } from '../support/served-view';

/** The entries the Images view calls. */
const imagesViewApi = {
  images: imagesApi,
  hosts: { list: hostsApi.list, onChanged: hostsApi.onChanged },
} as const;
type Api = typeof imagesViewApi;

const host = (id: string, name: string, online: boolean): HostView => ({
  id,
  name,
  local: false,
  address: `10.213.0.${id.length}`,
  port: 22,
  user: 'root',
  authKind: 'key',
  keyPath: '/k',
  hasSecret: false,
  status: online
    ? { state: 'online', since: '2026-01-01T10:00:00Z' }
    : { state: 'unreachable', since: '2026-01-01T10:00:00Z', error: 'no route' },
});

const image = (hostId: string, name: string, marked: boolean): BaseImage => ({
  hostId,
  pool: 'default',
  name,
  path: `/var/lib/libvirt/images/${name}`,
  format: 'qcow2',
  capacityBytes: 8 * 1024 * 1024,
  allocationBytes: 1024,
  boot: { kind: 'disk' },
  marked,
});

const refuse = (what: string) => () => {
  throw new CorralError('forbidden', `${what} is refused here`);
};

async function mount(opts: {
  role: 'admin' | 'user';
  hosts: HostView[];
  images: () => BaseImage[];
  mark?: () => object;
}) {
  useNotifications.getState().clear();
  const impl = {
    images: {
      list: opts.images,
      pools: () => opts.hosts.map((h) => ({ hostId: h.id, name: 'default' })),
      upload: refuse('upload'),
      remove: refuse('remove'),
      mark: opts.mark ?? refuse('mark'),
      unmark: refuse('unmark'),
    },
    hosts: { list: () => opts.hosts, onChanged: () => ({ dispose() {} }) },
  } as unknown as ServiceImpl<Api, object>;
  const session = { user: { id: 'u1', username: 'ann', role: opts.role }, logOut: async () => {} };
  await renderServedView({
    contract: imagesViewApi,
    impl,
    access: {
      images: corralAccess.images,
      hosts: { list: corralAccess.hosts.list, onChanged: corralAccess.hosts.onChanged },
    },
    view: <ImagesView />,
    session,
  });
}

afterEach(unmountServedView);

const text = () => document.body.textContent ?? '';
const heading = (name: string) =>
  [...document.querySelectorAll('h1,h2,h3')].filter((h) => h.textContent?.trim() === name);
const button = (name: string) => {
  const found = [...document.querySelectorAll('button')].filter(
    (b) => (b.getAttribute('aria-label') ?? b.textContent?.trim()) === name,
  );
  if (found.length !== 1) throw new Error(`${found.length} buttons named ${name}`);
  return found[0]!;
};
const notices = () => useNotifications.getState().notices;

/** A drop event carrying `files` (happy-dom has no DataTransfer with files of its own). */
function fileDrop(files: File[]): Event {
  const e = new Event('drop', { bubbles: true, cancelable: true });
  const list = Object.assign([...files], { item: (i: number) => files[i] ?? null });
  Object.defineProperty(e, 'dataTransfer', {
    value: { types: files.length ? ['Files'] : ['text/plain'], files: list, items: [] },
  });
  return e;
}

describe('the Images view states', () => {
  it('with hosts but no images, tells the administrator how to upload and mark one', async () => {
    await mount({ role: 'admin', hosts: [host('h1', 'alpha', true)], images: () => [] });
    await until(() => expect(heading('No base images yet')).toHaveLength(1));
    expect(text()).toContain('Upload a qcow2 or raw disk image below');
    expect(text()).toContain('Mark as base image');
  });

  it('with no marked images, tells a plain user who provides them', async () => {
    await mount({ role: 'user', hosts: [host('h1', 'alpha', true)], images: () => [] });
    await until(() => expect(heading('No base images yet')).toHaveLength(1));
    expect(text()).toContain('the administrator has not marked any');
  });

  it('with no hosts at all, says that hosts come first', async () => {
    await mount({ role: 'admin', hosts: [], images: () => [] });
    await until(() => expect(heading('No host added yet')).toHaveLength(1));
    expect(button('Open the Hosts view')).toBeTruthy();
  });

  it('lists images in one table per online host and names the hosts that are down', async () => {
    await mount({
      role: 'admin',
      hosts: [host('h1', 'alpha', true), host('h2', 'beta', true), host('h3', 'gamma', false)],
      images: () => [image('h1', 'a.qcow2', true), image('h2', 'b.qcow2', false)],
    });
    await until(() => expect(document.querySelectorAll('table')).toHaveLength(2));
    const tables = [...document.querySelectorAll('table')].map((t) => t.getAttribute('aria-label'));
    expect(tables).toEqual(['Base images on alpha', 'Base images on beta']);
    // Read as a data table (cells), not as an interactive grid (gridcells).
    for (const t of document.querySelectorAll('table'))
      expect(t.getAttribute('role')).toBe('table');
    const row = document.querySelector('[data-testid="image-alpha-a.qcow2"]')!;
    expect(row.querySelector('[data-testid="image-marked"]')!.textContent).toBe('Marked');
    expect(text()).toContain('gamma is not connected: its images are not listed');
  });

  it('reports a refused mark as a sticky error with the reason and the next step', async () => {
    await mount({
      role: 'admin',
      hosts: [host('h1', 'alpha', true)],
      images: () => [image('h1', 'b.qcow2', false)],
    });
    await until(() => expect(document.querySelectorAll('table')).toHaveLength(1));
    await act(async () => button('Mark b.qcow2 on alpha as base image').click());
    await until(() => expect(notices()).toHaveLength(1));
    expect(notices()[0]).toMatchObject({
      variant: 'danger',
      sticky: true,
      title: 'Could not mark b.qcow2 on alpha',
    });
    expect(notices()[0]!.detail).toContain('mark is refused here');
    expect(notices()[0]!.detail).toContain('try again');
  });

  it('reports a mark as a completion that goes by itself', async () => {
    await mount({
      role: 'admin',
      hosts: [host('h1', 'alpha', true)],
      images: () => [image('h1', 'b.qcow2', false)],
      mark: () => ({}),
    });
    await until(() => expect(document.querySelectorAll('table')).toHaveLength(1));
    await act(async () => button('Mark b.qcow2 on alpha as base image').click());
    await until(() => expect(notices()).toHaveLength(1));
    expect(notices()[0]).toMatchObject({
      variant: 'success',
      sticky: false,
      title: 'b.qcow2 on alpha is now a base image',
    });
  });

  it('takes one file dropped on the upload form and explains any other drop there', async () => {
    await mount({ role: 'admin', hosts: [host('h1', 'alpha', true)], images: () => [] });
    const form = () => document.querySelector('form[aria-label="Upload a base image"]')!;
    await until(() => expect(form()).not.toBeNull());
    const two = [new File(['a'], 'a.qcow2'), new File(['b'], 'b.img')];
    let drop = fileDrop(two);
    await act(async () => void form().dispatchEvent(drop));
    expect(drop.defaultPrevented).toBe(true);
    expect(notices().map((n) => [n.title, n.detail])).toEqual([
      [
        'Files cannot be dropped here',
        '2 files were dropped; upload one image at a time. Drop a single file.',
      ],
    ]);
    drop = fileDrop([new File(['x'.repeat(2048)], 'lab disk.qcow2')]);
    await act(async () => void form().dispatchEvent(drop));
    const name = [...form().querySelectorAll('label')]
      .find((l) => l.textContent?.startsWith('Volume name'))!
      .getAttribute('for')!;
    expect((document.getElementById(name) as HTMLInputElement).value).toBe('lab-disk.qcow2');
    expect(form().textContent).toContain('lab disk.qcow2, 2 KiB');
    expect(notices()).toHaveLength(1);
  });
  it('keeps the list when a refresh fails, saying so with a way to try again', async () => {
    let calls = 0;
    await mount({
      role: 'admin',
      hosts: [host('h1', 'alpha', true)],
      images: () => {
        calls += 1;
        if (calls === 2) throw new CorralError('unavailable', 'alpha is busy');
        return [image('h1', 'a.qcow2', true)];
      },
    });
    await until(() => expect(document.querySelectorAll('table')).toHaveLength(1));
    await act(async () => button('Refresh').click());
    await until(() => expect(text()).toContain('Could not refresh the images'));
    expect(text()).toContain('alpha is busy. The list below may be out of date.');
    expect(document.querySelectorAll('table')).toHaveLength(1);
    await act(async () => button('Try again').click());
    await until(() => expect(text()).not.toContain('Could not refresh the images'));
    expect(document.querySelectorAll('table')).toHaveLength(1);
  });

  it('shows a signed-out session instead of the list, with Sign in again', async () => {
    await mount({
      role: 'admin',
      hosts: [host('h1', 'alpha', true)],
      images: () => {
        throw new CorralError('unauthenticated', 'sign in first');
      },
    });
    await until(() => expect(heading('You are signed out')).toHaveLength(1));
    expect(button('Sign in again')).toBeTruthy();
  });
});
