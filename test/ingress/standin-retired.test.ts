// The nginx ingress stand-in is retired where the real Traefik answers: a lab node with a real
// control plane (the sandbox's) gets no stand-in listener at all, so nothing but Traefik can hold
// the ingress ports and nothing but kube-apiserver :443; labs without one (bench/) keep them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderStandinConfig } from '../../src/sandbox/lab/standins.js';

test('GIVEN a lab node with a real API WHEN its stand-ins are rendered THEN nginx listens on nothing, in every mode', () => {
  for (const mode of [
    { proxyProtocol: false, direct: true },
    { proxyProtocol: false, direct: false },
    { proxyProtocol: true, direct: false },
  ]) {
    const text = renderStandinConfig(mode, { realApi: true });
    assert.doesNotMatch(text, /\blisten\b/, JSON.stringify(mode));
    assert.doesNotMatch(text, /server\s*\{/);
  }
});

test('GIVEN a lab node without a control plane (bench/, the data-path tests) WHEN rendered THEN the API and ingress stand-ins are still there', () => {
  const text = renderStandinConfig({ proxyProtocol: false, direct: true });
  for (const port of [443, 30443, 30080, 30444, 8443, 8080]) assert.match(text, new RegExp(`listen ${port}\\b`));
});
