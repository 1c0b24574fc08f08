import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl, toExternalUrl } from '../../../api/external-links';

describe('external link policy', () => {
  it('accepts https URLs', () => {
    expect(isAllowedExternalUrl('https://libvirt.org/docs.html')).toBe(true);
    expect(toExternalUrl('HTTPS://Example.COM/a b')).toBe('https://example.com/a%20b');
  });

  it.each([
    'http://example.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'smb://server/share',
    'ssh://host',
    'vscode://file/x',
    'https://user:pass@example.com/',
    'https://',
    'not a url',
    '',
    '//example.com/',
  ])('rejects %j', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });

  it('applies an allowlist of hosts when given one', () => {
    const hosts = ['libvirt.org', 'GitHub.com'];
    expect(isAllowedExternalUrl('https://libvirt.org/x', hosts)).toBe(true);
    expect(isAllowedExternalUrl('https://github.com/x', hosts)).toBe(true);
    expect(isAllowedExternalUrl('https://evil.libvirt.org.example/x', hosts)).toBe(false);
    expect(isAllowedExternalUrl('https://example.com/', hosts)).toBe(false);
    expect(isAllowedExternalUrl('http://libvirt.org/', hosts)).toBe(false);
  });
});
