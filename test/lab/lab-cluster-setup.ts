import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterSpec, Operation } from '../../api/clusters-api';
import type { CallContext } from '../../core/call-context';
import type { CorralCore } from '../../core/corral-core';
import { registerBaseImage } from './base-image-volumes';
import {
  addLabHosts,
  allowLabClusters,
  asAdministrator,
  cleanLab,
  labClusterCore,
} from './clusters-support';
import type { LabState } from './state';

/** An account a lab test signs up, with the session it calls as. */
export interface LabAccount {
  ctx: CallContext;
  username: string;
  password: string;
}

export interface LabClusterSetup {
  core: CorralCore;
  dataDir: string;
  hostIds: string[];
}

/**
 * Where every lab cluster test starts: leftovers named `prefix…` removed from the hosts, the lab
 * image registered on each, a core on a fresh data folder (`dataDirPrefix`), `admin` signed up
 * first (so the administrator) then `users`, the lab hosts added as the administrator and
 * clusters allowed on them. A step that fails disposes what was made so far before the error goes
 * on, so the caller's cleanup only has `lab` to clean.
 */
export async function startLabClusters(
  lab: LabState,
  setup: { prefix: string; dataDirPrefix: string; admin: LabAccount; users: readonly LabAccount[] },
): Promise<LabClusterSetup> {
  await cleanLab(lab, setup.prefix);
  for (const h of lab.hosts) await registerBaseImage(h, lab.image);
  const dataDir = mkdtempSync(join(tmpdir(), setup.dataDirPrefix));
  let core: CorralCore | undefined;
  try {
    core = labClusterCore(dataDir);
    for (const a of [setup.admin, ...setup.users]) {
      await core.api.accounts.signUp({ username: a.username, password: a.password }, a.ctx);
    }
    const hostIds = await addLabHosts(core, lab, setup.admin.ctx);
    await allowLabClusters(asAdministrator(core, setup.admin.ctx), hostIds);
    return { core, dataDir, hostIds };
  } catch (err) {
    core?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** The end of every lab cluster test (afterAll, even after a failure): what the start made goes. */
export async function stopLabClusters(
  made: { lab?: LabState; core?: CorralCore; dataDir?: string },
  prefix: string,
): Promise<void> {
  made.core?.dispose();
  if (made.lab) await cleanLab(made.lab, prefix);
  if (made.dataDir) rmSync(made.dataDir, { recursive: true, force: true });
}

/** Creates a cluster as `owner` and waits for it; anything but success fails the setup. */
export async function createLabCluster(
  core: CorralCore,
  spec: ClusterSpec,
  owner: CallContext,
): Promise<Operation> {
  const op = await core.clusters.settled((await core.clusters.create(spec, owner)).id);
  if (op.status !== 'succeeded') throw new Error(`cluster: ${op.status} ${op.error ?? ''}`);
  return op;
}
