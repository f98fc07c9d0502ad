// The built-in example's app: `up --sandbox` without a solokube.yaml builds it from the package's own
// examples/ directory, tagged with a digest of what is built (the package need not be a git
// checkout). Pure: files only, no podman.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentTag } from '../../src/apps/content-tag.js';
import { dockerfileRunsPrograms } from '../../src/apps/emulation.js';
import { exampleProjectDir } from '../../src/apps/example-project.js';
import { validateImageTag } from '../../src/apps/input.js';
import { appSource } from '../../src/apps/source.js';
import { appsProjectFor } from '../../src/cli/config-source.js';
import type { CommandContext } from '../../src/cli/context.js';
import { EXAMPLE_CONFIG } from '../../src/config/example.js';
import { parseConfig } from '../../src/config/load.js';

const contextWith = (config: string) => ({ globals: { config } }) as unknown as CommandContext;

describe('the built-in example app', () => {
  test(
    'GIVEN the built-in example configuration WHEN its app is resolved in the example project ' +
      'THEN the package ships a Dockerfile that builds without pulling or running anything',
    () => {
      const config = parseConfig(EXAMPLE_CONFIG, 'example');
      const source = appSource(config, 'hello', exampleProjectDir());
      assert.equal(source.dockerfile, join(exampleProjectDir(), 'apps', 'hello', 'Dockerfile'));
      assert.equal(source.context, join(exampleProjectDir(), 'apps', 'hello'));
      const dockerfile = readFileSync(source.dockerfile, 'utf8');
      // Nothing can be pulled in the sandbox, and no program may need emulation on arm64 instance types.
      const froms = [...dockerfile.matchAll(/^\s*FROM\s+(\S+)/gim)].map((m) => m[1]);
      assert.deepEqual(froms, ['scratch']);
      assert.equal(dockerfileRunsPrograms(dockerfile), false);
      for (const m of dockerfile.matchAll(/^\s*COPY\s+(\S+)/gim))
        assert.ok(existsSync(join(source.context, m[1]!)), m[0]);
    },
  );

  test(
    'GIVEN no solokube.yaml WHEN up runs in the sandbox THEN apps are built from the example ' +
      'project, tagged by content; with a file, beside it, by git',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'solokube-example-'));
      try {
        const file = join(dir, 'solokube.yaml');
        assert.deepEqual(appsProjectFor(contextWith(file), true), {
          projectDir: exampleProjectDir(),
          tagFromContent: true,
        });
        writeFileSync(file, EXAMPLE_CONFIG);
        assert.deepEqual(appsProjectFor(contextWith(file), true), { projectDir: dir, tagFromContent: false });
        assert.deepEqual(appsProjectFor(contextWith(join(dir, 'absent.yaml')), false), {
          projectDir: dir,
          tagFromContent: false,
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('content tags', () => {
  const project = () => {
    const dir = mkdtempSync(join(tmpdir(), 'solokube-tag-'));
    mkdirSync(join(dir, 'site'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY site /site\n');
    writeFileSync(join(dir, 'site', 'index.html'), 'hello\n');
    return dir;
  };

  test('GIVEN the same Dockerfile and context WHEN tagged twice, even after a touch THEN the tag is the same and a valid image tag', async () => {
    const dir = project();
    try {
      const first = await contentTag(join(dir, 'Dockerfile'), dir);
      utimesSync(join(dir, 'site', 'index.html'), new Date(0), new Date(0));
      assert.equal(await contentTag(join(dir, 'Dockerfile'), dir), first);
      assert.match(first, /^content-[0-9a-f]{16}$/);
      assert.equal(validateImageTag(first), first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('GIVEN a changed file, a renamed file, a changed Dockerfile or a new link WHEN tagged THEN each gives another tag', async () => {
    const dir = project();
    try {
      const tag = () => contentTag(join(dir, 'Dockerfile'), dir);
      const seen = new Set([await tag()]);
      writeFileSync(join(dir, 'site', 'index.html'), 'hello!\n');
      seen.add(await tag());
      rmSync(join(dir, 'site', 'index.html'));
      writeFileSync(join(dir, 'site', 'other.html'), 'hello!\n');
      seen.add(await tag());
      writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY site /srv\n');
      seen.add(await tag());
      symlinkSync('other.html', join(dir, 'site', 'index.html'));
      seen.add(await tag());
      assert.equal(seen.size, 5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
