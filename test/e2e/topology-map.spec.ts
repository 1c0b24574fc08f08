import { expect, test, type Locator, type Page } from '@playwright/test';
import {
  allowLabClusters,
  cleanLab,
  hostLeftovers,
  labClusterSpec,
  until,
  waitForRoom,
} from '../lab/clusters-support';
import { LAB } from '../lab/config';
import { hostVirsh } from '../lab/guest';
import { readLabState, type LabHost, type LabState } from '../lab/state';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { openContractSocket } from './support/contract-socket';
import { addLabHosts } from './support/lab-hosts';
import { enterAsAdmin } from './support/sign-in';

/**
 * The topology map on the real server, Chromium and two lab hosts with a real 3-node cluster
 * (round robin: nodes 0 and 2 on the first host, node 1 on the second). The map must nest host
 * group > cluster group > VM node, show states as words, open the details panel, fold a
 * cluster to one node with its count, answer every file drop plainly, open the migrate dialog
 * for a VM dropped on another host, and raise no CSP violation.
 * The cluster is reused when a previous run kept it (CORRAL_LAB_KEEP=1), else created as the
 * administrator through the contract (lab image marked first) and removed at the end.
 */
test.describe.configure({ mode: 'serial' });

const CLUSTER = 'e2emap';
const NODES = [0, 1, 2].map((i) => `${CLUSTER}-${i}`);
// A slice of the lab segment no other test hands out.
const POOL = { first: `${LAB.subnetPrefix}.140`, last: `${LAB.subnetPrefix}.149` };
const KEEP = process.env.CORRAL_LAB_KEEP === '1';

let server: ServerProcess;
let page: Page;
let lab: LabState;
let h1: LabHost;
let h2: LabHost;

declare global {
  interface Window {
    cspViolations?: string[];
  }
}

const map = () => page.getByRole('application', { name: 'Topology map' });
const hostGroup = (h: LabHost) => map().getByRole('group', { name: `Host ${h.name}`, exact: true });
const clusterGroup = (h: LabHost) =>
  map().getByRole('group', { name: `Cluster ${CLUSTER} on ${h.name}`, exact: true });
const vmButton = (name: string, state = 'running') =>
  map().getByRole('button', { name: `${name}, ${state}`, exact: true });

/** The host each node runs on, as the hosts themselves report it. */
async function placement(): Promise<Record<string, LabHost>> {
  const out: Record<string, LabHost> = {};
  for (const h of [h1, h2]) {
    for (const d of (await hostLeftovers(h, `${CLUSTER}-`)).domains) out[d] = h;
  }
  return out;
}

/** True when the box of `inner` lies within the box of `outer` on the screen. */
async function inside(inner: Locator, outer: Locator): Promise<boolean> {
  const a = await inner.boundingBox();
  const b = await outer.boundingBox();
  if (!a || !b) return false;
  return (
    a.x >= b.x - 0.5 &&
    a.y >= b.y - 0.5 &&
    a.x + a.width <= b.x + b.width + 0.5 &&
    a.y + a.height <= b.y + b.height + 0.5
  );
}

/** Reuses a kept cluster (starting any node that is off), or creates it as the administrator. */
async function ensureCluster(): Promise<void> {
  const found = await placement();
  if (NODES.every((n) => found[n])) {
    for (const n of NODES) {
      const state = (await hostVirsh(found[n]!, ['domstate', n])).stdout.trim();
      if (state !== 'running') await hostVirsh(found[n]!, ['start', n]);
    }
    return;
  }
  await cleanLab(lab, `${CLUSTER}-`);
  await waitForRoom(lab, NODES.length);
  const cookies = await page.context().cookies(server.url);
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const { connection } = await openContractSocket(server.url, cookie);
  try {
    // An unmarked volume backs no cluster, even the administrator's.
    const hostIds = (await connection.api.hosts.list({}))
      .filter((h) => h.name === h1.name || h.name === h2.name)
      .map((h) => h.id);
    await allowLabClusters(connection.api, hostIds);
    const op = await connection.api.clusters.create(
      labClusterSpec(lab, CLUSTER, NODES.length, POOL),
    );
    const done = await until(
      'the cluster to be created',
      600_000,
      async () => {
        const o = (await connection.api.operations.list({})).find((x) => x.id === op.id);
        return o && o.status !== 'running' ? o : undefined;
      },
      2_000,
    );
    expect(done.error ?? '').toBe('');
    expect(done.status).toBe('succeeded');
  } finally {
    connection.dispose();
  }
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(900_000);
  const state = readLabState();
  if (!state || state.hosts.length < 2)
    throw new Error('the lab global setup did not bring 2 hosts up');
  lab = state;
  [h1, h2] = [state.hosts[0]!, state.hosts[1]!];
  server = await startServerProcess();
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  // Every CSP violation the page (and its workers' loading) reports, from the first script on.
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.cspViolations!.push(
        `${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`,
      ),
    );
  });
  await enterAsAdmin(page, server);
  await addLabHosts(page, lab, [h1, h2]);
  await ensureCluster();
  await page.getByRole('button', { name: 'Topology', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Topology', level: 1 })).toBeVisible();
  await page.getByLabel('Filter').fill(CLUSTER);
  await page.getByRole('button', { name: 'Map', exact: true }).click();
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
  if (lab && !KEEP) await cleanLab(lab, `${CLUSTER}-`);
});

test('hosts contain the cluster, the cluster contains its VMs; states show as words', async () => {
  test.setTimeout(180_000);
  const where = await placement();
  expect(Object.keys(where).sort()).toEqual(NODES);
  for (const n of NODES) {
    const h = where[n]!;
    const vm = vmButton(n);
    await expect(vm).toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId(`map-vm-${n}-state`)).toHaveText('running');
    expect((await hostVirsh(h, ['domstate', n])).stdout.trim()).toBe('running');
    expect(await inside(vm, clusterGroup(h))).toBe(true);
    expect(await inside(clusterGroup(h), hostGroup(h))).toBe(true);
    // And not inside the other host's group.
    const other = h === h1 ? h2 : h1;
    expect(await inside(vm, hostGroup(other))).toBe(false);
  }
  await page.screenshot({ path: 'test-results/topology-map.png' });
  await expect(page.getByTestId(`map-host-${h1.name}-state`)).toHaveText('online');
  await expect(page.getByTestId(`map-host-${h2.name}-state`)).toHaveText('online');
  // The bridge the NICs attach to, and one edge per NIC.
  for (const h of [h1, h2]) {
    await expect(
      map().getByRole('group', { name: `Bridge ${LAB.hostBridge} on ${h.name}` }),
    ).toBeVisible();
  }
  for (const n of NODES) {
    await expect(
      map().getByRole('img', { name: `${n} attached to ${LAB.hostBridge}` }),
    ).toHaveCount(1);
  }
});

test('zoom and fit are buttons with names, and change the view', async () => {
  const viewport = page.locator('.react-flow__viewport');
  const before = await viewport.getAttribute('style');
  await map().getByRole('button', { name: 'Zoom in' }).click();
  await expect.poll(() => viewport.getAttribute('style')).not.toBe(before);
  await map().getByRole('button', { name: 'Zoom out' }).click();
  await map().getByRole('button', { name: 'Fit the map to the view' }).click();
  await expect(vmButton(NODES[0]!)).toBeInViewport();
});

test('selecting a VM on the map opens the same details panel as the tree', async () => {
  await vmButton(NODES[1]!).click();
  await expect(vmButton(NODES[1]!)).toHaveAttribute('aria-pressed', 'true');
  const details = page.getByRole('complementary', { name: `Details of ${NODES[1]}` });
  await expect(details).toBeVisible();
  await expect(details.getByTestId('vm-details-state')).toHaveText('running');
  await expect(details.getByTestId('vm-details-cluster')).toContainText(`${CLUSTER} (node 1`);
  await details.getByRole('button', { name: 'Close details' }).click();
  await expect(details).toHaveCount(0);
});

test('a cluster folds to one node with its count and states, and opens again', async () => {
  const where = await placement();
  const onH1 = NODES.filter((n) => where[n] === h1);
  await map()
    .getByRole('button', { name: `Collapse cluster ${CLUSTER} on ${h1.name}` })
    .click();
  for (const n of onH1) await expect(vmButton(n)).toHaveCount(0);
  const folded = clusterGroup(h1);
  await expect(folded).toContainText(`${onH1.length} VMs`);
  await expect(folded).toContainText(`${onH1.length} running`);
  // The other host's part of the cluster stays open.
  await expect(vmButton(NODES.find((n) => where[n] === h2)!)).toBeVisible();
  await map()
    .getByRole('button', { name: `Expand cluster ${CLUSTER} on ${h1.name}` })
    .click();
  for (const n of onH1) await expect(vmButton(n)).toBeVisible();
});

/** Dispatches a file drop of `names` onto `target`, as a desktop file manager would. */
async function dropFiles(target: Locator, names: string[]): Promise<void> {
  const dt = await page.evaluateHandle((list) => {
    const d = new DataTransfer();
    for (const n of list) d.items.add(new File(['int main(void) { return 0; }\n'], n));
    return d;
  }, names);
  await target.dispatchEvent('dragover', { dataTransfer: dt });
  await target.dispatchEvent('drop', { dataTransfer: dt });
}

const toast = (title: string) => page.getByRole('heading', { name: new RegExp(title) });

test('drops are answered plainly: a program on a cluster opens its run dialog, a wrong kind and files elsewhere are explained', async () => {
  const dropZone = clusterGroup(h2).locator('[data-drop-host]');
  await dropFiles(dropZone, ['hello.c']);
  const run = page.getByRole('dialog', { name: `Run hello.c on ${CLUSTER}` });
  await expect(run).toBeVisible();
  await run.getByRole('button', { name: 'Cancel' }).click();
  await expect(run).toBeHidden();

  await dropFiles(dropZone, ['notes.pdf']);
  await expect(toast('This cannot run on a cluster')).toBeVisible();
  await expect(page.getByText('notes.pdf: not a kind of file Corral runs')).toBeVisible();

  await dropFiles(map().locator('.react-flow__pane'), ['hello.c']);
  await expect(toast('Nothing here accepts files')).toBeVisible();
});

test('a VM dragged onto the other host opens the migrate dialog for that host; cancelled, it stays', async () => {
  const where = await placement();
  const n = NODES.find((x) => where[x] === h1)!;
  const from = await vmButton(n).boundingBox();
  const to = await hostGroup(h2).boundingBox();
  if (!from || !to) throw new Error('the VM or the host is not on screen');
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + 30, to.y + to.height - 20, { steps: 12 });
  await expect(page.getByTestId(`map-host-${h2.name}`)).toHaveAttribute(
    'data-drop-target',
    'migrate',
  );
  await page.mouse.up();
  const dialog = page.getByRole('dialog', { name: `Migrate ${n}` });
  await expect(dialog.getByLabel('Target host').locator('option:checked')).toHaveText(h2.name);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  // Back in its place on the map, and on its host in truth.
  await expect.poll(() => inside(vmButton(n), clusterGroup(h1))).toBe(true);
  expect((await hostVirsh(h1, ['domstate', n])).stdout.trim()).toBe('running');
});

test('the choice of the map is remembered when the view is opened again', async () => {
  expect(await page.evaluate(() => localStorage.getItem('corral.topology.mode'))).toBe('map');
  await page.getByRole('button', { name: 'Hosts', exact: true }).click();
  await expect(map()).toHaveCount(0);
  await page.getByRole('button', { name: 'Topology', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Map', exact: true })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(hostGroup(h1)).toBeVisible();
});

test('no CSP violation was reported while the map was used', async () => {
  const violations = await page.evaluate(() => window.cspViolations ?? []);
  expect(violations).toEqual([]);
});
