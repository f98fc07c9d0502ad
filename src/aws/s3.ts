// The S3 client of an AwsClients set (made on first use; see AwsClients.s3Client).
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from './clients.js';

export const s3Of = (clients: AwsClients): S3Client => clients.s3Client(S3Client);
