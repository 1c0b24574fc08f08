import xtermHeadless from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import {
  consoleLinkHandler,
  isOpenableLink,
  openLink,
} from '../../../renderer/console/link-policy';

const { Terminal } = xtermHeadless;
const ESC = '\x1b';
const ST = `${ESC}\\`;

/** What a guest prints for a hyperlink: OSC 8 ; params ; URI ST text OSC 8 ; ; ST. */
const osc8 = (uri: string, text = 'link', params = '', end = ST) =>
  `${ESC}]8;${params};${uri}${end}${text}${ESC}]8;;${end}`;

/**
 * The targets of the OSC 8 links in `printed`, as a real xterm parses them (the URI is what
 * follows the params' ';', as xterm's link service splits it).
 */
async function osc8Targets(printed: string): Promise<string[]> {
  const terminal = new Terminal({ allowProposedApi: true });
  const targets: string[] = [];
  terminal.parser.registerOscHandler(8, (data) => {
    const uri = data.slice(data.indexOf(';') + 1);
    if (uri) targets.push(uri);
    return false; // xterm's own handler still runs
  });
  await new Promise<void>((done) => terminal.write(printed, done));
  terminal.dispose();
  return targets;
}

/** Clicks each target through the handler the console's xterm uses; returns what was opened. */
function activateAll(targets: string[]): unknown[][] {
  const opened: unknown[][] = [];
  const handler = consoleLinkHandler(((...args: unknown[]) => {
    opened.push(args);
    return null;
  }) as typeof window.open);
  const range = { start: { x: 1, y: 1 }, end: { x: 4, y: 1 } };
  for (const uri of targets) handler.activate({} as MouseEvent, uri, range);
  return opened;
}

describe('console links: https only', () => {
  it.each([
    'https://example.org/',
    'https://docs.example.org:8443/path?q=1#frag',
    'HTTPS://EXAMPLE.ORG/upper',
  ])('opens %s', (uri) => {
    expect(isOpenableLink(uri)).toBe(true);
  });

  it.each([
    'http://example.org/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'ftp://example.org/',
    'vscode://extension',
    'https://user:secret@example.org/',
    'https://',
    'not a url',
    '',
  ])('refuses %s', (uri) => {
    expect(isOpenableLink(uri)).toBe(false);
  });

  it('hands only allowed links to window.open, without an opener', () => {
    const opened: unknown[][] = [];
    const open = ((...args: unknown[]) => {
      opened.push(args);
      return null;
    }) as typeof window.open;
    expect(openLink('http://example.org/', open)).toBe(false);
    expect(openLink('https://example.org/a b', open)).toBe(true);
    expect(opened).toEqual([['https://example.org/a%20b', '_blank', 'noopener,noreferrer']]);
  });
});

describe('console OSC 8 hyperlinks: the same https-only policy', () => {
  it('opens an https target, whatever the terminator or params', async () => {
    const printed =
      osc8('https://example.org/docs') +
      osc8('https://example.org/bel', 'bel', '', '\x07') +
      osc8('https://example.org/a;b?q=1', 'semi', 'id=42');
    const targets = await osc8Targets(printed);
    expect(targets).toEqual([
      'https://example.org/docs',
      'https://example.org/bel',
      'https://example.org/a;b?q=1',
    ]);
    expect(activateAll(targets)).toEqual([
      ['https://example.org/docs', '_blank', 'noopener,noreferrer'],
      ['https://example.org/bel', '_blank', 'noopener,noreferrer'],
      ['https://example.org/a;b?q=1', '_blank', 'noopener,noreferrer'],
    ]);
  });

  it.each([
    'javascript:alert(document.cookie)',
    'JaVaScRiPt:alert(1)',
    'javascript:alert(1)//https://example.org/',
    'file:///etc/passwd',
    'file://host/share/x',
    'http://example.org/',
    'ssh://root@10.0.0.1',
    'vscode://file/etc/passwd',
    'corral://open',
    'data:text/html,<script>alert(1)</script>',
    'https://user:secret@example.org/',
    'https://',
  ])('opens nothing for an OSC 8 link to %s', async (uri) => {
    const targets = await osc8Targets(`before ${osc8(uri)} after\r\n`);
    expect(targets).toEqual([uri]);
    expect(activateAll(targets)).toEqual([]);
  });

  it('leaves xterm its http(s)-only filter, so other schemes are never even offered as links', () => {
    expect(consoleLinkHandler().allowNonHttpProtocols).toBe(false);
  });
});
