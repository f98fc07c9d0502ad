// Validation of the configuration fields that reach kops and S3 (state store bucket, CNI, image).
// A value that passes these checks is safe to write into a kops spec and a kops command line.

/** The CNIs kops 1.36 takes under spec.networking (v1alpha2 keys). */
export const KOPS_NETWORKING = [
  'cilium',
  'calico',
  'flannel',
  'kubenet',
  'amazonvpc',
  'kindnet',
  'kuberouter',
] as const;
export type KopsNetworking = (typeof KOPS_NETWORKING)[number];

/** ami-<hex>, owner/name (owner an account id or a kops alias), or ssm:/<parameter path>. */
export const KOPS_IMAGE_RE =
  /^(ami-[0-9a-f]{8,17}|[a-z0-9-]{1,32}\/[A-Za-z0-9._/()[\]-]{3,128}|ssm:\/[A-Za-z0-9_./-]{1,1000})$/;

/** S3 general-purpose bucket naming rules. */
export function isValidBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !name.includes('.-') &&
    !name.includes('-.') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)
  );
}
