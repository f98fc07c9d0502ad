import type { CommandRegistry } from '../context.js';
import { VERSION } from '../version.js';

export function registerVersion(r: CommandRegistry): void {
  r.program
    .command('version')
    .description('print the solokube version and the Node.js it runs on')
    .action(
      r.action('version', async () => ({
        data: { version: VERSION, node: process.version },
        text: `solokube ${VERSION} (node ${process.version})`,
      })),
    );
}
