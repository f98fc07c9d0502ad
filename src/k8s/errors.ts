// Typed errors for the Kubernetes layer. Every one names the API server (or kubeconfig) involved,
// says what happened in words a person can act on, and carries a remedy.

import { SolokubeError, formatMs } from '../core/errors.js';

export interface KubeErrorDetails {
  server?: string;
  method?: string;
  path?: string;
  httpStatus?: number;
  reason?: string;
  [key: string]: unknown;
}

export class KubeError extends SolokubeError {
  constructor(
    code: string,
    message: string,
    remedy: string,
    details: KubeErrorDetails,
    cause?: unknown,
    actor: 'user' | 'solokube' = 'user',
  ) {
    super({ code, message, remedy, details, cause, actor });
  }
}

/** The kubeconfig is missing, unreadable or names no usable context. */
export class KubeconfigError extends KubeError {
  constructor(path: string, problem: string) {
    super(
      'k8s.kubeconfig',
      `kubeconfig ${path}: ${problem}`,
      'Point `kubeconfig:` in solokube.yaml at the file `kops export kubeconfig --admin` wrote, or run that command.',
      { path },
    );
  }
}

/** Nothing answered at the API address (refused, reset, no route, unknown name). */
export class KubeUnreachableError extends KubeError {
  constructor(server: string, why: string, details: KubeErrorDetails, cause?: unknown) {
    super(
      'k8s.unreachable',
      `the Kubernetes API at ${server} is unreachable: ${why}`,
      'Check that the cluster is running (`kops validate cluster`) and that this machine reaches its API address; rerunning is safe.',
      { server, ...details },
      cause,
    );
  }
}

/** Connected, but no complete answer within the request deadline (a hung API or network). */
export class KubeTimeoutError extends KubeError {
  constructor(server: string, what: string, ms: number, details: KubeErrorDetails) {
    super(
      'k8s.timeout',
      `the Kubernetes API at ${server} did not answer ${what} within ${formatMs(ms)}`,
      'The API server or the network to it is hanging; check the control plane (`kops validate ' +
        'cluster`), then rerun — solokube converges from where it stopped.',
      { server, timeoutMs: ms, ...details },
    );
  }
}

/** The API server's certificate is not signed by the CA the kubeconfig trusts (or names another host). */
export class KubeServerCertificateError extends KubeError {
  constructor(server: string, why: string, details: KubeErrorDetails, cause?: unknown) {
    super(
      'k8s.server-certificate-rejected',
      `the certificate presented by ${server} was rejected: ${why}`,
      "The kubeconfig's certificate-authority does not match this cluster (a recreated cluster, " +
        'or the wrong file); export it again with `kops export kubeconfig --admin`.',
      { server, ...details },
      cause,
    );
  }
}

/** The API server did not accept our credentials (HTTP 401), or our client certificate has expired. */
export class KubeCredentialsError extends KubeError {
  constructor(server: string, why: string, details: KubeErrorDetails) {
    super(
      'k8s.credentials-rejected',
      `the Kubernetes API at ${server} rejected solokube's credentials: ${why}`,
      'kops admin credentials expire (18 h by default); renew them with `kops export kubeconfig --admin`, then rerun.',
      { server, ...details },
    );
  }
}

/** Authenticated, but not allowed (HTTP 403). */
export class KubeForbiddenError extends KubeError {
  constructor(server: string, message: string, details: KubeErrorDetails) {
    super(
      'k8s.forbidden',
      `the Kubernetes API at ${server} refused: ${message}`,
      'Use an admin kubeconfig (`kops export kubeconfig --admin`) or grant this user the permission named above.',
      { server, ...details },
    );
  }
}

/** The object (or its namespace, or its kind) does not exist (HTTP 404). */
export class KubeNotFoundError extends KubeError {
  constructor(server: string, message: string, details: KubeErrorDetails) {
    super(
      'k8s.not-found',
      `not found on ${server}: ${message}`,
      'Check the name and namespace; a custom resource needs its CRD installed first.',
      { server, ...details },
    );
  }
}

/** One field another field manager owns with a different value than solokube wants. */
export interface FieldConflict {
  field: string;
  manager: string;
}

/** Server-side apply refused to take a field another manager owns (HTTP 409 on apply). */
export class KubeFieldConflictError extends KubeError {
  readonly conflicts: readonly FieldConflict[];
  constructor(object: string, conflicts: readonly FieldConflict[]) {
    const list = conflicts.map((c) => `${c.field} (owned by "${c.manager}")`).join(', ');
    super(
      'k8s.field-conflict',
      `${object}: solokube would change ${list}, which another client set since solokube last applied`,
      'Someone changed a field solokube manages (e.g. with kubectl edit). Keep their change by ' +
        'putting it in solokube.yaml, or rerun `solokube up --force-conflicts` to take the field back.',
      { object, conflicts },
    );
    this.conflicts = conflicts;
  }
}

/** Any other refusal from the API (validation, server errors). */
export class KubeApiError extends KubeError {
  constructor(server: string, status: number, message: string, details: KubeErrorDetails) {
    super(
      'k8s.api-error',
      `the Kubernetes API at ${server} answered ${status}: ${message}`,
      status >= 500
        ? 'The API server failed; check its health (`kubectl get --raw /readyz?verbose`) and rerun.'
        : 'Fix the object described above; the message comes from the API server.',
      { server, httpStatus: status, ...details },
      undefined,
      status >= 500 ? 'solokube' : 'user',
    );
  }
}

/** A Deployment did not become available before its deadline; names the pods' reasons. */
export class RolloutFailedError extends KubeError {
  constructor(object: string, why: string, podReasons: readonly string[], details: KubeErrorDetails) {
    const pods = podReasons.length > 0 ? `; pods: ${podReasons.join('; ')}` : '';
    super(
      'k8s.rollout-failed',
      `${object} did not become available: ${why}${pods}`,
      "Fix the cause named for the pods (image name and registry access, the container's crash, or resources and node selectors), then rerun `solokube up`.",
      { object, podReasons, ...details },
    );
  }
}
