// kops stand-in for the sandbox — a TEST DOUBLE for the kops commands that need a real cloud:
// `update cluster --yes`, `validate cluster`, `export kubeconfig --admin` and `delete cluster --yes`.
// Every other command (create -f, replace -f, get, create sshpublickey) goes to the real kops binary.
//
// Behaviour followed: kops v1.36, from its documentation (docs/cli/kops_update_cluster.md,
// kops_validate_cluster.md, kops_export_kubeconfig.md, kops_delete_cluster.md at kops.sigs.k8s.io)
// and the source reading summarised in shared/reference/kops-notes.md:
// - update --yes (§5): makes the cluster's VPC, public subnet, masters./nodes. security groups and
//   one running control-plane instance with its ENI, tagged KubernetesCluster=<c>,
//   kubernetes.io/cluster/<c>=owned, kops.k8s.io/instancegroup, k8s.io/role/control-plane — the
//   objects of src/sandbox/aws/kops-seed.ts — and the api.<c> / api.internal.<c> records; writes
//   <c>/cluster-completed.spec and <c>/kops-version.txt to the state store (§4). Rerunning adds
//   nothing (seeding only adds what is missing).
// - validate -o json (§7.1): one JSON object {failures, nodes}; exit 1 with failures.
// - export kubeconfig --admin=<ttl> --kubeconfig <path> (§7.2): cluster/context/user named after
//   the cluster, server https://api.<c>, tls-server-name api.internal.<c>.
// - update --yes also makes one Auto Scaling group per instance group (cloud-groups.ts), sized by
//   its minSize/maxSize (the emulator launches/terminates to match: pause is min = max = 0); replaceControlPlaneInstance
//   does what the control-plane group does to a failed instance (terminate it, launch a fresh one).
//   The groups' launch template carries the instance group's user data as kops renders it
//   (user-data.ts: nodeup, then spec.additionalUserData), so every launched instance gets it.
// - IAM (kops-notes §5, awsmodel/iam.go): kops gives each role's instances the instance profile of
//   its role, masters.<c> or nodes.<c>, and puts the Cluster's spec.additionalPolicies for that role
//   into the role as an extra inline policy (`additional.<role>`), removing it when the key goes.
//   The stand-in sets the role on the groups' launch template (so every launched instance has it,
//   with credentials from its metadata service) and puts additionalPolicies as the role's policy in
//   the emulator. Not modelled: kops' own built-in policy for the role, so an instance may do exactly
//   what additionalPolicies allows — a stricter check of solokube's statements than AWS makes.
// - dns-controller (kops' addon on the control plane): after each launch, api.<c> is UPSERTed to the
//   control-plane instance's public IP and api.internal.<c> to its private IP (api-records.ts).
// - delete cluster --yes (§3.2, §4): removes the cluster's tagged objects and records, then every
//   key under <c>/ in the state store; refuses while something else depends on them.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { stringify } from 'yaml';
import type { KopsCli } from '../../kops/cli.js';
import { explainKopsFailure } from '../../kops/failures.js';
import type { KopsResult, StepOptions } from '../../kops/runner.js';
import { parseKopsYaml } from '../../kops/spec-yaml.js';
import { kopsClusterSeed } from '../aws/kops-seed.js';
import type { EmulatorStateView } from '../aws/model.js';
import type { AdminCredentials, LaunchedInstance, NodeProvider } from './node-provider.js';
import { syncApiRecords } from './api-records.js';
import { additionalUserDataOf } from './user-data.js';
import { putRolePolicies, scaleGroups, type EmulatorAdmin, type InstanceGroupShape } from './cloud-groups.js';

export interface StandInOptions {
  /** The real kops, for everything the stand-in does not do. */
  real: KopsCli;
  /** The emulator (http://127.0.0.1:PORT) and the region/credentials the sandbox uses. */
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** `s3://<bucket>`. */
  stateStore: string;
  nodeProvider?: NodeProvider;
  /** Addresses of the instance (the lab's, in the sandbox). */
  addresses?: { privateIp?: string; publicIp?: string; vpcCidr?: string; subnetCidr?: string };
  /** Fault injection for tests: the named command exits 1 (`times` runs, default 1). */
  failNext?: { command: 'update' | 'validate' | 'export' | 'delete'; times?: number };
  /** validate never passes (a node that never becomes Ready). */
  validateNeverPasses?: boolean;
}

const ok = (stdout = '', stderr = ''): KopsResult => ({ stdout, stderr, exitCode: 0, ms: 0 });
const fail = (stderr: string, stdout = ''): KopsResult => ({ stdout, stderr, exitCode: 1, ms: 0 });

function flag(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1];
    if (args[i]!.startsWith(`${name}=`)) return args[i]!.slice(name.length + 1);
  }
  return undefined;
}

/**
 * The admin kubeconfig `kops export kubeconfig --admin` writes (§7.2): cluster, context and user named
 * after the cluster, the API's server name api.internal.<c>; with the node's credentials when known.
 */
export function adminKubeconfig(cluster: string, creds: AdminCredentials | undefined): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': cluster,
    clusters: [
      {
        name: cluster,
        cluster: {
          server: creds?.server ?? `https://api.${cluster}`,
          'tls-server-name': `api.internal.${cluster}`,
          ...(creds ? { 'certificate-authority-data': creds.certificateAuthorityData } : {}),
        },
      },
    ],
    contexts: [{ name: cluster, context: { cluster, user: cluster } }],
    users: [
      {
        name: cluster,
        user: creds
          ? { 'client-certificate-data': creds.clientCertificateData, 'client-key-data': creds.clientKeyData }
          : {},
      },
    ],
  };
}

export class KopsStandIn implements KopsCli {
  private readonly s3: S3Client;
  private readonly bucket: string;

  constructor(private readonly o: StandInOptions) {
    this.s3 = new S3Client({
      endpoint: o.endpoint,
      region: o.region,
      credentials: o.credentials,
      forcePathStyle: true,
      maxAttempts: 3,
    });
    this.bucket = o.stateStore.replace(/^s3:\/\//, '');
  }

  preflight(signal: AbortSignal): Promise<unknown> {
    return this.o.real.preflight?.(signal) ?? Promise.resolve();
  }

  close(): void {
    this.s3.destroy();
  }

  async run(step: string, args: string[], opts: StepOptions): Promise<KopsResult> {
    const verb = `${args[0]} ${args[1]}`;
    const handlers: Record<string, (cluster: string) => Promise<KopsResult>> = {
      'update cluster': (c) => this.update(c, args),
      'validate cluster': (c) => this.validate(c),
      'export kubeconfig': (c) => this.exportKubeconfig(c, args),
      'delete cluster': (c) => this.delete(c, args),
    };
    const handler = handlers[verb];
    if (handler === undefined) return this.o.real.run(step, args, opts);
    const cluster = flag(args, '--name');
    if (cluster === undefined) return fail('Error: --name is required');
    const injected = this.o.failNext;
    if (injected && verb.startsWith(injected.command)) {
      injected.times = (injected.times ?? 1) - 1;
      if (injected.times <= 0) delete this.o.failNext;
      return this.finish(step, opts, fail(`Error: injected failure of kops ${verb}`));
    }
    return this.finish(step, opts, await handler(cluster));
  }

  private finish(step: string, opts: StepOptions, r: KopsResult): KopsResult {
    if (r.exitCode !== 0 && !(opts.okExitCodes ?? []).includes(r.exitCode)) {
      throw explainKopsFailure(`${step} (stand-in)`, r.exitCode, `${r.stderr}\n${r.stdout}`);
    }
    return r;
  }

  private readonly adminApi: EmulatorAdmin = (method, path, body) => this.admin(method, path, body);

  private async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.o.endpoint}/_sandbox/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(json.error ?? `emulator admin ${path}: HTTP ${res.status}`);
    return json;
  }

  private async readKey(key: string): Promise<string | undefined> {
    try {
      const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await r.Body!.transformToString();
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  private async instanceOf(cluster: string): Promise<LaunchedInstance | undefined> {
    const state = await this.admin<EmulatorStateView>('GET', 'state');
    const regional = state.region === this.o.region ? state : { ...state, ...state.regions?.[this.o.region] };
    const i = Object.values(regional.instances ?? {}).find(
      (x) =>
        x.tags['KubernetesCluster'] === cluster && x.tags['k8s.io/role/control-plane'] === '1' && x.state === 'running',
    );
    if (!i) return undefined;
    const eni = Object.values(regional.networkInterfaces ?? {}).find(
      (e) => e.attachment?.instanceId === i.instanceId && e.attachment.deviceIndex === 0,
    );
    return {
      cluster,
      instanceId: i.instanceId,
      instanceGroup: i.tags['kops.k8s.io/instancegroup'] ?? '',
      availabilityZone: i.availabilityZone,
      instanceType: i.instanceType,
      privateIp: eni?.privateIps.find((p) => p.primary)?.address ?? '',
      publicIp: eni?.autoPublicIp ?? '',
    };
  }

  private async update(cluster: string, args: string[]): Promise<KopsResult> {
    if (!args.includes('--yes')) return ok('', 'Must specify --yes to apply changes\n');
    const configText = await this.readKey(`${cluster}/config`);
    if (configText === undefined) return fail(`Error: cluster "${cluster}" not found`);
    const spec = parseKopsYaml(configText)[0]!.spec as {
      dnsZone: string;
      subnets: { zone: string }[];
      additionalPolicies?: Record<string, string>;
    };
    const groups = await this.s3.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${cluster}/instancegroup/` }),
    );
    const igs: InstanceGroupShape[] = [];
    for (const g of groups.Contents ?? []) {
      const doc = parseKopsYaml((await this.readKey(g.Key!))!)[0]!;
      igs.push({
        name: doc.metadata.name,
        controlPlane: doc.spec['role'] === 'Master' || doc.spec['role'] === 'ControlPlane',
        machineType: String(doc.spec['machineType']),
        zone: (doc.spec['subnets'] as string[])[0]!,
        minSize: Number(doc.spec['minSize'] ?? 1),
        maxSize: Number(doc.spec['maxSize'] ?? 1),
        additionalUserData: additionalUserDataOf(doc.spec),
        additionalSecurityGroups: (doc.spec['additionalSecurityGroups'] as string[] | undefined) ?? [],
      });
    }
    const cp = igs.find((g) => g.controlPlane);
    if (cp === undefined) return fail('Error: must have at least one control-plane instance group');
    const a = this.o.addresses ?? {};
    await this.admin(
      'POST',
      'seed',
      kopsClusterSeed({
        clusterName: cluster,
        dnsZone: spec.dnsZone,
        region: this.o.region,
        availabilityZone: cp.zone,
        instanceType: cp.machineType,
        ...(a.privateIp ? { primaryPrivateIp: a.privateIp } : {}),
        ...(a.publicIp ? { publicIp: a.publicIp } : {}),
        ...(a.vpcCidr ? { vpcCidr: a.vpcCidr } : {}),
        ...(a.subnetCidr ? { subnetCidr: a.subnetCidr } : {}),
      }),
    );
    await putRolePolicies(this.adminApi, cluster, spec.additionalPolicies ?? {});
    // A group going to zero (pause) terminates its instance: the node is told first, as on delete.
    const running = await this.instanceOf(cluster);
    if (running && cp.maxSize === 0) await this.o.nodeProvider?.onInstanceTerminating?.(running);
    await scaleGroups(this.adminApi, await this.regionalState(), cluster, igs);
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: `${cluster}/cluster-completed.spec`, Body: configText }),
    );
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: `${cluster}/kops-version.txt`, Body: '1.36.2' }),
    );
    const instance = await this.instanceOf(cluster);
    if (instance) await this.followDns(cluster, instance);
    if (instance && this.o.nodeProvider) await this.o.nodeProvider.onInstanceLaunched(instance);
    return ok(
      '',
      `I1130 stand-in: cluster ${cluster} applied (instance ${instance?.instanceId ?? '?'})\nCluster changes have been applied to the cloud.\n`,
    );
  }

  /**
   * Replace the control-plane instance the way its Auto Scaling group does after a failed health
   * check or a spot interruption (no kops command does this; it is the cloud acting): the node is
   * told its instance terminates, the emulator terminates it (interface and secondary IP gone,
   * Elastic IP disassociated) and launches a fresh one from the group's template, which the node
   * provider then boots as a fresh node.
   */
  async replaceControlPlaneInstance(cluster: string): Promise<{ terminated: string; launched: LaunchedInstance }> {
    const old = await this.instanceOf(cluster);
    if (!old) throw new Error(`cluster ${cluster} has no running control-plane instance to replace`);
    await this.o.nodeProvider?.onInstanceTerminating?.(old);
    await this.admin('POST', 'autoscaling/replace-instance', { instanceId: old.instanceId });
    const fresh = await this.instanceOf(cluster);
    if (!fresh) throw new Error(`the Auto Scaling group of ${cluster} launched no instance`);
    await this.followDns(cluster, fresh);
    await this.o.nodeProvider?.onInstanceLaunched(fresh);
    return { terminated: old.instanceId, launched: fresh };
  }

  /**
   * What kops' dns-controller does on the control plane: api.<c> follows the control-plane
   * instance's public IP and api.internal.<c> its private IP (through Route 53's API, as it does).
   */
  private async followDns(cluster: string, instance: LaunchedInstance): Promise<void> {
    await syncApiRecords(
      { endpoint: this.o.endpoint, region: this.o.region, credentials: this.o.credentials },
      cluster,
      { publicIp: instance.publicIp, privateIp: instance.privateIp },
    );
  }

  private async regionalState(): Promise<EmulatorStateView> {
    const state = await this.admin<EmulatorStateView>('GET', 'state');
    return state.region === this.o.region
      ? state
      : ({ ...state, ...state.regions?.[this.o.region] } as EmulatorStateView);
  }

  private async validate(cluster: string): Promise<KopsResult> {
    const instance = await this.instanceOf(cluster);
    const failures: { type: string; name: string; message: string }[] = [];
    const nodes: { name: string; role: string; status: string; zone?: string }[] = [];
    if (!instance) {
      failures.push({
        type: 'InstanceGroup',
        name: 'control-plane',
        message: 'InstanceGroup "control-plane" is missing from the cloud provider',
      });
    } else {
      const status = this.o.nodeProvider?.nodeStatus
        ? await this.o.nodeProvider.nodeStatus(instance)
        : [{ name: `i-${instance.instanceId}`, ready: true }];
      for (const n of status) {
        const ready = n.ready && !this.o.validateNeverPasses;
        nodes.push({
          name: n.name,
          role: 'control-plane',
          status: ready ? 'True' : 'False',
          zone: instance.availabilityZone,
        });
        if (!ready)
          failures.push({
            type: 'Node',
            name: n.name,
            message: `control-plane node "${n.name}" of role "control-plane" is not ready`,
          });
      }
    }
    const json = JSON.stringify({ ...(failures.length ? { failures } : {}), ...(nodes.length ? { nodes } : {}) });
    return failures.length ? fail('Error: validation failed: cluster not yet healthy\n', json) : ok(json);
  }

  private async exportKubeconfig(cluster: string, args: string[]): Promise<KopsResult> {
    const path = flag(args, '--kubeconfig');
    if (path === undefined) return fail('Error: the stand-in writes only to an explicit --kubeconfig');
    const instance = await this.instanceOf(cluster);
    const creds =
      instance && this.o.nodeProvider?.adminCredentials
        ? await this.o.nodeProvider.adminCredentials(instance)
        : undefined;
    const kubeconfig = adminKubeconfig(cluster, creds);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(path, stringify(kubeconfig), { mode: 0o600 });
    return ok('', `kOps has set your kubectl context to ${cluster}\n`);
  }

  private async delete(cluster: string, args: string[]): Promise<KopsResult> {
    if (!args.includes('--yes')) return ok('', 'Must specify --yes to delete cluster\n');
    const instance = await this.instanceOf(cluster);
    if (instance && this.o.nodeProvider?.onInstanceTerminating)
      await this.o.nodeProvider.onInstanceTerminating(instance);
    try {
      await this.admin('POST', 'remove-kops-cluster', { cluster });
    } catch (err) {
      return fail(
        `Not all resources deleted; waiting before reattempting deletion\n\t${(err as Error).message}\nError: wait time exceeded during resource deletion\n`,
      );
    }
    const keys = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${cluster}/` }));
    const objects = (keys.Contents ?? []).map((c) => ({ Key: c.Key! }));
    if (objects.length > 0)
      await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: objects, Quiet: true } }));
    // kops deletes the etcd volumes with the cluster.
    await this.o.nodeProvider?.onClusterDeleted?.(cluster);
    return ok('', `Deleted cluster: "${cluster}"\n`);
  }
}
