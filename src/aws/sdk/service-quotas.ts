// The @aws-sdk/client-service-quotas commands solokube sends, loaded with the SDK package on the first send (see ../lazy-sdk.ts).
import { commandsOf } from '../lazy-sdk.js';

const quotas = commandsOf(() => import('@aws-sdk/client-service-quotas'));

export const GetServiceQuotaCommand = quotas('GetServiceQuotaCommand');
