// STS GetCallerIdentity (awsQuery: the `<GetCallerIdentityResult>` wrapper is mandatory, note §2.1).
import { AwsError } from './errors.js';
import type { EmulatorData } from './model.js';
import { el, xmlDocument } from './xml.js';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function handleSts(d: EmulatorData, operation: string, requestId: string): string {
  if (operation !== 'GetCallerIdentity')
    throw new AwsError('InvalidAction', `Could not find operation ${operation} for version 2011-06-15`);
  return xmlDocument('GetCallerIdentityResponse', NS, [
    el('GetCallerIdentityResult', [
      el('Arn', `arn:aws:iam::${d.accountId}:user/solokube-sandbox`),
      el('UserId', 'AIDASOLOKUBESANDBOX01'),
      el('Account', d.accountId),
    ]),
    el('ResponseMetadata', [el('RequestId', requestId)]),
  ]);
}
