// The app pods' stand-in, the pure part: which pods get a listener (running, with a pod IP, not in
// the host network, TCP ports only), and that nothing taken from the API reaches nginx's
// configuration unless it is a plain name, an IPv4 address or a port.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STANDIN_HEADER, appListeners, renderAppPodsConfig } from '../../src/sandbox/lab/app-pods.js';

type Pod = Parameters<typeof appListeners>[0][number];

const pod = (over: {
  name?: string;
  ip?: string;
  phase?: string;
  hostNetwork?: boolean;
  deleting?: boolean;
  ports?: { containerPort: number; protocol?: string }[];
  container?: string;
}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: over.name ?? 'hello-abc12',
    namespace: 'default',
    ...(over.deleting ? { deletionTimestamp: '2026-11-30T12:00:00Z' } : {}),
  },
  spec: {
    ...(over.hostNetwork ? { hostNetwork: true } : {}),
    containers: [{ name: over.container ?? 'web', ports: over.ports ?? [{ containerPort: 8080 }] }],
  },
  status: { phase: over.phase ?? 'Running', ...(over.ip === '' ? {} : { podIP: over.ip ?? '198.18.128.1' }) },
});

describe('app pods stand-in', () => {
  test('GIVEN running app pods WHEN listeners are worked out THEN each TCP containerPort on its pod IP, in address order', () => {
    const out = appListeners([
      pod({ name: 'b', ip: '198.18.128.2', ports: [{ containerPort: 3000 }, { containerPort: 53, protocol: 'UDP' }] }),
      pod({ name: 'a' }),
    ]);
    assert.deepEqual(out, [
      { namespace: 'default', pod: 'a', container: 'web', ip: '198.18.128.1', port: 8080 },
      { namespace: 'default', pod: 'b', container: 'web', ip: '198.18.128.2', port: 3000 },
    ]);
  });

  test('GIVEN pods that are pending, deleting, in the host network or without an address THEN none gets a listener', () => {
    assert.deepEqual(
      appListeners([pod({ phase: 'Pending' }), pod({ deleting: true }), pod({ hostNetwork: true }), pod({ ip: '' })]),
      [],
    );
  });

  test('GIVEN hostile values from the API (an address, a name, a port) THEN they never reach the configuration', () => {
    const hostile = [
      pod({ ip: '198.18.128.1:80; } server { listen 22' }),
      pod({ ip: 'fd00::1' }),
      pod({ name: 'x";\n return 200 "owned' }),
      pod({ container: 'web"; error_log /etc/passwd' }),
      pod({ ports: [{ containerPort: 0 }, { containerPort: 70_000 }] }),
    ];
    assert.deepEqual(appListeners(hostile), []);
  });

  test(
    'GIVEN a listener WHEN the configuration is rendered THEN it listens on the pod address ' +
      'only and says in a header and the body that it is a stand-in',
    () => {
      const conf = renderAppPodsConfig(appListeners([pod({})]));
      assert.match(conf, /listen 198\.18\.128\.1:8080;/);
      assert.doesNotMatch(conf, /listen (\*:)?8080;/);
      assert.match(conf, new RegExp(`add_header ${STANDIN_HEADER} "app pod default/hello-abc12 container web .*stand`));
      assert.match(
        conf,
        /stand-in pod=198\.18\.128\.1:8080 host=\$host client=\$remote_addr xff=\$http_x_forwarded_for/,
      );
    },
  );
});
