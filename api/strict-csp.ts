import { config } from 'zod';

/*
 * Imported first by the renderer, for its side effect: zod must not compile parsers with
 * `new Function`. Under the renderer's strict CSP (no 'unsafe-eval') zod's probe for that throws,
 * which zod catches, but the browser still reports a CSP violation for it. Object schemas probe
 * when they are built, at import time, so this runs before any schema module is evaluated.
 */
config({ jitless: true });
