// Which configuration a command uses. With --sandbox and no solokube.yaml, the built-in example
// (c1.example.com) is the embedded default, so `solokube up --sandbox` works on a fresh clone.

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { exampleProjectDir } from '../apps/example-project.js';
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

/**
 * Where the apps' Dockerfiles and build contexts are, and how their images are tagged: beside the
 * configuration file, tagged with the project's git commit; for the built-in example (the sandbox
 * without a solokube.yaml), in the package's own examples/, tagged with a digest of what is built
 * (the package need not be a git checkout, and solokube's commit says nothing about the example).
 */
export function appsProjectFor(ctx: CommandContext, sandbox: boolean): { projectDir: string; tagFromContent: boolean } {
  if (sandbox && !existsSync(ctx.globals.config)) return { projectDir: exampleProjectDir(), tagFromContent: true };
  return { projectDir: dirname(resolve(ctx.globals.config)), tagFromContent: false };
}
