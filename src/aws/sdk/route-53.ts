// The @aws-sdk/client-route-53 commands solokube sends, loaded with the SDK package on the first send (see ../lazy-sdk.ts).
import { commandsOf } from '../lazy-sdk.js';

const route53 = commandsOf(() => import('@aws-sdk/client-route-53'));

export const ChangeResourceRecordSetsCommand = route53('ChangeResourceRecordSetsCommand');
export const GetChangeCommand = route53('GetChangeCommand');
export const ListHostedZonesByNameCommand = route53('ListHostedZonesByNameCommand');
export const ListResourceRecordSetsCommand = route53('ListResourceRecordSetsCommand');
