// IPv4 addresses per ENI (the primary included) by instance type, from the note §4.3 table
// (aws/amazon-vpc-cni-k8s vpc_ip_resource_limit.go).

const LIMITS: Record<string, number> = {};
function put(types: string[], perEni: number): void {
  for (const t of types) LIMITS[t] = perEni;
}
put(['t2.nano', 't3.nano', 't3a.nano', 't4g.nano', 't2.micro', 't3.micro', 't3a.micro', 't4g.micro'], 2);
put(['t2.small', 't3.small', 't4g.small', 't3a.small'], 4);
put(['t2.medium', 't3.medium', 't3a.medium', 't4g.medium'], 6);
put(['t2.large', 't3.large', 't3a.large', 't4g.large'], 12);
put(['t3.xlarge', 't3.2xlarge'], 15);
put(['m5.large', 'm6i.large', 'm7i.large', 'c5.large', 'c6i.large', 'r5.large'], 10);
put(['m5.xlarge', 'm6i.xlarge', 'c5.xlarge', 'm5.2xlarge', 'm6i.2xlarge', 'c5.2xlarge'], 15);
put(['m5.4xlarge', 'c5.4xlarge'], 30);
put(['c5.18xlarge', 'c5.metal'], 50);

/** An ENI on no instance, or on a type missing from the table: a documented design choice (note §4.3). */
export const DEFAULT_IPS_PER_ENI = 50;

export function ipsPerEni(instanceType: string | undefined): number {
  return instanceType === undefined ? DEFAULT_IPS_PER_ENI : (LIMITS[instanceType] ?? DEFAULT_IPS_PER_ENI);
}
