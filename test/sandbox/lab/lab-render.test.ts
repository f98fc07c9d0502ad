// Pure parts of the lab: stand-in config per ingress mode, address checks, SSH fingerprints, image key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inCidr } from '../../../src/sandbox/lab/addresses.js';
import { nodeImageKey, NODE_IMAGE_PACKAGES } from '../../../src/sandbox/lab/node-image.js';
import { generateSshKeys, sshFingerprint } from '../../../src/sandbox/lab/ssh-keys.js';
import { assertIngressMode, renderStandinConfig } from '../../../src/sandbox/lab/standins.js';
import { run } from '../../../src/sandbox/lab/run.js';

test('GIVEN each ingress mode WHEN rendering the stand-ins THEN the listeners match the mode', () => {
  const plain = renderStandinConfig({ proxyProtocol: false, direct: false });
  assert.match(plain, /listen 443 ssl;/);
  assert.match(plain, /listen 30443 ssl;/);
  assert.match(plain, /listen 30080;/);
  assert.doesNotMatch(plain, /8443|8080|proxy_protocol/);

  const pp = renderStandinConfig({ proxyProtocol: true, direct: false });
  assert.match(pp, /listen 30443 ssl proxy_protocol;/);
  assert.match(pp, /listen 30080 proxy_protocol;/);
  assert.match(pp, /client=\$proxy_protocol_addr/);
  assert.match(pp, /listen 443 ssl;/, 'the API stand-in never expects PROXY');
  assert.match(pp, /listen 30444 ssl;/, 'the floor port never expects PROXY');

  const direct = renderStandinConfig({ proxyProtocol: false, direct: true });
  assert.match(direct, /listen 8443 ssl;/);
  assert.match(direct, /listen 8080;/);
  assert.throws(() => assertIngressMode({ proxyProtocol: true, direct: true }));
});

test('GIVEN addresses WHEN checking CIDR membership THEN only addresses inside match and malformed input is refused', () => {
  assert.equal(inCidr('198.18.0.10', '198.18.0.0/24'), true);
  assert.equal(inCidr('198.18.1.10', '198.18.0.0/24'), false);
  assert.equal(inCidr('198.19.1.255', '198.18.0.0/15'), true);
  assert.throws(() => inCidr('198.18.0.1; rm -rf /', '198.18.0.0/24'));
  assert.throws(() => inCidr('198.18.0.300', '198.18.0.0/24'));
});

test('GIVEN a generated host key THEN our fingerprint equals ssh-keygen -lf', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'skl-keys-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const keys = await generateSshKeys(join(dir, 'k'), 'test');
  const lf = await run(['ssh-keygen', '-lf', `${keys.hostPrivateKeyPath}.pub`]);
  assert.equal(lf.stdout.split(' ')[1], keys.hostKeyFingerprint);
  assert.equal(sshFingerprint(keys.hostPublicKey), keys.hostKeyFingerprint);
});

test('GIVEN the package list WHEN computing the image key THEN it is stable and changes with the packages', () => {
  assert.equal(nodeImageKey(), nodeImageKey([...NODE_IMAGE_PACKAGES].reverse()));
  assert.notEqual(nodeImageKey(), nodeImageKey([...NODE_IMAGE_PACKAGES, 'jq']));
});
