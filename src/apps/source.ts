// Where an app's image comes from: its Dockerfile and build context inside the project directory,
// resolved and checked (plain paths, no escape through symlinks) before anything is built.
import { resolve } from 'node:path';
import type { SolokubeConfig } from '../config/schema.js';
import { resolveProjectPath } from './input.js';
import { appConfig } from './manifests.js';
import { DEFAULT_KEEP_IMAGES } from './repository-name.js';

export interface AppSource {
  app: string;
  projectDir: string;
  dockerfile: string;
  context: string;
  keepImages: number;
}

export function appSource(config: SolokubeConfig, app: string, projectDir: string): AppSource {
  const entry = appConfig(config, app);
  const dir = resolve(projectDir);
  return {
    app,
    projectDir: dir,
    context: resolveProjectPath(dir, entry.context ?? '.', 'the build context', 'directory'),
    dockerfile: resolveProjectPath(
      dir,
      entry.dockerfile ?? `${entry.context ?? '.'}/Dockerfile`,
      'the Dockerfile',
      'file',
    ),
    keepImages: entry.keepImages ?? config.keepImages ?? DEFAULT_KEEP_IMAGES,
  };
}
