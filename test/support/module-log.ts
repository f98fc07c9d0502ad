// `node --import <this file>`: log every module the process loads (see module-log-hooks.ts).
import { register } from 'node:module';

register('./module-log-hooks.js', import.meta.url);
