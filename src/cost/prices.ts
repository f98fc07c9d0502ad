// The price table `solokube cost` reads: data, not code. Every figure carries the date and the source
// it was taken from, and how far it can be trusted:
//   doc        - AWS documentation or pricing page (as transcribed in shared/reference/node-reclaim-and-cost-notes.md §4)
//   field      - a real bill, the AWS Pricing API as captured by a third party, or several independent reports
//   unverified - no primary source was available when the table was written; the figure is the one
//                commonly quoted for that region and must be checked against the AWS bulk price list
//                (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/<region>/index.json)
// Output marks every unverified line, so a reader never mistakes a guess for a quote.
// USD, on-demand, Linux, shared tenancy. Monthly = hourly × 730 (the AWS pricing calculator's month).

export type Confidence = 'doc' | 'field' | 'unverified';

export interface Price {
  usd: number;
  /** What one unit is: 'hour', 'GB-month', 'zone-month'. */
  per: 'hour' | 'GB-month' | 'zone-month';
  /** When the figure was read (ISO date). */
  date: string;
  source: string;
  confidence: Confidence;
}

export interface RegionPrices {
  /** On-demand hourly price per instance type. */
  instances: Record<string, Price>;
  ebsGp3: Price;
  publicIpv4: Price;
  route53Zone: Price;
  ecrStorage: Price;
  s3Standard: Price;
  nlbHour: Price;
  nlcuHour: Price;
}

export const HOURS_PER_MONTH = 730;
export const PRICE_TABLE_DATE = '2026-11-30';

const KARPENTER =
  'AWS Pricing API via aws/karpenter-provider-aws zz_generated.pricing_aws.go (generated 2026-07-20 for us-east-1)';
// Checked again on 2026-11-30: a search of the stored public documentation, pages and code found no
// primary source for eu-west-1/eu-central-1 (only third-party tables and mock data, and AWS's EUR
// example page for the European Sovereign Cloud, another partition); the figures stay unverified.
const UNVERIFIED =
  'no primary source found (reference material; search of public docs and code, ' +
  '2026-11-30); the figure commonly quoted for this region, to be checked against the AWS bulk price list';
// A second search on 2026-11-30 (docs, pages and code corpora: EC2 on-demand, EBS, S3, ECR, NLB for
// both regions) again found no AWS page or price-list file; AWS's own EBS example page it found is the
// European Sovereign Cloud's, in EUR. Two third-party pages agree with eu-central-1 figures, which
// stay unverified (one report each, and the instance table does not name its region in so many words):
const UNVERIFIED_FRA_T3 =
  `${UNVERIFIED}; agrees with matthiaskraaz.blogspot.com 2021-08-30 ("AWS EC2: price of maxed out ` +
  'burstable instance", Linux base $/h t3.small 0.024, t3.medium 0.048, t3.large 0.096; region not named)';
const UNVERIFIED_FRA_GP3 = `${UNVERIFIED}; agrees with hendric-jabs.de 2023-11-02 ("GP3 in 2 Minuten": eu-central-1 gp3 $0.0952/GiB-month)`;

const p = (usd: number, per: Price['per'], date: string, source: string, confidence: Confidence): Price => ({
  usd,
  per,
  date,
  source,
  confidence,
});

/** A public IPv4 address, attached or idle, Elastic IPs included: the same price in every region. */
export const PUBLIC_IPV4_PRICE: Price = p(
  0.005,
  'hour',
  '2024-02-01',
  'AWS networking blog / re:Post: $0.005 per public IPv4 address-hour, in use or idle, Elastic IPs included, all regions',
  'doc',
);

/** Same price in every region (AWS says so for these), so each region entry points at one record. */
const GLOBAL = {
  publicIpv4: PUBLIC_IPV4_PRICE,
  route53Zone: p(
    0.5,
    'zone-month',
    '2026-09-20',
    'aws.amazon.com/route53/pricing (first 25 zones), as transcribed 2026-09-20',
    'doc',
  ),
};

export const PRICES: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': {
    instances: {
      't3.small': p(0.0208, 'hour', '2026-07-20', KARPENTER, 'field'),
      't3.medium': p(0.0416, 'hour', '2026-07-20', KARPENTER, 'field'),
      't3.large': p(0.0832, 'hour', '2026-07-20', KARPENTER, 'field'),
      't4g.small': p(0.0168, 'hour', '2026-07-20', KARPENTER, 'field'),
      't4g.medium': p(0.0336, 'hour', '2026-07-20', KARPENTER, 'field'),
      't4g.large': p(0.0672, 'hour', '2026-07-20', KARPENTER, 'field'),
      'm7g.medium': p(0.0408, 'hour', '2026-07-20', KARPENTER, 'field'),
      'm7g.large': p(0.0816, 'hour', '2026-07-20', KARPENTER, 'field'),
      'm6i.large': p(0.096, 'hour', '2026-07-20', KARPENTER, 'field'),
    },
    ebsGp3: p(
      0.08,
      'GB-month',
      '2021-02-01',
      'EBS pricing page as quoted by saisci.com; AWS Prescriptive Guidance (gp3 20 % below gp2 $0.10)',
      'field',
    ),
    ...GLOBAL,
    ecrStorage: p(
      0.1,
      'GB-month',
      '2026-03-01',
      'ECR private storage, "as of March 2026" (cloudburn.io, wring.co)',
      'field',
    ),
    s3Standard: p(0.023, 'GB-month', '2022-07-07', 'S3 Standard first 50 TB (public gist dated 2022-07-07)', 'field'),
    nlbHour: p(
      0.0225,
      'hour',
      '2026-09-20',
      'aws.amazon.com/elasticloadbalancing/pricing examples, as transcribed 2026-09-20',
      'doc',
    ),
    nlcuHour: p(
      0.006,
      'hour',
      '2026-09-20',
      'aws.amazon.com/elasticloadbalancing/pricing examples, as transcribed 2026-09-20',
      'doc',
    ),
  },
  'eu-west-1': {
    instances: {
      't3.small': p(0.0228, 'hour', PRICE_TABLE_DATE, UNVERIFIED, 'unverified'),
      't3.medium': p(0.0456, 'hour', PRICE_TABLE_DATE, UNVERIFIED, 'unverified'),
      't3.large': p(0.0912, 'hour', PRICE_TABLE_DATE, UNVERIFIED, 'unverified'),
    },
    ebsGp3: p(0.088, 'GB-month', PRICE_TABLE_DATE, UNVERIFIED, 'unverified'),
    ...GLOBAL,
    ecrStorage: p(0.1, 'GB-month', PRICE_TABLE_DATE, UNVERIFIED, 'unverified'),
    s3Standard: p(0.023, 'GB-month', PRICE_TABLE_DATE, UNVERIFIED, 'unverified'),
    nlbHour: p(0.0252, 'hour', PRICE_TABLE_DATE, UNVERIFIED, 'unverified'),
    nlcuHour: p(0.006, 'hour', PRICE_TABLE_DATE, UNVERIFIED, 'unverified'),
  },
  'eu-central-1': {
    instances: {
      't3.small': p(0.024, 'hour', PRICE_TABLE_DATE, UNVERIFIED_FRA_T3, 'unverified'),
      't3.medium': p(0.048, 'hour', PRICE_TABLE_DATE, UNVERIFIED_FRA_T3, 'unverified'),
      't3.large': p(0.096, 'hour', PRICE_TABLE_DATE, UNVERIFIED_FRA_T3, 'unverified'),
    },
    ebsGp3: p(0.0952, 'GB-month', PRICE_TABLE_DATE, UNVERIFIED_FRA_GP3, 'unverified'),
    ...GLOBAL,
    ecrStorage: p(0.1, 'GB-month', PRICE_TABLE_DATE, UNVERIFIED, 'unverified'),
    s3Standard: p(0.0245, 'GB-month', PRICE_TABLE_DATE, UNVERIFIED, 'unverified'),
    nlbHour: p(0.027, 'hour', PRICE_TABLE_DATE, UNVERIFIED, 'unverified'),
    nlcuHour: p(0.006, 'hour', PRICE_TABLE_DATE, UNVERIFIED, 'unverified'),
  },
};
