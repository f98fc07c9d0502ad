// Regions are separate, as in AWS: a request acts on the state of the region in its SigV4
// credential scope. The emulator's own region keeps its state at the top level of EmulatorData
// (so seeds, state files and state views from before regions existed keep their meaning); every
// other region gets its own copy of the regional fields under `regions`, made on first write.
// Global things (Route 53 zones, S3's bucket namespace, the account, id counters) stay shared.
import type { IncomingHttpHeaders } from 'node:http';
import { emptyRegion, REGIONAL_KEYS, type EmulatorData, type RegionalData } from './model.js';

const SCOPE_RE = /Credential=[^/]+\/\d{8}\/([^/]+)\/[^/]+\/aws4_request/;

/** The region a request was signed for, or undefined when it carries no SigV4 scope. */
export function requestRegion(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers['authorization'];
  const text = Array.isArray(auth) ? auth[0] : auth;
  return SCOPE_RE.exec(text ?? '')?.[1];
}

/** Public IPs held in every region except `region` (public addresses are unique across AWS). */
function publicIpsOutside(d: EmulatorData, region: string): string[] {
  const holders: RegionalData[] = [];
  if (region !== d.region) holders.push(d);
  for (const [name, r] of Object.entries(d.regions ?? {})) if (name !== region) holders.push(r);
  const out: string[] = [];
  for (const r of holders) {
    for (const a of Object.values(r.addresses)) out.push(a.publicIp);
    for (const e of Object.values(r.networkInterfaces)) if (e.autoPublicIp !== undefined) out.push(e.autoPublicIp);
  }
  return out;
}

/**
 * The data a handler sees for one request: a shallow copy with the region's own fields over the
 * shared ones. Maps are shared by reference, so a handler's changes land in the region they belong
 * to. `create` adds an unseen region to the state (writes); reads of an unseen region see an empty one.
 */
export function regionView(d: EmulatorData, region: string | undefined, create: boolean): EmulatorData {
  d.keyPairs ??= {};
  d.buckets ??= {};
  const name = region ?? d.region;
  const view: EmulatorData = { ...d, region: name, foreignPublicIps: publicIpsOutside(d, name) };
  if (name === d.region) return view;
  let own = d.regions?.[name];
  if (own === undefined) {
    own = emptyRegion();
    if (create) (d.regions ??= {})[name] = own;
  }
  own.keyPairs ??= {};
  for (const k of REGIONAL_KEYS) (view as unknown as Record<string, unknown>)[k] = own[k];
  return view;
}
