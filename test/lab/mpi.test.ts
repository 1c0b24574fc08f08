import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './exec';
import { bootGuest, guestSsh, removeGuest, type LabGuest } from './guest';
import { currentLab } from './lab-fixture';
import { labMpirunArgv } from './mpirun-argv';

describe('OpenMPI across lab guests', () => {
  const guests: LabGuest[] = [];

  beforeAll(async () => {
    const lab = currentLab();
    // mpirun reaches the other guest over SSH: give both the lab key through the seed's
    // write_files (which this also exercises end to end).
    const key = readFileSync(lab.sshKey, 'utf8');
    const writeFiles = [{ path: '/root/.ssh/id_ed25519', content: key, permissions: '0600' }];
    guests.push(
      ...(await Promise.all([
        bootGuest(lab, { name: 'lab-mpi-a', host: 1, writeFiles }),
        bootGuest(lab, { name: 'lab-mpi-b', host: 2, writeFiles }),
      ])),
    );
    // Each guest trusts exactly the seeded host keys of the others: the lab's known_hosts lines.
    const knownHosts = readFileSync(lab.knownHosts, 'utf8');
    for (const g of guests) {
      await run('ssh', ['-F', lab.sshConfig, g.address, '--', 'cat > /root/.ssh/known_hosts'], {
        input: knownHosts,
      });
    }
  });

  afterAll(async () => {
    const lab = currentLab();
    for (const g of guests) await removeGuest(lab, g);
  });

  it('runs 2 ranks on each of 2 guests on different hosts', async () => {
    const lab = currentLab();
    const [a, b] = [guests[0]!, guests[1]!];
    const { stdout } = await guestSsh(
      lab,
      a,
      labMpirunArgv(['--host', `${a.address}:2,${b.address}:2`], 4, ['hostname']),
    );
    const names = stdout.split('\n').filter(Boolean).sort();
    expect(names).toEqual([a.name, a.name, b.name, b.name]);
  });
});
