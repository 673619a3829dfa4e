import pkg from '../package.json' with { type: 'json' };

/** The product name and version, from package.json at build time. */
export const PRODUCT = { name: pkg.name, version: pkg.version } as const;
