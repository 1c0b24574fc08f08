import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../core/security/content-security-policy';
import { META_CONTENT_SECURITY_POLICY } from '../../../core/security/meta-content-security-policy';

const directives = new Map(
  CONTENT_SECURITY_POLICY.split(';').map((d) => {
    const [name = '', ...values] = d.trim().split(/\s+/);
    return [name, values] as const;
  }),
);

describe('content security policy', () => {
  it('allows no inline script or style and no eval', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*/);
  });

  it('denies by default and allows scripts only from the app', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
  });

  it('puts every directive a <meta> tag can carry into the meta policy, unchanged', () => {
    const meta = META_CONTENT_SECURITY_POLICY.split('; ');
    const header = CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim());
    expect(meta).toEqual(header.filter((d) => !d.startsWith('frame-ancestors')));
    expect(meta).toContain("script-src 'self'");
    expect(meta).toContain("style-src 'self'");
    expect(META_CONTENT_SECURITY_POLICY).not.toMatch(/frame-ancestors|unsafe-/);
  });
});
