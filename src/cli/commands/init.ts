import { open } from 'node:fs/promises';
import { EXAMPLE_CONFIG } from '../../config/example.js';
import { SolokubeError } from '../../core/errors.js';
import type { CommandRegistry } from '../context.js';

interface InitOptions {
  force?: boolean;
}

export function registerInit(r: CommandRegistry): void {
  r.program
    .command('init')
    .description('write a commented example solokube.yaml (to -c <file>); edit it, then run `solokube plan`')
    .option('--force', 'overwrite an existing file')
    .action(
      r.action<InitOptions>('init', async (ctx, opts) => {
        const path = ctx.globals.config;
        const { parseConfig } = await import('../../config/load.js');
        parseConfig(EXAMPLE_CONFIG, 'the built-in example'); // never write an example that would not load
        let handle;
        try {
          // 'wx' fails if the file exists, so there is no window between a check and the write.
          handle = await open(path, opts.force ? 'w' : 'wx', 0o644);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
            throw new SolokubeError({
              code: 'init.exists',
              message: `${path} already exists; it was left as it is`,
              remedy: 'Pass --force to overwrite it, or -c <other file>.',
              actor: 'user',
              exitCode: 2,
            });
          }
          throw new SolokubeError({
            code: 'init.write',
            message: `cannot write ${path}: ${(err as Error).message}`,
            cause: err,
            actor: 'user',
          });
        }
        try {
          await handle.writeFile(EXAMPLE_CONFIG);
        } finally {
          await handle.close();
        }
        return { data: { path }, text: `wrote ${path}; edit it, then run: solokube plan -c ${path}` };
      }),
    );
}
