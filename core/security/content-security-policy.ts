/**
 * The renderer's Content Security Policy, the same in both shells: scripts and styles only from
 * the app itself (no 'unsafe-inline', no 'unsafe-eval'), no plugins, no framing, no form posts,
 * connections only back to the app's own origin (the server's WebSocket).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
