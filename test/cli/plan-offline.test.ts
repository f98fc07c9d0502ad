// `plan --offline` describes exactly the resources `up` converges: its ids are the resources' own,
// for every shape of configuration, so the offline view cannot drift from what `up` does.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsClients } from '../../src/aws/clients.js';
import { parseConfig } from '../../src/config/load.js';
import { upResources } from '../../src/stack/stack.js';
import type { NodeAccess } from '../../src/stack/node-step.js';
import { runCli } from '../support/cli.js';

const base = 'name: c1.example.com\ndnsZone: example.com\nregion: eu-west-1\napps:\n  - {name: hello, port: 8080}\n';

// Building the resource list contacts nothing; this access fails loudly if anything tried.
const noNode: NodeAccess = {
  shellFor: () => Promise.reject(new Error('the offline plan must not reach the node')),
  close: async () => {},
};

describe('plan --offline comes from the resources', () => {
  for (const [what, extra] of [
    ['haproxy', 'proxy: haproxy\n'],
    ['direct', 'proxy: direct\n'],
    ['no secondary IP', 'secondaryIp: false\n'],
  ] as const) {
    test(`GIVEN ${what} THEN the offline plan lists exactly the ids up converges, each with a description`, async () => {
      const yaml = base + extra;
      const path = join(mkdtempSync(join(tmpdir(), 'solokube-offline-')), 'solokube.yaml');
      writeFileSync(path, yaml);
      const r = await runCli(['plan', '--offline', '-c', path, '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const offline = (JSON.parse(r.stdout) as { result: { desired: { id: string; title: string; values: object }[] } })
        .result.desired;

      const config = parseConfig(yaml, 'test');
      const clients = createAwsClients({
        region: config.region,
        endpoint: 'http://127.0.0.1:9',
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      });
      try {
        const ids = upResources(config, clients, noNode).map((res) => res.id);
        assert.deepEqual(
          offline.map((d) => d.id),
          ids,
        );
      } finally {
        clients.destroy();
      }
      for (const d of offline)
        assert.ok(d.title.length > 0 && Object.keys(d.values).length > 0, `${d.id} is described`);
    });
  }
});
