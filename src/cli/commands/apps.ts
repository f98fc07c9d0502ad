// `solokube apps build NAME` / `apps push NAME` / `apps images NAME`: the image side of an app.
// Everything the user gives (the app name, the Dockerfile and context from the configuration, a
// tag, the project directory) is checked before any build, push or AWS call; problems are usage
// errors (exit 2). The cluster side (render, deploy, rollback, history, delete, list) is in
// apps-cluster.ts.

import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SolokubeConfig } from '../../config/schema.js';
import type { CommandContext, CommandRegistry } from '../context.js';
import { registerAppLifecycle } from './apps-cluster.js';
import { appFromArgs, projectDirFrom, requireConfigured } from './apps-input.js';

interface ImageOptions {
  tag?: string;
  projectDir?: string;
}

/** Input checked and resolved; nothing has run yet. */
interface AppTarget {
  config: SolokubeConfig;
  app: string;
  projectDir: string;
  dockerfile: string;
  context: string;
  tag?: string;
  keepImages: number;
}

export function registerApps(r: CommandRegistry): void {
  const group = r.program
    .command('apps')
    .description(
      "build, push, deploy, roll back and remove the apps of solokube.yaml (images for the node's architecture in ECR, objects by server-side apply)",
    );
  registerAppLifecycle(group, r);
  const withImageOptions = (name: string) =>
    group
      .command(`${name} <name>`)
      .option(
        '--tag <tag>',
        'image tag (default: the git commit of the project, with -dirty when the tree has changes)',
      )
      .option(
        '--project-dir <dir>',
        "the project directory that Dockerfile and context paths are relative to (default: the configuration file's directory)",
      );

  withImageOptions('build')
    .description(
      "build the app's image for the node's CPU (arm64 for Graviton instance types) with podman; prints the digest it will have in ECR",
    )
    .action(
      r.action<ImageOptions>('apps build', async (ctx, opts, args) => {
        const target = await resolveTarget(ctx, args[0], opts);
        const apps = await import('../../apps/index.js');
        const image = await apps.buildImage({ ...buildInput(target), io: ctx.io, signal: ctx.signal });
        return {
          data: image,
          text: `${image.app}: built ${image.localRef} for linux/${image.arch}, digest ${image.manifestDigest}`,
        };
      }),
    );

  withImageOptions('push')
    .description(
      "build the image, make sure the app's ECR repository exists (tagged, scan on push, " +
        'keep-last-N policy), and push it by digest; nothing is pushed when ECR already has that digest',
    )
    .action(
      r.action<ImageOptions>('apps push', async (ctx, opts, args) => {
        const target = await resolveTarget(ctx, args[0], opts);
        const [apps, session] = await Promise.all([import('../../apps/index.js'), import('../../aws/session.js')]);
        const image = await apps.buildImage({ ...buildInput(target), io: ctx.io, signal: ctx.signal });
        // The OCI layout is only the hand-over from build to push.
        const cleanup = () => rmSync(dirname(image.ociLayout), { recursive: true, force: true });
        return session
          .withAwsClients(target.config, async (clients) => {
            const repository = await apps.ensureRepository({
              clients,
              cluster: target.config.name,
              app: target.app,
              keepImages: target.keepImages,
              io: ctx.io,
              signal: ctx.signal,
            });
            const pushed = await apps.pushImage({ clients, image, repository, io: ctx.io, signal: ctx.signal });
            const { login: _login, ...result } = pushed;
            const data = {
              ...result,
              arch: image.arch,
              repositoryUri: repository.uri,
              repositoryCreated: repository.created,
            };
            const what = pushed.pushed
              ? 'pushed'
              : pushed.retagged
                ? 'already in ECR, tagged'
                : 'already in ECR, nothing pushed';
            return { data, text: `${target.app}: ${what}\n${pushed.imageUri}` };
          })
          .finally(cleanup);
      }),
    );

  group
    .command('images <name>')
    .description('list the images ECR holds for the app, newest first')
    .action(
      r.action<Record<string, never>>('apps images', async (ctx, _opts, args) => {
        const app = await appFromArgs(args[0]);
        const config = await ctx.loadConfig();
        await requireConfigured(config, app);
        const [apps, session] = await Promise.all([import('../../apps/index.js'), import('../../aws/session.js')]);
        return session.withAwsClients(config, async (clients) => {
          const images = await apps.listImages(clients, apps.ecrRepositoryName(config.name, app), ctx.signal);
          const text =
            images.length === 0
              ? `${app}: no images in ECR`
              : images
                  .map((i) => `${i.digest}  ${i.tags.join(',') || '(untagged)'}  ${i.pushedAt?.toISOString() ?? ''}`)
                  .join('\n');
          return { data: { app, images }, text };
        });
      }),
    );
}

async function resolveTarget(ctx: CommandContext, name: string | undefined, opts: ImageOptions): Promise<AppTarget> {
  const app = await appFromArgs(name);
  const { validateImageTag } = await import('../../apps/index.js');
  const { appSource } = await import('../../apps/source.js');
  const tag = opts.tag === undefined ? undefined : validateImageTag(opts.tag);
  const config = await ctx.loadConfig();
  await requireConfigured(config, app);
  const source = appSource(config, app, await projectDirFrom(ctx, opts.projectDir));
  return { config, ...source, ...(tag === undefined ? {} : { tag }) };
}

function buildInput(t: AppTarget) {
  return {
    app: t.app,
    projectDir: t.projectDir,
    dockerfile: t.dockerfile,
    context: t.context,
    instanceType: t.config.instanceType,
    ...(t.tag === undefined ? {} : { tag: t.tag }),
  };
}
