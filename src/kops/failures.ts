// What a failed kops run means, from its output: the common failures get their own error code and a
// remedy a person can act on; anything else keeps kops' last lines.
import { SolokubeError } from '../core/errors.js';

export const MIN_KOPS_VERSION = '1.36.0';
export const KOPS_INSTALL_HINT =
  `Install kops ${MIN_KOPS_VERSION} or newer: download it from ` +
  `https://github.com/kubernetes/kops/releases (put it on PATH as \`kops\`), or \`go install ` +
  `k8s.io/kops/cmd/kops@v1.36.2\`.`;

interface Pattern {
  code: string;
  re: RegExp;
  what: string;
  remedy: string;
}

const PATTERNS: Pattern[] = [
  {
    code: 'kops.quota',
    re: /(LimitExceeded|InsufficientInstanceCapacity|VcpuLimitExceeded|quota)/i,
    what: 'an AWS quota or capacity limit stopped kops',
    remedy:
      'Check the limit named above in Service Quotas (EC2 instances/vCPUs, Elastic IPs, VPCs), ' +
      'raise it or free capacity, then rerun; solokube resumes from where the cluster is.',
  },
  {
    code: 'kops.dns-zone',
    re: /(hosted zone|DNS ?zone)[^\n]*(not found|does not exist|no .*match)|could not find DNS zone|error finding DNS zone/i,
    what: 'kops could not find the Route 53 DNS zone',
    remedy:
      'Create the public hosted zone named by dnsZone in solokube.yaml (and delegate it from your registrar), or fix dnsZone.',
  },
  {
    code: 'kops.state-store',
    re: new RegExp(
      String.raw`(NoSuchBucket|state store|error reading s3:|error listing s3:|AccessDenied[^\n]*s3|` +
        String.raw`s3://[^\s]*[^\n]*(connection refused|no such host|i/o timeout))`,
      'i',
    ),
    what: 'kops could not reach its state store',
    remedy:
      'Check that the state store bucket exists and your credentials may read and write it (`solokube plan` shows it), and that S3 is reachable.',
  },
  {
    code: 'kops.credentials',
    re: /(NoCredentialProviders|no valid credential|InvalidClientTokenId|ExpiredToken|SignatureDoesNotMatch)/i,
    what: 'AWS did not accept the credentials kops used',
    remedy:
      'Configure AWS credentials (AWS_PROFILE, `aws sso login`, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and rerun.',
  },
];

export function explainKopsFailure(step: string, exitCode: number | undefined, output: string): SolokubeError {
  const tail = output.trim().split('\n').slice(-8).join('\n');
  const hit = PATTERNS.find((p) => p.re.test(output));
  if (hit) {
    return new SolokubeError({
      code: hit.code,
      message: `kops ${step} failed: ${hit.what}\n${tail}`,
      remedy: hit.remedy,
      actor: 'user',
      details: { step, exitCode },
    });
  }
  return new SolokubeError({
    code: 'kops.failed',
    message: `kops ${step} exited with ${exitCode ?? 'a signal'}:\n${tail}`,
    remedy: "Read kops' message above; fix the cause and rerun — solokube resumes from where the cluster is.",
    actor: 'user',
    details: { step, exitCode },
  });
}

export function kopsMissing(binary: string): SolokubeError {
  return new SolokubeError({
    code: 'kops.missing',
    message: `kops is not installed (no \`${binary}\` on PATH)`,
    remedy: KOPS_INSTALL_HINT,
    actor: 'user',
  });
}

export function kopsTooOld(found: string): SolokubeError {
  return new SolokubeError({
    code: 'kops.too-old',
    message: `kops ${found} is too old; solokube needs kops ${MIN_KOPS_VERSION} or newer`,
    remedy: KOPS_INSTALL_HINT,
    actor: 'user',
  });
}

/** -1, 0, 1 for dotted versions. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
