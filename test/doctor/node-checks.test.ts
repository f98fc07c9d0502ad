// The node hop's judgements, from the command output a node gives (`ip -j addr`, `nft list table`,
// `ss -Hltn`, the reclaim unit and its state file) to a check. The nft text is solokube's own
// renderer's output, the form `nft list table ip solokube` prints back.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderNatRules, desiredRedirects } from '../../src/node/render-nat.js';
import { parseNodeSpec, DEFAULT_PORTS } from '../../src/node/index.js';
import {
  evaluateListening,
  evaluateReclaim,
  evaluateRedirect,
  evaluateSecondaryAddress,
  wantedListeners,
} from '../../src/doctor/node-checks.js';

const SECONDARY = '198.18.0.4';
const PRIMARY = '198.18.0.10';
const spec = (proxy: 'direct' | 'haproxy') =>
  parseNodeSpec(
    {
      clusterName: 'c1.example.com',
      apiServerNames: ['api.c1.example.com'],
      primaryIp: PRIMARY,
      secondaryIp: SECONDARY,
      prefixLength: 24,
      interface: 'host0',
      proxy,
      proxyProtocol: false,
      ports: DEFAULT_PORTS,
    },
    'test',
  );
/** What `nft list table` prints: the table block alone, tab-indented. */
const listed = (proxy: 'direct' | 'haproxy') =>
  renderNatRules(spec(proxy))
    .split('\n')
    .filter((l) => !l.startsWith('#') && l !== 'table ip solokube' && l !== 'delete table ip solokube')
    .map((l) => l.replace(/ {4}/g, '\t'))
    .join('\n');

describe('node hop: the redirect', () => {
  for (const proxy of ['direct', 'haproxy'] as const) {
    test(`GIVEN the rules solokube renders (${proxy}) WHEN judged THEN the redirect passes and names the secondary only`, () => {
      const c = evaluateRedirect(listed(proxy), SECONDARY, desiredRedirects(spec(proxy)));
      assert.equal(c.status, 'pass', c.summary);
      assert.match(c.summary, /matching only 198\.18\.0\.4/);
    });
  }

  test('GIVEN the table was flushed (chains left, no rules) WHEN judged THEN it fails naming the missing redirects', () => {
    const flushed = listed('direct')
      .split('\n')
      .filter((l) => !l.includes('redirect'))
      .join('\n');
    const c = evaluateRedirect(flushed, SECONDARY, desiredRedirects(spec('direct')));
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /missing redirect 198\.18\.0\.4:443 → :8443, 198\.18\.0\.4:80 → :8080/);
    assert.ok(c.remedy);
  });

  test('GIVEN no table ip solokube WHEN judged THEN it fails', () => {
    const c = evaluateRedirect(undefined, SECONDARY, desiredRedirects(spec('direct')));
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /no nft table ip solokube/);
  });

  test('GIVEN a redirect of every 443 (no address match) WHEN judged THEN it fails: the API server would lose its port', () => {
    const broad = listed('haproxy').replace(`ip daddr ${SECONDARY} tcp dport 443`, 'tcp dport 443');
    const c = evaluateRedirect(broad, SECONDARY, desiredRedirects(spec('haproxy')));
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /not limited to 198\.18\.0\.4/);
  });

  test('GIVEN a redirect for another address WHEN judged THEN it fails too', () => {
    const other = listed('haproxy').replaceAll(`ip daddr ${SECONDARY}`, 'ip daddr 198.18.0.44');
    assert.equal(evaluateRedirect(other, SECONDARY, desiredRedirects(spec('haproxy'))).status, 'fail');
  });
});

describe('node hop: the address, the listener, the reclaim unit', () => {
  const ipJson = (addrs: string[]) =>
    JSON.stringify([{ ifname: 'host0', addr_info: addrs.map((a) => ({ family: 'inet', local: a, prefixlen: 24 })) }]);

  test('GIVEN the interface holds the secondary WHEN judged THEN pass; GIVEN only the primary THEN fail with a remedy', () => {
    assert.equal(evaluateSecondaryAddress(ipJson([PRIMARY, SECONDARY]), 'host0', SECONDARY).status, 'pass');
    const gone = evaluateSecondaryAddress(ipJson([PRIMARY]), 'host0', SECONDARY);
    assert.equal(gone.status, 'fail');
    assert.match(gone.summary, /198\.18\.0\.4 is not on host0 \(it has 198\.18\.0\.10\)/);
    assert.match(gone.remedy ?? '', /solokube up/);
  });

  const ss = (locals: string[]) => locals.map((l) => `LISTEN 0      511     ${l}      0.0.0.0:*`).join('\n');

  test('GIVEN the ingress listens on the wildcard (direct) WHEN judged THEN pass', () => {
    const c = evaluateListening(ss(['0.0.0.0:8443', '[::]:8080', '*:443']), wantedListeners(spec('direct')), PRIMARY);
    assert.equal(c.status, 'pass', c.summary);
  });

  test('GIVEN nothing on 8443 WHEN judged THEN fail naming the port; GIVEN 8080 only on loopback THEN it says so', () => {
    const c = evaluateListening(ss(['*:443', '127.0.0.1:8080']), wantedListeners(spec('direct')), PRIMARY);
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /:8443 \(the ingress \(HTTPS\)\)/);
    assert.match(c.summary, /:8080 only on an address the redirect does not deliver to/);
  });

  test('GIVEN haproxy mode WHEN HAProxy listens on the primary address THEN pass', () => {
    assert.equal(evaluateListening(ss([`${PRIMARY}:8443`]), wantedListeners(spec('haproxy')), PRIMARY).status, 'pass');
  });

  const state = (result: 'ok' | 'failed', message = '') =>
    JSON.stringify({
      result,
      at: '2026-11-30T10:00:00Z',
      cluster: 'c1.example.com',
      instanceId: 'i-1',
      networkInterfaceId: 'eni-1',
      secondaryIp: SECONDARY,
      elasticIp: '198.19.1.1',
      allocationId: 'eipalloc-1',
      changes: result === 'ok' ? ['assigned 198.18.0.4'] : [],
      message,
    });

  test('GIVEN the reclaim unit is not installed WHEN judged THEN skipped with the reason, never passed', () => {
    const c = evaluateReclaim(undefined, '', undefined);
    assert.equal(c.status, 'skip');
    assert.match(c.summary, /^skipped: solokube-reclaim\.service is not installed/);
  });

  test('GIVEN the unit is enabled WHEN its last run was ok / failed / never THEN pass / fail with the message / warn', () => {
    assert.equal(evaluateReclaim('[Unit]', 'enabled\n', state('ok')).status, 'pass');
    const failed = evaluateReclaim('[Unit]', 'enabled\n', state('failed', 'ec2:AssociateAddress denied'));
    assert.equal(failed.status, 'fail');
    assert.match(failed.summary, /ec2:AssociateAddress denied/);
    assert.equal(evaluateReclaim('[Unit]', 'enabled\n', undefined).status, 'warn');
    assert.equal(evaluateReclaim('[Unit]', 'enabled\n', '{not json').status, 'fail');
  });

  test('GIVEN the unit is installed but disabled WHEN judged THEN fail', () => {
    const c = evaluateReclaim('[Unit]', 'disabled\n', state('ok'));
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /is disabled/);
  });
});
