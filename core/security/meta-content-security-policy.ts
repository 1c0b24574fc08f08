import { CONTENT_SECURITY_POLICY } from './content-security-policy';

/**
 * Directives a browser ignores, with a console warning, when the policy arrives in a <meta> tag:
 * they only work as a response header (which both shells also send).
 */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

/**
 * The policy for index.html's <meta> tag (it holds where no header can be set, file:// in the
 * desktop app): the same directives as the header, without those a <meta> tag cannot carry.
 */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split(';')
  .map((d) => d.trim())
  .filter((d) => !HEADER_ONLY.has(d.split(/\s+/)[0] ?? ''))
  .join('; ');
