import type { CommandRegistry } from '../context.js';
import { VERSION } from '../version.js';
import { versionText } from '../version-text.js';

export function registerVersion(r: CommandRegistry): void {
  r.program
    .command('version')
    .description('print the solokube version and the Node.js it runs on')
    .action(
      r.action('version', async () => ({
        data: { version: VERSION, node: process.version },
        text: versionText(VERSION, process.version),
      })),
    );
}
