import { z } from 'zod';

// Under a CSP without 'unsafe-eval' zod cannot compile parsers; it finds out by trying
// `new Function` once, when the first object schema is built, and Chromium reports that caught
// attempt as a CSP violation. Declaring the page eval-free skips the attempt (parsing is the
// same: it never compiled here anyway). Import this module before any schema is built.
z.config({ jitless: true });
