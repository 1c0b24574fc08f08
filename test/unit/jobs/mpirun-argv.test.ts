import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunSpec } from '../../../api/jobs-api';
import {
  hostfileSlots,
  launchArgv,
  mpirunArgv,
  RANK_WRAPPER,
  slotProblem,
} from '../../../core/jobs/mpirun-argv';

const plan = {
  hostfile: '/etc/corral/hostfile',
  np: 4,
  wrapper: '/var/tmp/corral-jobs/j1/corral-rank.sh',
  jobDir: '/var/tmp/corral-jobs/j1',
  program: '/var/tmp/corral-jobs/j1/hello',
};

describe('mpirun argv', () => {
  it('runs the wrapper around the program over the hostfile, as root, output as XML', () => {
    expect(mpirunArgv(RunSpec.parse({}), plan)).toEqual([
      'env',
      'OMPI_ALLOW_RUN_AS_ROOT=1',
      'OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1',
      'mpirun',
      '--xml',
      '--hostfile',
      '/etc/corral/hostfile',
      '-np',
      '4',
      plan.wrapper,
      plan.jobDir,
      plan.program,
    ]);
  });

  it('maps every RunSpec option to its mpirun flag, exports the environment, pins the NIC', () => {
    const run = RunSpec.parse({
      ranks: 6,
      ranksPerNode: 2,
      oversubscribe: true,
      args: ['--size', "it's; rm -rf /"],
      env: [{ name: 'OMP_NUM_THREADS', value: '2 $(x)' }],
      options: { mapBy: 'node', bindTo: 'core', reportBindings: true },
    });
    const argv = mpirunArgv(run, { ...plan, np: 6, nic: 'eth0' });
    expect(argv.slice(0, 5)).toEqual([
      'env',
      'OMPI_ALLOW_RUN_AS_ROOT=1',
      'OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1',
      'OMP_NUM_THREADS=2 $(x)',
      'mpirun',
    ]);
    const flags = argv.join(' ');
    expect(flags).toContain(
      '-np 6 --npernode 2 --map-by node --bind-to core --report-bindings --oversubscribe',
    );
    expect(flags).toContain(
      '--mca btl self,tcp --mca btl_tcp_if_include eth0 --mca oob_tcp_if_include eth0',
    );
    expect(flags).toContain('-x OMP_NUM_THREADS');
    // The person's arguments stay single elements after the program, whatever they hold.
    expect(argv.slice(-3)).toEqual([plan.program, '--size', "it's; rm -rf /"]);
  });

  it('launch: detached, pid recorded, output and status in the job folder (run for real)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-launch-'));
    try {
      writeFileSync(join(dir, 'stdin'), 'input line\n');
      const argv = launchArgv(dir, ['sh', '-c', 'cat; echo "$1" >&2; exit 7', 'sh', "a 'b' $c"]);
      const pid = Number(execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' }).trim());
      expect(pid).toBeGreaterThan(1);
      for (let i = 0; i < 100 && !existsSync(join(dir, 'mpirun.status')); i++) {
        execFileSync('sleep', ['0.05']);
      }
      expect(readFileSync(join(dir, 'mpirun.pid'), 'utf8').trim()).toBe(String(pid));
      expect(readFileSync(join(dir, 'mpirun.xml'), 'utf8')).toBe('input line\n');
      expect(readFileSync(join(dir, 'mpirun.err'), 'utf8')).toBe("a 'b' $c\n");
      expect(readFileSync(join(dir, 'mpirun.status'), 'utf8').trim()).toBe('7');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the rank wrapper records start, node and exit status or signal per rank (run for real)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-wrapper-'));
    try {
      const wrapper = join(dir, 'corral-rank.sh');
      writeFileSync(wrapper, RANK_WRAPPER);
      chmodSync(wrapper, 0o755);
      const run = (rank: string, script: string) => {
        try {
          execFileSync(wrapper, [dir, 'sh', '-c', script], {
            env: { ...process.env, OMPI_COMM_WORLD_RANK: rank },
            stdio: 'ignore',
          });
        } catch {
          // The wrapper passes the program's failure on; the record is what is checked.
        }
      };
      run('0', 'exit 0');
      run('1', 'exit 3');
      run('2', 'kill -SEGV $$');
      const rec = (r: string) => readFileSync(join(dir, 'ranks', r), 'utf8');
      expect(rec('0')).toMatch(/^start \d{19} \S+\nend \d{19} 0\n$/);
      expect(rec('1')).toMatch(/\nend \d{19} 3\n$/);
      expect(rec('2')).toMatch(/\nend \d{19} 139\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('slots', () => {
  const slots = hostfileSlots('# nodes\nc-0 slots=2\nc-1 slots=1\n\nc-2\n');

  it('reads the hostfile the cluster writes (a node without slots counts one)', () => {
    expect(slots).toEqual([
      { node: 'c-0', slots: 2 },
      { node: 'c-1', slots: 1 },
      { node: 'c-2', slots: 1 },
    ]);
  });

  it('refuses more ranks than slots, naming the slots, unless oversubscribing', () => {
    expect(slotProblem(RunSpec.parse({ ranks: 4 }), slots)).toBeUndefined();
    expect(slotProblem(RunSpec.parse({}), slots)).toBeUndefined();
    expect(slotProblem(RunSpec.parse({ ranks: 5 }), slots)).toMatch(
      /5 ranks need more than the cluster's 4 slots \(c-0: 2, c-1: 1, c-2: 1\)/,
    );
    expect(slotProblem(RunSpec.parse({ ranks: 5, oversubscribe: true }), slots)).toBeUndefined();
    expect(slotProblem(RunSpec.parse({ ranks: 4, ranksPerNode: 1 }), slots)).toMatch(
      /do not fit 1 per node on 3 nodes/,
    );
  });
});
