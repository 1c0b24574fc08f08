import { afterAll, describe, expect, it } from 'vitest';
import { DomainLifecycle, LibvirtClient, connectUnixSocket } from '../../native/libvirt';
import { ProcedureCoverage, unixTransport } from './support/clients';
import { defineTestDriverSuite } from './support/driver-suite';
import { defineGuestSuite } from './support/guest-suite';
import { el, renderXml as toXml } from '../../core/xml/xml-element';
import { waitUntil } from './support/wait';
import { inject } from 'vitest';

const transport = unixTransport();
const coverage = new ProcedureCoverage();
afterAll(() => transport.dispose());

defineTestDriverSuite(transport, coverage);
defineGuestSuite(transport, coverage);

describe('unix: reconnect', () => {
  it('registers event callbacks again after a reconnect', async () => {
    const env = inject('integrationEnv');
    const c = await LibvirtClient.connect(() => connectUnixSocket(env.libvirtSocket), {
      uri: 'test:///default',
    });
    const seen: string[] = [];
    const sub = await c.onDomainEvent('lifecycle', (e) => {
      if (e.event === DomainLifecycle.DEFINED) seen.push(e.dom.name);
    });
    await c.reconnect();
    const xml = toXml(
      el(
        'domain',
        { type: 'test' },
        el('name', {}, 'corral-it-reconnect'),
        el('memory', {}, '65536'),
        el('os', {}, el('type', {}, 'hvm')),
      ),
    );
    await c.call('domainDefineXmlFlags', { xml, flags: 0 });
    await waitUntil('DEFINED after reconnect', 10_000, () => seen.includes('corral-it-reconnect'));
    expect(sub.callbackID).toBeGreaterThanOrEqual(0);
    await c.close();
  });
});

describe('unix: coverage', () => {
  it('exercised every procedure of the table', () => {
    expect(coverage.missing()).toEqual([]);
  });
});
