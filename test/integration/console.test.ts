import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConsoleService } from '../../core/console/console-service';
import type { DomainRef, LibvirtClient } from '../../native/libvirt';
import { guestKernel } from '../support/guest-kernel';
import { consolePanes, typeUntil } from './support/console-panes';
import { guestInitramfs } from './support/guest-initramfs';
import { guestDomainXml } from './support/guest-xml';
import { waitUntil } from './support/wait';
import { LocalHost } from './support/local-host';

const HOST = 'local';

describe('console: a TCG guest on qemu:///system through ConsoleService', () => {
  const host = new LocalHost(HOST, inject('integrationEnv').libvirtSocket);
  // The service alone: ownership of consoles is proven in accounts-ownership.test.ts.
  const service = new ConsoleService(host, {
    canSee: () => true,
  });
  const panes = consolePanes(service, HOST);
  const name = `corral-con-${process.pid}`;
  let dom: DomainRef;
  const openPane = (uuid = dom.uuid) => panes.open(uuid);

  async function boot(client: LibvirtClient): Promise<DomainRef> {
    const xml = guestDomainXml({ name, kernel: guestKernel().vmlinuz, initrd: guestInitramfs() });
    const { dom: defined } = await client.call('domainDefineXmlFlags', { xml, flags: 0 });
    return (await client.call('domainCreateWithFlags', { dom: defined, flags: 0 })).dom;
  }

  beforeAll(async () => {
    const client = await host.connect();
    dom = await boot(client);
  });

  afterAll(async () => {
    service.dispose();
    panes.dispose();
    const client = host.client ?? (await host.connect());
    const found = await client.call('domainLookupByName', { name }).catch(() => undefined);
    if (found) {
      await client.call('domainDestroyFlags', { dom: found.dom, flags: 0 }).catch(() => {});
      await client.call('domainUndefineFlags', { dom: found.dom, flags: 0 }).catch(() => {});
    }
    await client.close();
  });

  it('types into the console and reads the answer; a second pane gets the replay', async () => {
    const first = await openPane();
    // $((6*7)) shows 42 only when the shell ran it, not in the echoed command line.
    await typeUntil(first, 'echo hello-$((6*7))', /hello-42/);
    expect(service.sessions({}, { sessionId: 'it' })).toEqual([
      { hostId: HOST, uuid: dom.uuid, name, panes: 1 },
    ]);

    const second = await openPane();
    await waitUntil('the replay in the second pane', 10_000, () => /hello-42/.test(second.text));
    expect(second.text).toContain('echo hello-$((6*7))');
    // Both panes share one console: what the second types, the first sees.
    await typeUntil(second, 'echo again-$((7*6))', /again-42/);
    await waitUntil('the first pane sees it too', 10_000, () => /again-42/.test(first.text));
    expect(service.sessions({}, { sessionId: 'it' })[0]?.panes).toBe(2);
  });

  it('ends the panes with "host unreachable" when the host connection drops', async () => {
    const pane = await openPane();
    await waitUntil('the replay', 10_000, () => /again-42/.test(pane.text));
    // The connection really goes away (its socket closes); the hosts service would then report
    // the host offline.
    host.client!.connection.destroy(new Error('link down'));
    host.client = undefined;
    await waitUntil('the pane ends', 30_000, () => pane.ended);
    expect(pane.error).toMatchObject({
      code: 'unavailable',
      message: 'console closed: host unreachable',
    });
    expect(service.sessions({}, { sessionId: 'it' })).toEqual([]);
    await expect(openPane()).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('ends the panes with "domain shut off" when the domain is destroyed', async () => {
    const client = await host.connect();
    host.online$.fire([HOST, client]);
    const pane = await openPane();
    await typeUntil(pane, 'echo back-$((40+2))', /back-42/);
    await client.call('domainDestroyFlags', { dom, flags: 0 });
    await waitUntil('the pane ends', 30_000, () => pane.ended);
    expect(pane.error).toMatchObject({
      code: 'unavailable',
      message: 'console closed: domain shut off',
    });
  });

  it('refuses a console of a VM that is not running, or does not exist', async () => {
    await expect(openPane()).rejects.toMatchObject({ code: 'conflict' });
    await expect(openPane('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'not-found',
    });
  });
});
