import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Disposable } from '../../api/disposable';
import type { MigrationPreflight } from '../../api/migration-api';
import type { HostConnections } from '../../core/hosts/host-connections';
import { preflightMigration, type PreflightDeps } from '../../core/migration/migration-preflight';
import { TaskEngine } from '../../core/tasks/task-engine';
import { el, renderXml } from '../../core/xml/xml-element';
import { LibvirtClient, connectUnixSocket, type DomainRef } from '../../native/libvirt';

/**
 * The pre-flight's reads against a real libvirtd's test driver: `test:///default` stands for the
 * source host, a test driver of its own (an empty node from a file: no networks, interfaces or
 * pools) for the target, and a real task engine says what is busy. What only QEMU hosts can show (memory, base
 * images, the CPU) is proved on the lab (test/lab/migration-preflight.test.ts).
 */
const A = 'host-a';
const B = 'host-b';
const name = `corral-it-pf-${process.pid}`;

class TwoHosts implements HostConnections {
  offline = new Set<string>();
  constructor(private readonly clients: Record<string, LibvirtClient>) {}
  libvirt(hostId: string): LibvirtClient {
    const c = this.clients[hostId];
    if (!c || this.offline.has(hostId)) throw new Error(`${hostId} is offline`);
    return c;
  }
  online() {
    return Object.entries(this.clients)
      .filter(([hostId]) => !this.offline.has(hostId))
      .map(([hostId, client]) => ({ hostId, client }));
  }
  onHostOnline(): Disposable {
    return { dispose() {} };
  }
  onHostOffline(): Disposable {
    return { dispose() {} };
  }
  onHostRemoved(): Disposable {
    return { dispose() {} };
  }
}

function vmXml(vmName: string): string {
  return renderXml(
    el(
      'domain',
      { type: 'test' },
      el('name', {}, vmName),
      el('memory', { unit: 'MiB' }, 128),
      el('vcpu', {}, 1),
      el('os', {}, el('type', {}, 'hvm')),
      el(
        'devices',
        {},
        el('interface', { type: 'network' }, el('source', { network: 'default' })),
        el('interface', { type: 'bridge' }, el('source', { bridge: 'corral-no-such-br' })),
      ),
    ),
  );
}

describe("migration pre-flight reads of a real libvirtd's test driver (two hosts)", () => {
  let a: LibvirtClient;
  let b: LibvirtClient;
  let hosts: TwoHosts;
  let dom: DomainRef;
  let engine: TaskEngine;
  let deps: PreflightDeps;
  const dataDir = mkdtempSync(join(tmpdir(), 'corral-pf-it-'));
  const check = (): Promise<MigrationPreflight> =>
    preflightMigration(deps, { hostId: A, uuid: dom.uuid, targetHostId: B });
  const codes = async () => (await check()).blockers.map((x) => x.code);

  beforeAll(async () => {
    const socket = inject('integrationEnv').libvirtSocket;
    const empty = join(dataDir, 'empty-node.xml');
    writeFileSync(empty, renderXml(el('node')));
    const open = (uri: string) => LibvirtClient.connect(() => connectUnixSocket(socket), { uri });
    [a, b] = await Promise.all([open('test:///default'), open(`test://${empty}`)]);
    hosts = new TwoHosts({ [A]: a, [B]: b });
    dom = (await a.call('domainDefineXmlFlags', { xml: vmXml(name), flags: 0 })).dom;
    engine = new TaskEngine({ file: join(dataDir, 'tasks.jsonl') });
    deps = {
      hosts,
      nameOf: () => name,
      hostName: (id) => `${id}.example`,
      tasks: engine,
    };
  });

  afterAll(async () => {
    engine?.dispose();
    await a?.close();
    await b?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads both hosts: the bridge and network the target lacks named, an offline move', async () => {
    const verdict = await check();
    expect(verdict.mode).toBe('offline');
    expect(verdict.vm).toEqual({ hostId: A, uuid: dom.uuid, name });
    const nets = verdict.blockers.filter((x) => x.code === 'network-missing');
    expect(nets.map((x) => x.message)).toEqual([
      `host-b.example has no bridge corral-no-such-br (used by ${name})`,
      `host-b.example has no active libvirt network default (used by ${name})`,
    ]);
    // The test driver has no node memory statistics: a read that fails blocks, named.
    const memory = verdict.blockers.find((x) => x.code === 'memory-short');
    expect(memory?.message).toMatch(/^could not read the memory of host-b\.example: /);
    expect(verdict.blockers.map((x) => x.code).sort()).toEqual([
      'memory-short',
      'network-missing',
      'network-missing',
    ]);
    expect(verdict.notices.map((n) => n.code)).toEqual(['offline']);
  });

  it('names a domain of the same name on the target', async () => {
    const clash = (await b.call('domainDefineXmlFlags', { xml: vmXml(name), flags: 0 })).dom;
    try {
      const verdict = await check();
      const found = verdict.blockers.find((x) => x.code === 'name-clash');
      expect(found?.message).toBe(
        `host-b.example already has a domain named ${name} (UUID ${clash.uuid})`,
      );
    } finally {
      await b.call('domainUndefineFlags', { dom: clash, flags: 0 });
    }
    expect(await codes()).not.toContain('name-clash');
  });

  it('counts and names the snapshots of the VM', async () => {
    const xml = renderXml(el('domainsnapshot', {}, el('name', {}, 'pf-s1')));
    const { snap } = await a.call('domainSnapshotCreateXml', { dom, xmlDesc: xml, flags: 0 });
    try {
      const found = (await check()).blockers.find((x) => x.code === 'snapshots');
      expect(found?.message).toBe(
        `${name} has 1 snapshot (pf-s1); libvirt moves no VM that has any`,
      );
    } finally {
      await a.call('domainSnapshotDelete', { snap, flags: 0 });
    }
    expect(await codes()).not.toContain('snapshots');
  });

  it("names the engine's task that works on the VM", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    engine.register({ kind: 'vm-resize', cancellable: false, run: () => held });
    const task = await engine.start({
      kind: 'vm-resize',
      ownerId: 'u1',
      title: `Resize ${name}: memory 256 MiB`,
      targets: [{ kind: 'vm', hostId: A, uuid: dom.uuid, name }],
      state: {},
    });
    try {
      const busy = (await check()).blockers.find((x) => x.code === 'vm-busy');
      expect(busy?.message).toBe(`${name} is busy: Resize ${name}: memory 256 MiB`);
    } finally {
      release();
      await engine.settled(task.id);
    }
    expect(await codes()).not.toContain('vm-busy');
  });

  it('names a target or source that is not connected, without asking it anything', async () => {
    hosts.offline.add(B);
    try {
      const verdict = await check();
      expect(verdict.blockers.map((x) => x.code)).toEqual(['target-offline']);
      expect(verdict.blockers[0]!.message).toBe('host-b.example is not connected');
    } finally {
      hosts.offline.delete(B);
    }
    hosts.offline.add(A);
    try {
      expect((await check()).blockers.map((x) => x.code)).toContain('source-offline');
    } finally {
      hosts.offline.delete(A);
    }
  });
});
