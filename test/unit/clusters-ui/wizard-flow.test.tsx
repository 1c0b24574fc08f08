// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  Cluster,
  ClusterPreview,
  ClusterSpec,
  Operation,
  UnknownOperation,
} from '../../../api/clusters-api';
import { corralAccess } from '../../../api/corral-access';
import { Emitter } from '../../../api/emitter';
import type { InventoryDelta } from '../../../api/inventory-api';
import { CorralError } from '../../../api/errors';
import type { ServiceImpl } from '../../../api/types';
import { clustersViewApi } from '../../../renderer/views/clusters/clusters-client';
import { ClustersView } from '../../../renderer/views/clusters/clusters-view';
import { renderServedView, settle, until, unmountServedView } from '../support/served-view';

type Api = typeof clustersViewApi;

const HOSTS = [
  { id: 'h1', name: 'alpha' },
  { id: 'h2', name: 'beta' },
];

/**
 * A small clusters service that answers from what it is sent: the preview places nodes round
 * robin over its two hosts and hands out addresses from the pool, so what the UI shows comes from
 * the inputs the UI really sent.
 */
function service() {
  const calls: Array<{ path: string; input: unknown }> = [];
  const opEvents = new Emitter<Operation>();
  const inventoryEvents = new Emitter<InventoryDelta>();
  const state = {
    clusters: [] as Cluster[],
    ops: [] as Operation[],
    unknown: [] as UnknownOperation[],
  };
  const record = (path: string, input: unknown) => calls.push({ path, input });

  const place = (spec: { name: string; nodes: number; nics: ClusterSpec['nics'] }) => {
    const first = spec.nics[0]!.addresses.first.split('.').map(Number);
    const preview: ClusterPreview = {
      planId: `plan-${calls.length}`,
      nodes: Array.from({ length: spec.nodes }, (_, i) => ({
        index: i,
        name: `${spec.name}-${i}`,
        hostId: HOSTS[i % 2]!.id,
        addresses: [[...first.slice(0, 3), first[3]! + i].join('.')],
      })),
      hosts: HOSTS.map((h, j) => ({
        hostId: h.id,
        name: h.name,
        freeMemoryKiBBefore: 8 * 1024 * 1024,
        freeMemoryKiBAfter: 6 * 1024 * 1024,
        memoryPercentBefore: 20 + j,
        memoryPercentAfter: 45 + j,
        cpuPercent: 5,
        nodes: Math.ceil((spec.nodes - j) / 2),
      })),
    };
    return preview;
  };

  const impl: ServiceImpl<Api, object> = {
    accounts: {
      me: () => ({ user: { id: 'u1', username: 'ann', role: 'admin' }, hasAccounts: true }),
    },
    hosts: {
      list: () =>
        HOSTS.map((h) => ({
          ...h,
          local: false,
          address: `10.213.0.${h.id === 'h1' ? 2 : 3}`,
          port: 22,
          user: 'root',
          authKind: 'key' as const,
          hasSecret: false,
          status: { state: 'online' as const, since: '2026-01-01T00:00:00Z' },
        })),
      onChanged: () => ({ dispose() {} }),
    },
    images: {
      list: () =>
        HOSTS.map((h) => ({
          hostId: h.id,
          pool: 'default',
          name: 'lab-base.qcow2',
          path: '/var/lib/libvirt/images/lab-base.qcow2',
          format: 'qcow2',
          capacityBytes: 2 ** 31,
          allocationBytes: 2 ** 28,
          boot: { kind: 'disk' as const },
          marked: true,
        })),
    },
    clusters: {
      list: () => state.clusters,
      preview: (spec) => {
        record('clusters.preview', spec);
        return place(spec);
      },
      create: (spec) => {
        record('clusters.create', spec);
        const op: Operation = {
          id: 'op-1',
          kind: 'create',
          cluster: spec.name,
          ownerId: 'u1',
          status: 'running',
          startedAt: '2026-01-01T00:00:00Z',
          nodes: place(spec).nodes.map((n) => ({ ...n, phase: 'queued' as const })),
        };
        state.ops.push(op);
        return op;
      },
      previewAddNodes: (input) => {
        record('clusters.previewAddNodes', input);
        throw new CorralError('conflict', 'not used here');
      },
      addNodes: () => {
        throw new CorralError('conflict', 'not used here');
      },
      remove: (input) => {
        record('clusters.remove', input);
        const op: Operation = {
          id: 'op-del',
          kind: 'delete',
          cluster: input.cluster,
          ownerId: 'u1',
          status: 'running',
          startedAt: '2026-01-02T00:00:00Z',
          nodes: [],
        };
        return op;
      },
      listUnknown: () => state.unknown,
      adoptUnknown: ({ operation }) => {
        record('clusters.adoptUnknown', { operation });
        const g = state.unknown.find((u) => u.operation === operation)!;
        state.unknown = state.unknown.filter((u) => u !== g);
        return g;
      },
      removeUnknown: ({ operation }) => {
        record('clusters.removeUnknown', { operation });
        const g = state.unknown.find((u) => u.operation === operation)!;
        state.unknown = state.unknown.filter((u) => u !== g);
        return { removed: g.nodes.map((n) => n.name), leftAlone: [] };
      },
    },
    operations: {
      list: () => state.ops,
      cancel: ({ id }) => {
        record('operations.cancel', { id });
        const op = state.ops.find((o) => o.id === id)!;
        return { ...op, status: 'cancelling' };
      },
      resume: ({ id }) => {
        record('operations.resume', { id });
        return { ...state.ops.find((o) => o.id === id)!, status: 'running' };
      },
      rollback: ({ id }) => {
        record('operations.rollback', { id });
        return { ...state.ops.find((o) => o.id === id)!, status: 'rolling-back' };
      },
      onChanged: (emit) => opEvents.on(emit),
    },
    inventory: { onChanged: (emit) => inventoryEvents.on(emit) },
  };
  return {
    impl,
    calls,
    state,
    push: (op: Operation) => opEvents.fire(op),
    pushInventory: (delta: InventoryDelta) => inventoryEvents.fire(delta),
  };
}

let svc: ReturnType<typeof service>;

beforeEach(async () => {
  svc = service();
  await renderServedView({
    contract: clustersViewApi,
    impl: svc.impl,
    access: {
      accounts: { me: corralAccess.accounts.me },
      clusters: corralAccess.clusters,
      operations: corralAccess.operations,
      images: { list: corralAccess.images.list },
      hosts: { list: corralAccess.hosts.list, onChanged: corralAccess.hosts.onChanged },
      inventory: { onChanged: corralAccess.inventory.onChanged },
    },
    view: <ClustersView />,
  });
});

afterEach(unmountServedView);

// Dialogs are PatternFly modals, rendered into document.body beside the view: look there.
function button(name: string, scope: ParentNode = document.body): HTMLButtonElement {
  const found = [...scope.querySelectorAll('button')].filter(
    (b) => (b.getAttribute('aria-label') ?? b.textContent?.trim()) === name,
  );
  if (found.length !== 1) throw new Error(`${found.length} buttons named ${name}`);
  return found[0]!;
}

function field(label: string, scope: ParentNode = document.body) {
  const labels = [...scope.querySelectorAll('label')].filter(
    (l) => l.textContent?.trim() === label,
  );
  if (labels.length !== 1) throw new Error(`${labels.length} fields labelled ${label}`);
  const l = labels[0]!;
  const el = l.htmlFor ? document.getElementById(l.htmlFor) : l.querySelector('input');
  if (!el) throw new Error(`no input for ${label}`);
  return el as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
}

/** Types as a user would: React listens to the native value setter + an input event. */
async function type(el: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, value: string) {
  const proto = Object.getPrototypeOf(el) as object;
  Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value);
  await act(async () => {
    el.dispatchEvent(
      new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }),
    );
    await settle();
  });
}

async function click(el: HTMLElement) {
  await act(async () => {
    el.click();
    await settle();
  });
}
const text = () => document.body.textContent ?? '';
/** The error an input points at, without PatternFly's screen-reader suffix (": error status;"). */
const errorOf = (label: string) =>
  document
    .getElementById(field(label).getAttribute('aria-describedby') ?? '')
    ?.textContent?.replace(/: error status;$/, '');

async function fillValidWizard() {
  await click(button('New cluster'));
  await until(() => expect(field('Base image').querySelectorAll('option').length).toBe(2));
  await type(field('Name'), 'demo');
  await type(field('Nodes'), '4');
  await type(field('Memory (MiB)'), '384');
  await type(field('Disk (GiB)'), '2');
  await type(field('Base image'), 'lab-base.qcow2');
  await type(field('Bridge name'), 'corral-br0');
  await type(field('Address pool (CIDR)'), '10.213.0.0/24');
  await type(field('First address'), '10.213.0.150');
  await type(field('Last address'), '10.213.0.199');
}

describe('ClustersView wizard flow', () => {
  it('validates next to the fields, previews, invalidates on change, creates exactly what was previewed', async () => {
    await until(() => expect(text()).toContain('No clusters yet'));
    await fillValidWizard();
    expect(field('Base image').textContent).toContain('lab-base.qcow2 (on 2 of 2 hosts)');

    // Bad input: an error next to the field, and nothing sent.
    await type(field('Name'), 'de<mo');
    await type(field('vCPUs per node'), 'two');
    await click(button('Preview placement'));
    expect(errorOf('Name')).toMatch(/lower-case letters/);
    expect(errorOf('vCPUs per node')).toBe('enter a whole number');
    expect(field('Name').getAttribute('aria-invalid')).toBe('true');
    expect(svc.calls).toEqual([]);
    expect(button('Create cluster').disabled).toBe(true);

    await type(field('Name'), 'demo');
    await type(field('vCPUs per node'), '1');
    await click(button('Preview placement'));
    await until(() =>
      expect(document.body.querySelector('[data-testid="preview-node-demo-3"]')).not.toBeNull(),
    );
    // A table to assistive technology (PatternFly's default role is an interactive grid).
    const rows = [
      ...document.body.querySelectorAll(
        '[role="table"][aria-label="Nodes in the preview"] [data-testid^="preview-node-"]',
      ),
    ].map((r) => [...r.children].map((c) => c.textContent));
    expect(rows).toEqual([
      ['demo-0', 'alpha', '10.213.0.150'],
      ['demo-1', 'beta', '10.213.0.151'],
      ['demo-2', 'alpha', '10.213.0.152'],
      ['demo-3', 'beta', '10.213.0.153'],
    ]);
    expect(
      document.body.querySelector('[data-testid="preview-host-alpha"]')?.textContent,
    ).toContain('20% → 45%');
    expect(button('Create cluster').disabled).toBe(false);

    // Any change drops the preview: Create waits for a new one.
    await type(field('vCPUs per node'), '2');
    expect(button('Create cluster').disabled).toBe(true);
    expect(document.body.querySelector('[data-testid="preview-node-demo-0"]')).toBeNull();
    await click(button('Preview placement'));
    await until(() => expect(button('Create cluster').disabled).toBe(false));

    await click(button('Create cluster'));
    await until(() => expect(text()).toContain('Create demo'));
    const sent = svc.calls.map((c) => c.path);
    expect(sent).toEqual(['clusters.preview', 'clusters.preview', 'clusters.create']);
    // Exactly the inputs of the current preview, confirming that preview's plan.
    expect(svc.calls[2]!.input).toEqual({ ...(svc.calls[1]!.input as object), planId: 'plan-2' });
    expect(svc.calls[2]!.input).toMatchObject({
      name: 'demo',
      nodes: 4,
      vcpus: 2,
      memoryMiB: 384,
      diskGiB: 2,
      image: 'lab-base.qcow2',
      placement: { kind: 'round-robin' },
      // The default: root signed in automatically on the serial console.
      console: { kind: 'autologin' },
      nics: [
        {
          source: { kind: 'bridge', bridge: 'corral-br0' },
          addresses: { cidr: '10.213.0.0/24', first: '10.213.0.150', last: '10.213.0.199' },
        },
      ],
    });
    // The wizard closed; the operation shows its nodes queued.
    expect(document.body.querySelector('form')).toBeNull();
    expect(
      document.body.querySelector('[data-testid="op-op-1-node-demo-0-phase"]')?.textContent,
    ).toBe('queued');
  });

  it('signs root in automatically by default and sends a console password only when typed twice alike', async () => {
    await until(() => expect(text()).toContain('No clusters yet'));
    await fillValidWizard();
    expect((field('Sign in as root automatically') as HTMLInputElement).checked).toBe(true);
    expect(text()).toContain(
      "Only you, through Corral, and the administrators of the hosts your nodes run on can reach a node's console.",
    );
    await click(field('Set a console password'));
    expect((field('Console password') as HTMLInputElement).type).toBe('password');
    await type(field('Console password'), 'correct horse 42');
    await type(field('Repeat the console password'), 'correct horse 24');
    await click(button('Preview placement'));
    expect(errorOf('Repeat the console password')).toBe('the two passwords differ');
    expect(svc.calls).toEqual([]);

    await type(field('Repeat the console password'), 'correct horse 42');
    await click(button('Preview placement'));
    await until(() => expect(button('Create cluster').disabled).toBe(false));
    await click(button('Create cluster'));
    await until(() => expect(text()).toContain('Create demo'));
    expect(svc.calls.map((c) => c.path)).toEqual(['clusters.preview', 'clusters.create']);
    // The typed password goes to core once (which keeps only its hash); the repeat never does.
    expect(svc.calls[1]!.input).toMatchObject({
      console: { kind: 'password', password: 'correct horse 42' },
    });
    expect(JSON.stringify(svc.calls[1]!.input)).not.toContain('repeat');
  });

  it('shows live per-node phases and progress, and cancels', async () => {
    await until(() => expect(text()).toContain('No clusters yet'));
    await fillValidWizard();
    await click(button('Preview placement'));
    await until(() => expect(button('Create cluster').disabled).toBe(false));
    await click(button('Create cluster'));
    await until(() => expect(text()).toContain('Create demo'));

    const created = svc.state.ops[0]!;
    await act(async () => {
      svc.push({
        ...created,
        nodes: created.nodes.map((n, i) =>
          i === 0
            ? { ...n, phase: 'waiting-ssh' as const }
            : i === 1
              ? { ...n, phase: 'failed' as const, error: 'beta dropped' }
              : n,
        ),
      });
      await settle();
    });
    await until(() =>
      expect(
        document.body.querySelector('[data-testid="op-op-1-node-demo-0-phase"]')?.textContent,
      ).toBe('waiting for SSH'),
    );
    expect(
      document.body.querySelector('[data-testid="op-op-1-node-demo-1-phase"]')?.textContent,
    ).toBe('failed: beta dropped');
    const bar = document.body.querySelector(
      '[role="progressbar"][aria-label="Progress of Create demo"]',
    )!;
    // (5 + 7 + 0 + 0) of 28 steps.
    expect(bar.getAttribute('aria-valuenow')).toBe('43');

    await click(button('Cancel Create demo'));
    await until(() =>
      expect(document.body.querySelector('[data-testid="op-op-1-status"]')?.textContent).toBe(
        'cancelling',
      ),
    );
    expect(svc.calls.at(-1)).toEqual({ path: 'operations.cancel', input: { id: 'op-1' } });
    expect(() => button('Cancel Create demo')).toThrow(/0 buttons/);
  });

  it('puts interrupted operations first with Resume and a confirmed Roll back', async () => {
    const interrupted: Operation = {
      id: 'op-9',
      kind: 'create',
      cluster: 'old',
      ownerId: 'u1',
      status: 'interrupted',
      startedAt: '2026-01-01T00:00:00Z',
      nodes: [{ index: 0, name: 'old-0', hostId: 'h1', phase: 'starting' }],
    };
    svc.state.ops.push(interrupted);
    await act(async () => {
      svc.push(interrupted);
      await settle();
    });
    await until(() => expect(text()).toContain('Interrupted operations'));
    const section = document.body.querySelector('.clusters-interrupted')!;
    expect(section.textContent).toContain('Create old');
    expect(section.textContent).toContain('alpha');

    await click(button('Roll back Create old'));
    const dialog = document.body.querySelector('[role="dialog"]')!;
    expect(dialog.textContent).toContain('Roll back Create old?');
    expect(svc.calls).toEqual([]);
    await click(button('Keep it', dialog));
    expect(document.body.querySelector('[role="dialog"]')).toBeNull();
    expect(svc.calls).toEqual([]);

    await click(button('Roll back Create old'));
    await click(button('Roll back', document.body.querySelector('[role="dialog"]')!));
    await until(() => expect(text()).toContain('rolling back'));
    expect(svc.calls).toEqual([{ path: 'operations.rollback', input: { id: 'op-9' } }]);
  });

  it('deletes only after the dialog names the resources and the name is typed', async () => {
    svc.state.clusters.push({
      name: 'demo',
      ownerId: 'u2',
      ownerName: 'bob',
      nodes: [
        { index: 1, name: 'demo-1', hostId: 'h2', addresses: ['10.213.0.151'], state: 'running' },
        { index: 0, name: 'demo-0', hostId: 'h1', addresses: ['10.213.0.150'], state: 'shut off' },
      ],
      resources: [
        { hostId: 'h1', domains: ['demo-0'], volumes: ['demo-0.qcow2', 'demo-0-seed.iso'] },
        { hostId: 'h2', domains: ['demo-1'], volumes: ['demo-1.qcow2', 'demo-1-seed.iso'] },
      ],
    });
    const shown = () =>
      document.body.querySelector('[data-testid="node-demo-1-host"]')?.textContent;
    // Clusters have no event of their own: the list shows them after a refresh.
    expect(shown()).toBeUndefined();
    await click(button('Refresh'));
    await until(() => expect(shown()).toBe('beta'));
    // Domains that go away (a delete whose end arrived before the inventory heard of it) make
    // the view read the clusters again by itself.
    const saved = svc.state.clusters;
    svc.state.clusters = [];
    svc.pushInventory({
      hosts: [],
      upserts: [],
      removals: [{ hostId: 'h2', uuid: '00000000-0000-4000-8000-000000000001' }],
      resetHosts: [],
      removedHosts: [],
    });
    await until(() => expect(shown()).toBeUndefined());
    svc.state.clusters = saved;
    await click(button('Refresh'));
    await until(() => expect(shown()).toBe('beta'));
    expect(document.body.querySelector('[data-testid="node-demo-0-state"]')?.textContent).toBe(
      'shut off',
    );
    expect(document.body.querySelector('[data-testid="cluster-demo-owner"]')?.textContent).toBe(
      'Owner: bob',
    );

    await click(button('Delete demo'));
    const dialog = document.body.querySelector('[role="dialog"]')!;
    for (const name of ['demo-0', 'demo-1', 'demo-0.qcow2', 'demo-0-seed.iso', 'demo-1.qcow2']) {
      expect(dialog.textContent).toContain(name);
    }
    expect(dialog.querySelector('[aria-label="Domains on beta"]')?.textContent).toBe('demo-1');
    const go = button('Delete cluster', dialog);
    expect(go.disabled).toBe(true);
    await type(dialog.querySelector('input')!, 'dem');
    expect(go.disabled).toBe(true);
    await type(dialog.querySelector('input')!, 'demo');
    expect(go.disabled).toBe(false);
    await click(go);
    await until(() => expect(document.body.querySelector('[role="dialog"]')).toBeNull());
    expect(svc.calls).toEqual([
      { path: 'clusters.remove', input: { cluster: 'demo', confirm: ['demo-0', 'demo-1'] } },
    ]);
    expect(text()).toContain('Delete demo');
  });

  it('lists domains of unknown operations for the administrator, with Adopt and Delete', async () => {
    await until(() => expect(text()).toContain('No clusters yet'));
    // Nothing to list: no section at all.
    expect(text()).not.toContain('Domains of unknown operations');
    const stray = (operation: string, cluster: string): UnknownOperation => ({
      operation,
      cluster,
      ownerId: 'u9',
      nodes: [
        {
          hostId: 'h2',
          name: `${cluster}-0`,
          uuid: '0b6c2f7e-52b1-4a57-9d43-5b8f2f0c4d11',
          index: 0,
        },
      ],
    });
    svc.state.unknown = [stray('op-aaaa1111', 'lost'), stray('op-bbbb2222', 'other')];
    await click(button('Refresh'));
    await until(() => expect(text()).toContain('Domains of unknown operations'));
    expect(
      document.body.querySelector('[data-testid="unknown-op-aaaa1111"]')?.textContent,
    ).toContain('lost-0 on beta');
    await click(button('Adopt lost (op-aaaa1111)'));
    await until(() => expect(text()).toContain('Adopted cluster lost.'));
    await click(button('Delete other (op-bbbb2222)'));
    await until(() => expect(text()).toContain('Deleted: other-0.'));
    expect(document.body.querySelector('[aria-label="Domains of unknown operations"]')).toBeNull();
    expect(svc.calls).toEqual([
      { path: 'clusters.adoptUnknown', input: { operation: 'op-aaaa1111' } },
      { path: 'clusters.removeUnknown', input: { operation: 'op-bbbb2222' } },
    ]);
  });
});
