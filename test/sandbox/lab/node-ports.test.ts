// Pure parts of the kubelet stand-in's pod network and NodePort stand-in: which NodePort goes where,
// the nft script (and its removal when nothing is left), and the pod network's shell lines (names
// derived from the pod, only checked values in them). The running proof is
// test/sandbox/env/proxy-switch.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appListeners } from '../../../src/sandbox/lab/app-pods.js';
import { NODE_PORTS_TABLE, nodePortMappings, renderNodePorts } from '../../../src/sandbox/lab/node-ports.js';
import { podNetwork, podNetworkDown, podNetworkUp } from '../../../src/sandbox/lab/pod-network.js';

const traefikService = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'traefik', namespace: 'solokube-ingress' },
  spec: {
    type: 'NodePort',
    ports: [
      { name: 'web', port: 80, nodePort: 30080, protocol: 'TCP' },
      { name: 'websecure', port: 443, nodePort: 30443, protocol: 'TCP' },
    ],
  },
};
const slice = (ready: boolean) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'traefik-abc', namespace: 'solokube-ingress' },
  ports: [
    { name: 'websecure', port: 8443, protocol: 'TCP' },
    { name: 'web', port: 8080, protocol: 'TCP' },
  ],
  endpoints: [{ addresses: ['198.18.128.7'], conditions: { ready } }],
});

describe('NodePort stand-in', () => {
  test('GIVEN a NodePort Service with a ready endpoint WHEN mapped THEN each node port goes to the slice port of the same name on that endpoint', () => {
    assert.deepEqual(
      nodePortMappings([traefikService], () => [slice(true)]),
      [
        { service: 'solokube-ingress/traefik', nodePort: 30080, ip: '198.18.128.7', port: 8080 },
        { service: 'solokube-ingress/traefik', nodePort: 30443, ip: '198.18.128.7', port: 8443 },
      ],
    );
  });

  test('GIVEN no ready endpoint, a ClusterIP Service or a hostile address WHEN mapped THEN nothing is mapped', () => {
    assert.deepEqual(
      nodePortMappings([traefikService], () => [slice(false)]),
      [],
    );
    assert.deepEqual(
      nodePortMappings([{ ...traefikService, spec: { ...traefikService.spec, type: 'ClusterIP' } }], () => [
        slice(true),
      ]),
      [],
    );
    const hostile = { ...slice(true), endpoints: [{ addresses: ['1.2.3.4; flush ruleset'] }] };
    assert.deepEqual(
      nodePortMappings([traefikService], () => [hostile]),
      [],
    );
  });

  test(
    'GIVEN mappings WHEN rendered THEN one table of ours replaces the previous one, DNAT for ' +
      'local destinations from outside and from the node; none: the table is only removed',
    () => {
      const text = renderNodePorts(nodePortMappings([traefikService], () => [slice(true)]));
      assert.match(
        text,
        new RegExp(
          `^add table ip ${NODE_PORTS_TABLE}\\ndelete table ip ${NODE_PORTS_TABLE}\\ntable ip ${NODE_PORTS_TABLE} \\{`,
          'm',
        ),
      );
      for (const hook of ['prerouting', 'output'])
        assert.match(
          text,
          new RegExp(
            `type nat hook ${hook} [^\\n]*\\n[^\\n]*dport 30080 dnat to 198\\.18\\.128\\.7:8080[^\\n]*\\n[^\\n]*dport 30443 dnat to 198\\.18\\.128\\.7:8443`,
          ),
        );
      assert.match(text, /fib daddr type local tcp dport 30443/);
      const none = renderNodePorts([]);
      assert.match(none, new RegExp(`delete table ip ${NODE_PORTS_TABLE}\\n$`));
      assert.doesNotMatch(none, /dnat/);
    },
  );
});

describe('pod network stand-in', () => {
  test('GIVEN a pod WHEN its network is named THEN the names come from its uid, fit interface limits, and differ per pod', () => {
    const a = podNetwork('0b6a3c1e-uid-a', '198.18.128.7', '198.18.0.10', 'host0');
    const b = podNetwork('0b6a3c1e-uid-b', '198.18.128.7', '198.18.0.10', 'host0');
    assert.match(a.netns, /^skl-p-[0-9a-f]{10}$/);
    assert.ok(a.hostLink.length <= 15, a.hostLink);
    assert.notEqual(a.netns, b.netns);
    const up = podNetworkUp(a);
    assert.match(up, /ip -n skl-p-[0-9a-f]+ address replace 198\.18\.128\.7\/32 dev eth0/);
    assert.match(up, /route replace default via 198\.18\.0\.10 dev eth0 onlink/);
    assert.match(up, /oifname host0 ip saddr 198\.18\.128\.0\/18 masquerade/);
    assert.match(podNetworkDown(a.netns), new RegExp(`ip netns del ${a.netns}`));
    assert.throws(() => podNetworkDown('skl-pods; reboot'), /not a pod network namespace/);
  });

  test('GIVEN anything but an address or interface name WHEN a pod network is asked for THEN it is refused before any line is made', () => {
    assert.throws(() => podNetwork('u', '198.18.128.7; reboot', '198.18.0.10', 'host0'), /not an IPv4 address/);
    assert.throws(() => podNetwork('u', '198.18.128.7', '198.18.0.10', 'host0 ;'), /not an interface name/);
  });

  test('GIVEN a running pod whose image the pod runner runs WHEN the app stand-in lists listeners THEN that pod gets none', () => {
    const pod = (name: string, image: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'ns' },
      spec: { containers: [{ name: 'c', image, ports: [{ containerPort: 8080 }] }] },
      status: { phase: 'Running', podIP: name === 'app' ? '198.18.128.1' : '198.18.128.2' },
    });
    const pods = [pod('app', 'registry/app@sha256:00'), pod('traefik', 'docker.io/library/traefik:v3.6')];
    assert.deepEqual(
      appListeners(pods, new Set(['traefik'])).map((l) => l.pod),
      ['app'],
    );
    assert.equal(appListeners(pods).length, 2);
  });
});
