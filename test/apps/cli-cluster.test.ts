// test:integration — needs the Go-built Kubernetes binaries (a real control plane with kwok) and podman.
// `solokube apps render|deploy|history|list|rollback|delete` as a subprocess: hostile input is
// refused with exit 2 before any build or API call; deploy prints the URLs and a JSON result, a
// second deploy changes nothing; --dry-run changes nothing.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { runCli } from '../aws/harness.js';
import { kubectlGet } from '../support/control-plane.js';
import { commitAll, registryCalls } from './support.js';
import { appsClusterLab } from './cluster-support.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('solokube apps render/deploy/history/list/rollback/delete', () => {
  const t = appsClusterLab('c1.example.com', true);
  const cli = (args: string[]) =>
    runCli(
      t.lab.emu.endpoint,
      ['-c', join(t.project, 'solokube.yaml'), '--log-timestamps', 'none', ...args, '--output', 'json'],
      120_000,
      { ...t.lab.tools.env },
    );

  before(async () => {
    writeFileSync(
      join(t.project, 'solokube.yaml'),
      `name: c1.example.com
dnsZone: example.com
region: eu-west-1
secondaryIp: false
kubeconfig: ${t.cp.kubeconfigPath}
apps:
  - name: web
    port: 8080
    env: { GREETING: hi }
`,
    );
    commitAll(t.project, 'config');
  });

  it('GIVEN hostile input WHEN an apps cluster command runs THEN exit 2 and no AWS or registry request was made', async () => {
    const runs: [string[], RegExp][] = [
      [['apps', 'deploy', 'Web;id', '--yes'], /RFC 1123/],
      [['apps', 'deploy', 'web', '--rollout-deadline', '10;reboot', '--yes'], /rollout-deadline/],
      [['apps', 'deploy', 'web', '--tag', 'x y', '--yes'], /tag/],
      [['apps', 'rollback', 'web', '--to', 'HEAD~1', '--yes'], /neither a revision/],
      [['apps', 'rollback', '../web', '--yes'], /RFC 1123/],
      [['apps', 'history', '$(id)'], /RFC 1123/],
      [['apps', 'delete', 'a b', '--yes'], /RFC 1123/],
      [['apps', 'render', 'web', '--image', 'evil;rm@sha256:1'], /not an image by digest/],
      [['apps', 'render', 'nope', '--image', `r/x@${DIGEST}`], /no app nope/],
    ];
    for (const [args, message] of runs) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.json<{ error: { message: string } }>().error.message, message, args.join(' '));
    }
    assert.deepEqual(t.lab.emu.calls(), [], 'no AWS or registry request');
  });

  it('GIVEN an app WHEN rendered with --image THEN the YAML holds its Deployment by that digest, Service and Ingress', async () => {
    const r = await runCli(
      t.lab.emu.endpoint,
      ['-c', join(t.project, 'solokube.yaml'), 'apps', 'render', 'web', '--image', `registry.example/web@${DIGEST}`],
      60_000,
    );
    assert.equal(r.code, 0, r.stderr);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string; spec: Record<string, unknown> });
    assert.deepEqual(
      docs.map((d) => d.kind),
      ['Deployment', 'Service', 'Ingress', 'Ingress'],
    );
    assert.match(JSON.stringify(docs[0]), new RegExp(`registry.example/web@${DIGEST}`));
    assert.ok(parseYaml(r.stdout.split('---')[0]!));
  });

  it(
    'GIVEN a configured app WHEN deployed from the CLI THEN URLs without the secondary IP are ' +
      'on 30443, a rerun changes nothing, history, list and delete report it',
    async () => {
      const dry = await cli(['apps', 'deploy', 'web', '--dry-run']);
      assert.equal(dry.code, 0, dry.stderr);
      assert.equal(dry.json<{ result: { decision: string } }>().result.decision, 'dry-run');
      assert.equal(
        await kubectlGet(t.cp, ['deployment', 'web', '-n', 'default']),
        undefined,
        'the dry run made nothing',
      );

      const first = await cli(['apps', 'deploy', 'web', '--yes']);
      assert.equal(first.code, 0, first.stderr);
      const r1 = first.json<{ result: { urls: string[]; pushed: boolean; changed: boolean; digest: string } }>().result;
      assert.deepEqual([r1.pushed, r1.changed], [true, true]);
      assert.deepEqual(r1.urls, ['https://web.example.com:30443/']);

      t.lab.emu.resetCalls();
      const again = await cli(['apps', 'deploy', 'web', '--yes']);
      assert.equal(again.code, 0, again.stderr);
      const r2 = again.json<{ result: { pushed: boolean; changed: boolean } }>().result;
      assert.deepEqual([r2.pushed, r2.changed], [false, false]);
      assert.deepEqual(registryCalls(t.lab.emu), []);

      const history = (await cli(['apps', 'history', 'web'])).json<{
        result: { history: { revision: number; digest: string; inEcr: boolean }[] };
      }>().result.history;
      assert.deepEqual(
        history.map((h) => [h.revision, h.digest, h.inEcr]),
        [[1, r1.digest, true]],
      );
      const listed = (await cli(['apps', 'list'])).json<{
        result: { apps: { name: string; deployed: boolean; ready: number }[] };
      }>().result.apps;
      assert.deepEqual(
        listed.map((a) => [a.name, a.deployed, a.ready]),
        [['web', true, 1]],
      );

      const noEarlier = await cli(['apps', 'rollback', 'web', '--yes']);
      assert.equal(noEarlier.code, 1);
      assert.equal(noEarlier.json<{ error: { code: string } }>().error.code, 'apps.no-earlier-revision');

      const del = await cli(['apps', 'delete', 'web', '--yes', '--purge-images']);
      assert.equal(del.code, 0, del.stderr);
      assert.equal(del.json<{ result: { stillConfigured: boolean } }>().result.stillConfigured, true);
      assert.equal(await kubectlGet(t.cp, ['deployment', 'web', '-n', 'default']), undefined);
      assert.deepEqual(
        (await cli(['apps', 'images', 'web'])).json<{ result: { images: unknown[] } }>().result.images,
        [],
        'the repository went with its images',
      );
    },
  );
});
