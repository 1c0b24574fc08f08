import { describe, expect, it } from 'vitest';
import { isOpenableLink, openLink } from '../../../renderer/console/link-policy';

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
