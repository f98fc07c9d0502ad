// S3 bucket naming rules (general purpose buckets): 3-63 characters of lower-case letters, digits,
// dots and hyphens, starting and ending with a letter or digit, no "..", not an IPv4 address, and
// none of the reserved prefixes and suffixes.
import { AwsError } from '../errors.js';

const SHAPE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

export function isValidBucketName(name: string): boolean {
  return (
    SHAPE.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !RESERVED_PREFIXES.some((p) => name.startsWith(p)) &&
    !RESERVED_SUFFIXES.some((s) => name.endsWith(s))
  );
}

export function checkBucketName(name: string): void {
  if (!isValidBucketName(name)) throw new AwsError('InvalidBucketName', 'The specified bucket is not valid.', 400);
}
