// `solokube apps build NAME` / `apps push NAME` / `apps images NAME`: the image side of an app.
// Everything the user gives (the app name, the Dockerfile and context from the configuration, a
// tag, the project directory) is checked before any build, push or AWS call; problems are usage
// errors (exit 2). Deploying (Deployment/Service/Ingress, rollout, rollback) is not here yet; see
// src/apps/README.md.

import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SolokubeConfig } from '../../config/schema.js';
import { UsageError } from '../../core/errors.js';
import type { CommandContext, CommandRegistry } from '../context.js';

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
      "build app images for the node's architecture and push them to ECR (deploying comes with the Kubernetes layer)",
    );
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
      "build the image, make sure the app's ECR repository exists (tagged, scan on push, keep-last-N policy), and push it by digest; nothing is pushed when ECR already has that digest",
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

async function appFromArgs(name: string | undefined): Promise<string> {
  const { validateAppName } = await import('../../apps/input.js');
  if (name === undefined) throw new UsageError('name the app');
  return validateAppName(name);
}

async function requireConfigured(config: SolokubeConfig, app: string) {
  const { appConfig } = await import('../../apps/manifests.js');
  return appConfig(config, app);
}

async function resolveTarget(ctx: CommandContext, name: string | undefined, opts: ImageOptions): Promise<AppTarget> {
  const app = await appFromArgs(name);
  const { resolveProjectPath, validateImageTag, DEFAULT_KEEP_IMAGES } = await import('../../apps/index.js');
  const tag = opts.tag === undefined ? undefined : validateImageTag(opts.tag);
  const config = await ctx.loadConfig();
  const entry = await requireConfigured(config, app);
  const { isSafePath } = await import('../../config/validators.js');
  if (opts.projectDir !== undefined && !isSafePath(opts.projectDir))
    throw new UsageError(`--project-dir ${JSON.stringify(opts.projectDir)} is not a plain path`);
  const projectDir = resolve(opts.projectDir ?? dirname(resolve(ctx.globals.config)));
  const context = resolveProjectPath(projectDir, entry.context ?? '.', 'the build context', 'directory');
  const dockerfile = resolveProjectPath(
    projectDir,
    entry.dockerfile ?? `${entry.context ?? '.'}/Dockerfile`,
    'the Dockerfile',
    'file',
  );
  return {
    config,
    app,
    projectDir,
    dockerfile,
    context,
    keepImages: entry.keepImages ?? config.keepImages ?? DEFAULT_KEEP_IMAGES,
    ...(tag === undefined ? {} : { tag }),
  };
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
