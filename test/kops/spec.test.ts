// The rendered kops documents: golden files (UPDATE_GOLDEN=1 rewrites them), kops' own CRD schemas
// (closed objects, so a misspelt field fails), and the choices the design asks for.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { KopsSchemas } from '../../src/kops/schema-check.js';
import { renderClusterSpecs, type KopsDocument } from '../../src/kops/spec.js';
import { parseKopsYaml, specsYaml } from '../../src/kops/spec-yaml.js';
import { specChanges } from '../../src/kops/spec-diff.js';
import {
  reclaimAdditionalPolicies,
  reclaimAdditionalUserData,
  reclaimSpecFor,
  renderReclaimPolicyStatements,
} from '../../src/reclaim/index.js';
import { cloudInitPlan } from '../../src/sandbox/env/cloud-init-standin.js';
import { CONFIGS, kopsSchemaDir, STATE_STORE } from './support.js';

function golden(name: string, actual: string): void {
  const url = new URL(`../../../test/kops/golden/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(url, actual);
  assert.equal(actual, readFileSync(url, 'utf8'), `golden file ${name} differs (UPDATE_GOLDEN=1 to accept)`);
}

const render = (name: string) => {
  const c = CONFIGS[name]!;
  return renderClusterSpecs(c.config, {
    stateStore: STATE_STORE,
    ...(c.appSecurityGroupId ? { appSecurityGroupId: c.appSecurityGroupId } : {}),
  });
};

describe('kops specs', () => {
  for (const name of Object.keys(CONFIGS)) {
    test(
      `GIVEN the ${name} configuration WHEN rendering THEN the YAML matches its golden file, ` +
        `parses back to the same documents, and fits kops' schemas`,
      () => {
        const specs = render(name);
        const text = specsYaml(specs);
        golden(`${name}.yaml`, text);
        assert.deepEqual(parseKopsYaml(text), [specs.cluster, ...specs.instanceGroups]);
        const schemas = new KopsSchemas(kopsSchemaDir());
        for (const doc of [specs.cluster, ...specs.instanceGroups])
          assert.deepEqual(schemas.check(doc), [], `${doc.kind} ${doc.metadata.name}`);
      },
    );
  }

  test(
    'GIVEN the default configuration THEN one control-plane group of 1 and a worker group of ' +
      '0, public DNS for the API without a load balancer, ECR pulls allowed, no image',
    () => {
      const { cluster, instanceGroups } = render('default');
      assert.deepEqual(
        instanceGroups.map((g) => [g.metadata.name, g.spec['role'], g.spec['minSize'], g.spec['maxSize']]),
        [
          ['control-plane-eu-west-1a', 'Master', 1, 1],
          ['nodes-eu-west-1a', 'Node', 0, 0],
        ],
      );
      assert.deepEqual(cluster.spec['api'], { dns: {} });
      assert.deepEqual(cluster.spec['topology'], { dns: { type: 'Public' } });
      assert.deepEqual(cluster.spec['iam'], { allowContainerRegistry: true, legacy: false });
      assert.deepEqual(cluster.spec['networking'], { cilium: {} });
      assert.equal(cluster.spec['kubernetesVersion'], '1.36.3');
      assert.ok(instanceGroups.every((g) => !('image' in g.spec) && !('additionalSecurityGroups' in g.spec)));
    },
  );

  test('GIVEN custom zones, image and an app security group THEN one subnet per zone, the group in the control plane only, the image on every group', () => {
    const { cluster, instanceGroups } = render('custom');
    assert.deepEqual(
      (cluster.spec['subnets'] as { zone: string; cidr: string }[]).map((s) => [s.zone, s.cidr]),
      [
        ['eu-west-1b', '172.20.32.0/19'],
        ['eu-west-1c', '172.20.64.0/19'],
      ],
    );
    assert.deepEqual(instanceGroups[0]!.spec['additionalSecurityGroups'], ['sg-0123456789abcdef0']);
    assert.equal(instanceGroups[1]!.spec['additionalSecurityGroups'], undefined);
    assert.ok(instanceGroups.every((g) => g.spec['image'] === 'debian/debian-12-amd64-20261101-2000'));
  });

  test('GIVEN a document with a misspelt field or a wrong type WHEN checked against the schemas THEN each problem is named by its path', () => {
    const { cluster } = render('default');
    const broken: KopsDocument = {
      ...cluster,
      spec: { ...cluster.spec, kubernetesVersoin: '1.36.3', sshAccess: '0.0.0.0/0' },
    };
    const problems = new KopsSchemas(kopsSchemaDir()).check(broken);
    assert.deepEqual(problems.sort(), [
      'Cluster.spec.kubernetesVersoin: is not a field kops knows',
      'Cluster.spec.sshAccess: is string, schema wants array',
    ]);
  });

  test(
    'GIVEN the secondary IP on WHEN rendering THEN the control-plane group carries the reclaim ' +
      'unit in additionalUserData and the Cluster its statements under ' +
      'additionalPolicies.master; the worker group neither',
    () => {
      const config = CONFIGS['default']!.config;
      const { cluster, instanceGroups } = render('default');
      const spec = reclaimSpecFor(config);
      assert.deepEqual(instanceGroups[0]!.spec['additionalUserData'], [reclaimAdditionalUserData(spec)]);
      assert.equal(instanceGroups[1]!.spec['additionalUserData'], undefined);
      // kops' v1alpha2 key for the control plane's role is `master` (what it writes back).
      assert.deepEqual(cluster.spec['additionalPolicies'], {
        master: reclaimAdditionalPolicies(spec)['control-plane'],
      });
      const statements = JSON.parse((cluster.spec['additionalPolicies'] as { master: string }).master) as ReturnType<
        typeof renderReclaimPolicyStatements
      >;
      assert.deepEqual(statements, renderReclaimPolicyStatements(spec));
      // What cloud-init will do with it: write the script and the unit, enable and start the unit.
      const plan = cloudInitPlan((instanceGroups[0]!.spec['additionalUserData'] as { content: string }[])[0]!.content);
      assert.deepEqual(
        plan.files.map((f) => f.path),
        ['/usr/local/lib/solokube/reclaim.sh', '/etc/systemd/system/solokube-reclaim.service'],
      );
      assert.deepEqual(
        plan.scripts.flatMap((x) => x.steps.map((st) => st.join(' '))),
        [
          'systemctl daemon-reload',
          'systemctl enable solokube-reclaim.service',
          'systemctl start --no-block solokube-reclaim.service',
        ],
      );
    },
  );

  test(
    'GIVEN the reclaim rendered for the configuration WHEN the proxy mode or the cluster name ' +
      'differ THEN the unit differs with them (it matches what up configures)',
    () => {
      const config = CONFIGS['default']!.config;
      const base = render('default');
      const other = (c: typeof config) =>
        renderClusterSpecs(c, { stateStore: STATE_STORE }).instanceGroups[0]!.spec['additionalUserData'];
      assert.notDeepEqual(other({ ...config, proxy: 'haproxy' }), base.instanceGroups[0]!.spec['additionalUserData']);
      const renamed = other({ ...config, name: 'c2.example.com' }) as { content: string }[];
      assert.match(renamed[0]!.content, /reclaim unit for cluster c2\.example\.com/);
    },
  );

  test('GIVEN the secondary IP off THEN neither fragment is rendered, and switching it off plans their removal in short lines', () => {
    const on = render('default');
    const off = render('no-secondary-ip');
    assert.equal(off.cluster.spec['additionalPolicies'], undefined);
    assert.ok(off.instanceGroups.every((g) => !('additionalUserData' in g.spec)));
    const changes = specChanges(on, off);
    assert.deepEqual(
      changes.map((c) => c.field),
      [
        'cluster c1.example.com: spec.additionalPolicies.master',
        'ig control-plane-eu-west-1a: spec.additionalUserData',
      ],
    );
    const [policies, userData] = changes;
    assert.match(String(policies!.from), /^\d+ bytes, sha256 [0-9a-f]{12}$/);
    assert.equal(policies!.to, undefined);
    assert.deepEqual(
      (userData!.from as string[]).map((x) => x.replace(/\d+ bytes, sha256 [0-9a-f]{12}/, 'N')),
      ['solokube-reclaim.cfg (text/cloud-config, N)'],
    );
    // Switching back on plans them again: the conversion goes both ways through replace -f.
    assert.equal(specChanges(off, on).length, 2);
  });

  test('GIVEN the specs as kops reads them back, its objects inside lists in its own key order THEN they plan no change', () => {
    const on = render('default');
    const reordered = structuredClone(on);
    const cp = reordered.instanceGroups[0]!;
    cp.spec['additionalUserData'] = (cp.spec['additionalUserData'] as Record<string, string>[]).map((e) =>
      Object.fromEntries(Object.entries(e).reverse()),
    );
    assert.notEqual(
      JSON.stringify(cp.spec['additionalUserData']),
      JSON.stringify(on.instanceGroups[0]!.spec['additionalUserData']),
    );
    assert.deepEqual(specChanges(reordered, on), []);
  });
});
