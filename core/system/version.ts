import pkg from '../../package.json' with { type: 'json' };

/** Corral's version, from package.json (bundled at build time, so it works in packaged apps). */
export const CORRAL_VERSION: string = pkg.version;
