// The @aws-sdk/client-sts commands solokube sends, loaded with the SDK package on the first send (see ../lazy-sdk.ts).
import { commandsOf } from '../lazy-sdk.js';

const sts = commandsOf(() => import('@aws-sdk/client-sts'));

export const GetCallerIdentityCommand = sts('GetCallerIdentityCommand');
