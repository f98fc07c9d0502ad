// Which configuration a command uses. With --sandbox and no solokube.yaml, the built-in example
// (c1.example.com) is the embedded default, so `solokube up --sandbox` works on a fresh clone.

import { existsSync } from 'node:fs';
import type { ConfigOverrides } from '../config/load.js';
import { EXAMPLE_CONFIG } from '../config/example.js';
import type { SolokubeConfig } from '../config/schema.js';
import { info } from '../core/io.js';
import type { CommandContext } from './context.js';
import { commandLineOverrides } from './context.js';

export async function configFor(
  ctx: CommandContext,
  sandbox: boolean,
  overrides: ConfigOverrides = {},
): Promise<SolokubeConfig> {
  if (!sandbox) return ctx.loadConfig(overrides);
  // The sandbox has no internet: its certificates come from pebble, the ACME server on its internet side.
  const { sandboxConfig } = await import('../sandbox/env/sandbox-ingress.js');
  if (!existsSync(ctx.globals.config)) {
    const { layeredOverrides, parseConfig } = await import('../config/load.js');
    const layered = layeredOverrides({ ...commandLineOverrides(ctx.globals), ...overrides });
    const config = parseConfig(
      EXAMPLE_CONFIG,
      'the built-in example configuration',
      layered.overrides,
      layered.origins,
    );
    info(ctx.io, `no ${ctx.globals.config} here: the sandbox uses the built-in example configuration (${config.name})`);
    return sandboxConfig(config);
  }
  return sandboxConfig(await ctx.loadConfig(overrides));
}
