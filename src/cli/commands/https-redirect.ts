// `solokube https-redirect enable|disable [--app NAME]`: records the choice in solokube.yaml, so
// every later deploy renders the apps' HTTP routes with (or without) the redirect middleware.

import { rename, stat, writeFile } from 'node:fs/promises';
import type { AppModeRow } from '../../config/https-redirect-edit.js';
import type { CommandRegistry } from '../context.js';

interface RedirectOptions {
  app?: string;
  dryRun?: boolean;
}

export function renderAppModes(rows: readonly AppModeRow[]): string {
  if (rows.length === 0) return 'apps: none configured';
  const width = Math.max(...rows.map((r) => r.host.length));
  return ['apps:', ...rows.map((r) => `  ${r.host.padEnd(width)}  ${r.mode}`)].join('\n');
}

export function registerHttpsRedirect(r: CommandRegistry): void {
  const group = r.program
    .command('https-redirect')
    .description(
      "redirect the apps' http:// to https:// (or stop), recorded in solokube.yaml so later deploys keep it",
    );
  for (const verb of ['enable', 'disable'] as const) {
    group
      .command(verb)
      .description(`${verb} the redirect for every app, or for one with --app (edits -c <file>, keeping comments)`)
      .option('--app <name>', 'only this app')
      .option('--dry-run', 'show the result and change nothing')
      .action(
        r.action<RedirectOptions>(`https-redirect ${verb}`, async (ctx, opts) => {
          const path = ctx.globals.config;
          // yaml and zod load with the command, so --help does not pay for them.
          const [{ editHttpsRedirect }, { readConfigText }] = await Promise.all([
            import('../../config/https-redirect-edit.js'),
            import('../../config/load.js'),
          ]);
          const text = await readConfigText(path);
          const edit = editHttpsRedirect(text, path, {
            enabled: verb === 'enable',
            ...(opts.app === undefined ? {} : { app: opts.app }),
          });
          if (edit.changed && !opts.dryRun) await replaceFile(path, edit.text);
          const what = edit.changed
            ? opts.dryRun
              ? `would update ${path}`
              : `updated ${path}`
            : `${path} already says so; nothing changed`;
          const next = edit.changed && !opts.dryRun ? '\nrun `solokube up` to apply it to the cluster' : '';
          return {
            data: { path, changed: edit.changed, dryRun: Boolean(opts.dryRun), apps: edit.apps },
            text: `${what}\n${renderAppModes(edit.apps)}${next}`,
          };
        }),
      );
  }
}

/** Write beside the file and rename over it, keeping its permissions: a crash leaves the old or the new file, never half. */
async function replaceFile(path: string, text: string): Promise<void> {
  const mode = (await stat(path)).mode & 0o777;
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode });
  await rename(tmp, path);
}
