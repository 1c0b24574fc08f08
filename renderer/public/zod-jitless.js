// A classic script that runs before the app's modules (index.html loads it first, unbundled).
// zod compiles fast parsers with `new Function` when it may, and finds out by trying: under the
// strict CSP (no 'unsafe-eval') that try is refused and reported as a CSP violation even though
// zod catches it. `jitless` tells zod not to try. zod reads its global configuration when its
// schemas are created, while the app's modules load, so it has to be set before any of them run.
globalThis.__zod_globalConfig = Object.assign({}, globalThis.__zod_globalConfig, {
  jitless: true,
});
