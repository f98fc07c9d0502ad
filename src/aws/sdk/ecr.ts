// The @aws-sdk/client-ecr commands solokube sends, loaded with the SDK package on the first send (see ../lazy-sdk.ts).
import { commandsOf } from '../lazy-sdk.js';

const ecr = commandsOf(() => import('@aws-sdk/client-ecr'));

export const BatchGetImageCommand = ecr('BatchGetImageCommand');
export const CreateRepositoryCommand = ecr('CreateRepositoryCommand');
export const DeleteRepositoryCommand = ecr('DeleteRepositoryCommand');
export const DescribeImagesCommand = ecr('DescribeImagesCommand');
export const DescribeRepositoriesCommand = ecr('DescribeRepositoriesCommand');
export const GetAuthorizationTokenCommand = ecr('GetAuthorizationTokenCommand');
export const GetLifecyclePolicyCommand = ecr('GetLifecyclePolicyCommand');
export const ListTagsForResourceCommand = ecr('ListTagsForResourceCommand');
export const PutImageCommand = ecr('PutImageCommand');
export const PutImageScanningConfigurationCommand = ecr('PutImageScanningConfigurationCommand');
export const PutLifecyclePolicyCommand = ecr('PutLifecyclePolicyCommand');
