import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConsoleService } from '../../core/console/console-service';
import { ScreenReplay } from '../../core/console/screen-replay';
import type { DomainRef, LibvirtClient } from '../../native/libvirt';
import { guestKernel } from '../support/guest-kernel';
import { consolePanes, typeUntil, type Pane } from './support/console-panes';
import { guestInitramfs } from './support/guest-initramfs';
import { guestDomainXml } from './support/guest-xml';
import { waitUntil } from './support/wait';
import { LocalHost } from './support/local-host';

const HOST = 'local';
/**
 * A smaller pane buffer cap than the app's, so that a flood a TCG guest prints in seconds
 * (its serial line carries ~50 KB/s here) is well past what a stalled pane may hold.
 */
const PANE_BUFFER_CAP = 128 * 1024;
/** Lines the flooding guest prints (`seq`, ~0.8 MB with the tty's CRs). */
const FLOOD_LINES = 120_000;

const encode = (s: string) => new TextEncoder().encode(s);

/** The last `rows` lines a terminal shows after parsing `text`. */
async function lastLines(text: string, rows = 24): Promise<string[]> {
  const screen = new ScreenReplay();
  await screen.write(encode(text));
  const lines = screen.text();
  screen.dispose();
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines.slice(-rows);
}

const summary = (ms: number[]) => {
  const sorted = [...ms].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `n=${sorted.length} median=${at(0.5)?.toFixed(1)} ms p95=${at(0.95)?.toFixed(1)} ms max=${sorted.at(-1)?.toFixed(1)} ms`;
};

describe('console: a pane that stops reading holds up nothing else on its host', () => {
  const host = new LocalHost(HOST, inject('integrationEnv').libvirtSocket);
  // The service alone: ownership of consoles is proven in accounts-ownership.test.ts.
  const service = new ConsoleService(host, {
    canSee: () => true,
    session: { paneBufferCap: PANE_BUFFER_CAP },
  });
  const panes = consolePanes(service, HOST);
  const names = [`corral-stall-a-${process.pid}`, `corral-stall-b-${process.pid}`];
  let flooder: DomainRef;
  let other: DomainRef;

  async function boot(client: LibvirtClient, name: string): Promise<DomainRef> {
    const xml = guestDomainXml({ name, kernel: guestKernel().vmlinuz, initrd: guestInitramfs() });
    const { dom: defined } = await client.call('domainDefineXmlFlags', { xml, flags: 0 });
    return (await client.call('domainCreateWithFlags', { dom: defined, flags: 0 })).dom;
  }

  beforeAll(async () => {
    const client = await host.connect();
    [flooder, other] = (await Promise.all(names.map((n) => boot(client, n)))) as [
      DomainRef,
      DomainRef,
    ];
  });

  afterAll(async () => {
    service.dispose();
    panes.dispose();
    const client = host.client ?? (await host.connect());
    for (const name of names) {
      const found = await client.call('domainLookupByName', { name }).catch(() => undefined);
      if (!found) continue;
      await client.call('domainDestroyFlags', { dom: found.dom, flags: 0 }).catch(() => {});
      await client.call('domainUndefineFlags', { dom: found.dom, flags: 0 }).catch(() => {});
    }
    await client.close();
  });

  it('while one pane never grants credit and its guest floods the console, other calls and another console on the same connection answer; the pane then gets the kept screen', async () => {
    const client = host.client!;
    const watcher = await panes.open(flooder.uuid);
    const neighbour = await panes.open(other.uuid);
    await typeUntil(watcher, 'echo ready-$((6*7))', /ready-42/);
    await typeUntil(neighbour, 'echo ready-$((6*7))', /ready-42/);

    // A pane whose terminal is frozen: it takes its first bytes and never returns credit.
    let thawed = false;
    let thaw!: () => void;
    const frozen = new Promise<void>((resolve) => (thaw = resolve));
    const stalled: Pane = await panes.open(flooder.uuid, {
      consumer: () => (thawed ? Promise.resolve() : frozen),
    });

    await watcher.stream.write(encode(`seq 1 ${FLOOD_LINES}; echo flood-$((6*7))-done\r`));
    const callMs: number[] = [];
    const consoleMs: number[] = [];
    let answeredWhileStalled = 0;
    let answeredAfterDetach = 0;
    const flooding = () => !/flood-42-done/.test(watcher.text);
    // The service's own view: the stalled pane is still attached (not detached as stuck).
    const stalledAttached = () =>
      service.sessions({ hostId: HOST }, { sessionId: 'it' }).find((e) => e.uuid === flooder.uuid)
        ?.panes === 2;
    const note = () =>
      stalledAttached() && !stalled.ended ? answeredWhileStalled++ : answeredAfterDetach++;
    const calls = (async () => {
      while (flooding()) {
        const t0 = performance.now();
        await client.call('domainGetState', { dom: other, flags: 0 });
        callMs.push(performance.now() - t0);
        note();
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const echoes = (async () => {
      for (let k = 0; flooding(); k++) {
        const t0 = performance.now();
        await neighbour.stream.write(encode(`echo n${k}-$((${k}+1000))\r`));
        await waitUntil(`the neighbour answers ${k}`, 60_000, () =>
          neighbour.text.includes(`n${k}-${k + 1000}`),
        );
        consoleMs.push(performance.now() - t0);
        note();
      }
    })();
    await waitUntil('the flood to end on the watching pane', 300_000, () => !flooding(), 200);
    await Promise.all([calls, echoes]);
    console.info(
      `flood of ${watcher.text.length} bytes with a stalled pane: domainGetState ${summary(callMs)}; ` +
        `other console echo ${summary(consoleMs)}`,
    );

    // Everything answered while the stalled pane was still attached and still stalled.
    expect(callMs.length).toBeGreaterThan(0);
    expect(consoleMs.length).toBeGreaterThan(0);
    expect(answeredAfterDetach).toBe(0);
    expect(answeredWhileStalled).toBe(callMs.length + consoleMs.length);
    expect(stalled.ended).toBe(false);
    expect(stalledAttached()).toBe(true);

    // The tab thaws: it gets the kept screen (after a reset), not the megabytes it missed.
    thawed = true;
    thaw();
    await waitUntil('the stalled pane gets the screen', 60_000, () =>
      /flood-42-done/.test(stalled.text),
    );
    expect(stalled.text).toContain('\x1bc');
    // A line from the middle of the flood: past the pane's credit, before the kept scrollback.
    const missed = `\r\n${FLOOD_LINES / 2}\r\n`;
    expect(watcher.text).toContain(missed);
    expect(stalled.text).not.toContain(missed);
    expect(await lastLines(stalled.text)).toEqual(await lastLines(watcher.text));
    // And live output follows.
    await typeUntil(watcher, 'echo after-$((6*7))', /after-42/);
    await waitUntil('live output reaches the thawed pane', 30_000, () =>
      /after-42/.test(stalled.text),
    );
    expect(stalled.ended).toBe(false);
  });
});
