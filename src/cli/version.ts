import { createRequire } from 'node:module';

// package.json is the single source of the version; dist/src/cli → ../../../package.json.
const require = createRequire(import.meta.url);
export const VERSION: string = (require('../../../package.json') as { version: string }).version;
