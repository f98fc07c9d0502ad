// The version tag of a build: the git commit of the project, with "-dirty" when the working tree
// has changes (tracked or untracked files that are not ignored), so a tag never claims a commit
// the image does not match.
import { SolokubeError } from '../core/errors.js';
import { runTool } from './engine.js';

export async function gitVersionTag(
  projectDir: string,
  signal: AbortSignal,
): Promise<{ tag: string; commit: string; dirty: boolean }> {
  const git = (args: string[]) =>
    runTool('git', ['-C', projectDir, ...args], {
      signal,
      what: 'reading the git commit',
      remedy: 'Make the project a git repository with at least one commit, or pass --tag.',
    });
  let commit: string;
  try {
    commit = (await git(['rev-parse', '--short=12', 'HEAD'])).stdout.trim();
  } catch (err) {
    throw new SolokubeError({
      code: 'apps.no-git-commit',
      message: `${projectDir} has no git commit to tag the image with`,
      remedy: 'Commit the project in git (the image is tagged with the commit), or pass --tag.',
      actor: 'user',
      exitCode: 2,
      cause: err,
    });
  }
  const status = (await git(['status', '--porcelain'])).stdout;
  const dirty = status.trim() !== '';
  return { tag: dirty ? `${commit}-dirty` : commit, commit, dirty };
}
