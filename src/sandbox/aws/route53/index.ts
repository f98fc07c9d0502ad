// Route 53 REST routing: method + path after `/2013-04-01/` (an endpoint path prefix and a
// trailing slash are tolerated, note §1.4), bound to the handlers.
import type { Routed } from '../dispatch.js';
import { xmlReply } from '../envelopes.js';
import { AwsError } from '../errors.js';
import type { EmulatorData } from '../model.js';
import { xmlDocument, type XmlChild } from '../xml.js';
import { applyChangeBatch } from './changes.js';
import { getHostedZone, listHostedZones, listHostedZonesByName, listResourceRecordSets } from './lists.js';
import { changeInfoXml, parseChangeBatch, ROUTE53_NAMESPACE } from './record-xml.js';
import { getZone } from './zone-store.js';

type Handler = (d: EmulatorData, syncPolls: number) => XmlChild[];

function bind(operation: string, mutates: boolean, handler: Handler): Routed {
  return {
    service: 'route53',
    operation,
    protocol: 'restXml',
    mutates,
    execute: (d, config) =>
      xmlReply(xmlDocument(`${operation}Response`, ROUTE53_NAMESPACE, handler(d, config.changeSyncPolls))),
  };
}

function getChange(d: EmulatorData, id: string): XmlChild[] {
  const bare = id.replace(/^\/?change\//, '');
  const change = Object.hasOwn(d.changes, bare) ? d.changes[bare] : undefined;
  if (!change) throw new AwsError('NoSuchChange', `A change with the specified change ID does not exist: ${bare}`, 404);
  // Each GetChange poll uses up one PENDING answer; then the change is INSYNC for good.
  const pending = change.pendingPollsLeft > 0;
  if (pending) change.pendingPollsLeft -= 1;
  return [changeInfoXml(change, pending ? 'PENDING' : 'INSYNC')];
}

export function routeRoute53(method: string, path: string, query: URLSearchParams, body: string): Routed {
  const rest = path.slice(path.indexOf('/2013-04-01/') + '/2013-04-01/'.length).replace(/\/+$/, '');
  const parts = rest.split('/').map((p) => decodeURIComponent(p));
  const [head, id, tail] = parts;
  if (method === 'GET' && rest === 'hostedzonesbyname')
    return bind('ListHostedZonesByName', false, (d) => listHostedZonesByName(d, query));
  if (method === 'GET' && rest === 'hostedzone')
    return bind('ListHostedZones', false, (d) => listHostedZones(d, query));
  if (head === 'hostedzone' && id !== undefined && parts.length === 2 && method === 'GET')
    return bind('GetHostedZone', false, (d) => getHostedZone(d, id));
  if (head === 'hostedzone' && id !== undefined && tail === 'rrset' && parts.length === 3) {
    if (method === 'GET') return bind('ListResourceRecordSets', false, (d) => listResourceRecordSets(d, id, query));
    if (method === 'POST') {
      return bind('ChangeResourceRecordSets', true, (d, polls) => {
        const zone = getZone(d, id);
        return [changeInfoXml(applyChangeBatch(d, zone, parseChangeBatch(body), polls), 'PENDING')];
      });
    }
  }
  if (head === 'change' && id !== undefined && parts.length === 2 && method === 'GET')
    return bind('GetChange', true, (d) => getChange(d, id));
  return {
    service: 'route53',
    operation: 'Unknown',
    protocol: 'restXml',
    mutates: false,
    execute: () => {
      throw new AwsError('InvalidAction', `Unsupported Route 53 request ${method} /2013-04-01/${rest}`);
    },
  };
}
