import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { LAB_BASE_VOLUME } from '../lab/base-image-volumes';
import { labClusterSpec } from '../lab/clusters-support';
import { LAB } from '../lab/config';
import { hostVirsh } from '../lab/guest';
import { readLabState, type LabHost, type LabState } from '../lab/state';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { allowLabNetworksInUi, markLabImageInUi } from './support/base-images';
import { openContractSocket } from './support/contract-socket';
import { addLabHosts } from './support/lab-hosts';
import { enterAsAdmin, signUp } from './support/sign-in';

/**
 * Only administrator-marked images back a cluster, and plain users attach nodes only where the
 * administrator allows: on a lab host with the lab image and a second candidate volume (what
 * another VM's disk looks like), the administrator marks the lab image in the Images view and
 * allows br0 and a range under Hosts → Networks; a plain user's Images view and New cluster
 * wizard then offer the marked image only, and core refuses the other volume, another bridge and
 * addresses outside the range. Nothing boots: the wizard stops at the preview.
 */
test.describe.configure({ mode: 'serial' });

const OTHER = `corral-pol-e2e-${process.pid}.qcow2`;
const USER = { username: 'polly', password: 'polly-password-e2e' };
/** Inside the allowed upper half of the lab segment, clear of other specs' slices. */
const POOL = { first: `${LAB.subnetPrefix}.240`, last: `${LAB.subnetPrefix}.241` };

let server: ServerProcess;
let lab: LabState;
let h1: LabHost;
let admin: Page;
let userContext: BrowserContext;
let user: Page;

const imagesNav = (page: Page) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Images' });
const clustersNav = (page: Page) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Clusters' });

test.beforeAll(async ({ browser }) => {
  const state = readLabState();
  if (!state || state.hosts.length < 1)
    throw new Error('the lab global setup did not bring a host up');
  lab = state;
  h1 = state.hosts[0]!;
  // Another qcow2 without a backing file in the same pool: a candidate nobody marked.
  await hostVirsh(h1, ['vol-delete', '--pool', 'default', OTHER]).catch(() => undefined);
  await hostVirsh(h1, ['vol-create-as', 'default', OTHER, '16M', '--format', 'qcow2']);
  await hostVirsh(h1, ['pool-refresh', 'default']);

  server = await startServerProcess();
  admin = await browser.newPage();
  await enterAsAdmin(admin, server);
  await addLabHosts(admin, lab, [h1]);

  userContext = await browser.newContext();
  user = await userContext.newPage();
  await user.goto(`${server.url}#token=${server.token}`);
  await signUp(user, USER.username, USER.password);
});

test.afterAll(async () => {
  await user?.close();
  await userContext?.close();
  await admin?.close();
  await server?.stop();
  if (h1) await hostVirsh(h1, ['vol-delete', '--pool', 'default', OTHER]).catch(() => undefined);
});

test('the administrator sees candidates unmarked and marks the lab image in the Images view', async () => {
  await imagesNav(admin).click();
  const lab = admin.getByTestId(`image-${h1.name}-${LAB_BASE_VOLUME}`);
  const other = admin.getByTestId(`image-${h1.name}-${OTHER}`);
  await expect(lab.getByTestId('image-marked')).toHaveText('Not marked', { timeout: 30_000 });
  await expect(other.getByTestId('image-marked')).toHaveText('Not marked');

  await markLabImageInUi(admin, [h1]);
  await expect(
    lab.getByRole('button', { name: `Unmark ${LAB_BASE_VOLUME} on ${h1.name}` }),
  ).toBeVisible();
  await expect(other.getByTestId('image-marked')).toHaveText('Not marked');
  await expect(
    other.getByRole('button', { name: `Mark ${OTHER} on ${h1.name} as base image` }),
  ).toBeVisible();
});

test('the administrator allows br0 and a range under Hosts → Networks; it is kept', async () => {
  await admin.getByRole('button', { name: 'Hosts', exact: true }).click();
  // Nothing set yet: the secure default, said in words.
  await expect(admin.getByTestId('network-policy-state')).toHaveText(
    'Plain users may attach nodes to nothing yet.',
  );
  await allowLabNetworksInUi(admin);
  await admin.reload();
  await admin.getByRole('button', { name: 'Hosts', exact: true }).click();
  const form = admin.getByRole('form', { name: 'Network policy' });
  await expect(form.getByLabel('Allowed bridges')).toHaveValue(LAB.hostBridge);
  await expect(form.getByLabel('Allowed address ranges (CIDR)')).toHaveValue(
    `${LAB.subnetPrefix}.128/25`,
  );
});

test("a plain user's Images view and wizard list only the marked image", async () => {
  await imagesNav(user).click();
  await expect(user.getByTestId(`image-${h1.name}-${LAB_BASE_VOLUME}`)).toBeVisible({
    timeout: 30_000,
  });
  await expect(user.getByTestId(`image-${h1.name}-${OTHER}`)).toHaveCount(0);
  await expect(user.getByRole('button', { name: /^(Mark|Unmark) / })).toHaveCount(0);
  // The Networks section is the administrator's only.
  await user.getByRole('button', { name: 'Hosts', exact: true }).click();
  await expect(user.getByRole('form', { name: 'Network policy' })).toHaveCount(0);

  await clustersNav(user).click();
  await user.getByRole('button', { name: 'New cluster' }).click();
  const wizard = user.getByRole('form', { name: 'New cluster' });
  const image = wizard.getByLabel('Base image');
  await expect(image.locator('option', { hasText: LAB_BASE_VOLUME })).toHaveCount(1);
  const offered = (await image.locator('option').allTextContents()).filter((t) => t !== 'Choose…');
  expect(offered).toEqual([
    expect.stringMatching(new RegExp(`^${LAB_BASE_VOLUME.replaceAll('.', '\\.')} `)),
  ]);

  // With the allowed bridge and range, the preview places the node; nothing is created.
  await wizard.getByLabel('Name', { exact: true }).fill('polly');
  await wizard.getByLabel('Nodes', { exact: true }).fill('1');
  await wizard.getByLabel('vCPUs per node').fill('1');
  await wizard.getByLabel('Memory (MiB)').fill(String(LAB.guestMemoryMiB));
  await wizard.getByLabel('Disk (GiB)').fill('2');
  await image.selectOption(LAB_BASE_VOLUME);
  const nic = wizard.getByRole('group', { name: 'Interface 1' });
  await nic.getByRole('radio', { name: 'Bridge' }).check();
  await nic.getByLabel('Bridge name').fill('virbr-other');
  await nic.getByLabel('Address pool (CIDR)').fill(`${LAB.subnetPrefix}.0/${LAB.prefixLength}`);
  await nic.getByLabel('First address').fill(POOL.first);
  await nic.getByLabel('Last address').fill(POOL.last);
  await wizard.getByRole('button', { name: 'Preview placement' }).click();
  await expect(wizard.getByRole('alert')).toContainText(
    `bridge virbr-other is not allowed for your account; the administrator allows ${LAB.hostBridge}`,
  );
  await nic.getByLabel('Bridge name').fill(LAB.hostBridge);
  await wizard.getByRole('button', { name: 'Preview placement' }).click();
  await expect(user.getByTestId('preview-node-polly-0')).toContainText(POOL.first);
});

test('core refuses the plain user the unmarked volume, outside addresses, marking and the policy', async () => {
  const cookies = await userContext.cookies(server.url);
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const { connection } = await openContractSocket(server.url, cookie);
  try {
    const api = connection.api;
    const base = labClusterSpec(lab, 'pollyx', 1, POOL);
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(await refusal(api.clusters.create({ ...base, image: OTHER }))).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining(`${OTHER} is not a base image the administrator has marked`),
    });
    const nic = base.nics[0]!;
    expect(
      await refusal(
        api.clusters.create({
          ...base,
          nics: [
            {
              ...nic,
              addresses: {
                ...nic.addresses,
                first: `${LAB.subnetPrefix}.120`,
                last: `${LAB.subnetPrefix}.130`,
              },
            },
          ],
        }),
      ),
    ).toMatchObject({ code: 'forbidden', message: expect.stringContaining('outside the ranges') });
    expect(
      await refusal(
        api.images.mark({
          hostId: (await api.images.list({}))[0]!.hostId,
          pool: 'default',
          name: OTHER,
        }),
      ),
    ).toMatchObject({ code: 'forbidden' });
    expect(await refusal(api.networks.policy({}))).toMatchObject({ code: 'forbidden' });
  } finally {
    connection.dispose();
  }
  // Refused means nothing was made on the host.
  const domains = (await hostVirsh(h1, ['list', '--all', '--name'])).stdout;
  expect(domains).not.toContain('pollyx');
});
