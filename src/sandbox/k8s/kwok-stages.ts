// kwok's Stage configuration. Since v0.8.0 the kwok binary has no built-in stages (it exits with
// "no stages found" without any), so solokube writes its own, from the Stage schema
// (resourceRef, selector.matchExpressions on jq paths, delay, next.statusTemplate / next.delete):
//   node-ready       a new node reports Ready with addresses, capacity and node info;
//   node-heartbeat   a Ready node refreshes its conditions every 20–25 s;
//   pod-ready        a scheduled pod runs and is Ready at once (no container runs; none can);
//   pod-delete       a deleted pod goes away at once (no kubelet, no grace period);
// and, for rollout-failure tests, pods labelled solokube.test/pod-behaviour=<b>:
//   image-pull-backoff  stays Pending with its container waiting in ImagePullBackOff;
//   crash-loop          runs with its container waiting in CrashLoopBackOff, never Ready;
// which is what a kubelet reports for those failures.

export const POD_BEHAVIOUR_LABEL = 'solokube.test/pod-behaviour';
export type PodBehaviour = 'image-pull-backoff' | 'crash-loop';

const behaviourKey = `'.metadata.labels["${POD_BEHAVIOUR_LABEL}"]'`;

const NODE_CONDITION_ROWS: readonly [type: string, status: string, reason: string, message: string][] = [
  ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status (simulated by kwok)'],
  ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
];
const NODE_CONDITIONS = `
      conditions:${NODE_CONDITION_ROWS.map(
        ([type, status, reason, message]) => `
      - type: ${type}
        status: "${status}"
        reason: ${reason}
        message: ${message}
        lastHeartbeatTime: {{ $now | Quote }}
        lastTransitionTime: {{ $now | Quote }}`,
      ).join('')}`;

const POD_NOT_READY_CONDITIONS = `
      conditions:
      - type: PodScheduled
        status: "True"
        lastTransitionTime: {{ $now | Quote }}
      - type: Initialized
        status: "True"
        lastTransitionTime: {{ $now | Quote }}
      - type: Ready
        status: "False"
        reason: ContainersNotReady
        message: "containers with unready status: [{{ range .spec.containers }}{{ .name }} {{ end }}]"
        lastTransitionTime: {{ $now | Quote }}
      - type: ContainersReady
        status: "False"
        reason: ContainersNotReady
        lastTransitionTime: {{ $now | Quote }}`;

const HOST_IPS = `
      {{ with NodeIPsWith .spec.nodeName }}
      hostIP: {{ index . 0 | Quote }}
      hostIPs:
      {{ range . }}
      - ip: {{ . | Quote }}
      {{ end }}
      {{ end }}`;

const stage = (
  name: string,
  kind: 'Node' | 'Pod',
  selector: string,
  next: string,
  delay = '',
): string => `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: ${name}
spec:
  resourceRef:
    apiGroup: v1
    kind: ${kind}
  selector:
    matchExpressions:
${selector}${delay}
  next:
${next}
`;

const expr = (key: string, operator: string, values?: readonly string[]): string =>
  `    - key: ${key}\n      operator: ${operator}${values ? `\n      values:\n${values.map((v) => `      - ${JSON.stringify(v)}`).join('\n')}` : ''}`;

const READY_STATUS = `'.status.conditions.[] | select( .type == "Ready" ) | .status'`;
const livePendingPod = [
  expr(`'.metadata.deletionTimestamp'`, 'DoesNotExist'),
  expr(`'.status.phase'`, 'In', ['Pending']),
];

export function kwokStages(): string {
  const nodeReady = stage(
    'node-ready',
    'Node',
    expr(READY_STATUS, 'NotIn', ['True']),
    `    statusTemplate: |
      {{ $now := Now }}${NODE_CONDITIONS}
      addresses:
      {{ with NodeIP }}
      - type: InternalIP
        address: {{ . | Quote }}
      {{ end }}
      - type: Hostname
        address: {{ .metadata.name | Quote }}
      allocatable:
      {{ with .status.allocatable }}
      {{ YAML . 1 }}
      {{ else }}
        cpu: "2"
        memory: 4Gi
        pods: "110"
      {{ end }}
      capacity:
      {{ with .status.capacity }}
      {{ YAML . 1 }}
      {{ else }}
        cpu: "2"
        memory: 4Gi
        pods: "110"
      {{ end }}
      nodeInfo:
        architecture: amd64
        operatingSystem: linux
        kubeletVersion: {{ printf "kwok-%s" Version | Quote }}
        kubeProxyVersion: {{ printf "kwok-%s" Version | Quote }}
        containerRuntimeVersion: {{ printf "kwok-%s" Version | Quote }}
        kernelVersion: {{ printf "kwok-%s" Version | Quote }}
        osImage: kwok
        machineID: ""
        systemUUID: ""
        bootID: ""
      phase: Running`,
  );
  const nodeHeartbeat = stage(
    'node-heartbeat',
    'Node',
    [expr(`'.status.phase'`, 'In', ['Running']), expr(READY_STATUS, 'In', ['True'])].join('\n'),
    `    statusTemplate: |
      {{ $now := Now }}${NODE_CONDITIONS}`,
    `
  delay:
    durationMilliseconds: 20000
    jitterDurationMilliseconds: 25000`,
  );
  const podReady = stage(
    'pod-ready',
    'Pod',
    [...livePendingPod, expr(READY_STATUS, 'NotIn', ['True']), expr(behaviourKey, 'DoesNotExist')].join('\n'),
    `    statusTemplate: |
      {{ $now := Now }}
      conditions:
      - type: PodScheduled
        status: "True"
        lastTransitionTime: {{ $now | Quote }}
      - type: Initialized
        status: "True"
        lastTransitionTime: {{ $now | Quote }}
      - type: Ready
        status: "True"
        lastTransitionTime: {{ $now | Quote }}
      - type: ContainersReady
        status: "True"
        lastTransitionTime: {{ $now | Quote }}
      {{ range .spec.readinessGates }}
      - type: {{ .conditionType | Quote }}
        status: "True"
        lastTransitionTime: {{ $now | Quote }}
      {{ end }}
      containerStatuses:
      {{ range .spec.containers }}
      - name: {{ .name | Quote }}
        image: {{ .image | Quote }}
        ready: true
        started: true
        restartCount: 0
        state:
          running:
            startedAt: {{ $now | Quote }}
      {{ end }}${HOST_IPS}
      {{ with PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
      podIP: {{ index . 0 | Quote }}
      podIPs:
      {{ range . }}
      - ip: {{ . | Quote }}
      {{ end }}
      {{ end }}
      phase: Running
      startTime: {{ $now | Quote }}`,
  );
  const imagePullBackOff = stage(
    'pod-image-pull-backoff',
    'Pod',
    [
      ...livePendingPod,
      expr(behaviourKey, 'In', ['image-pull-backoff']),
      expr(`'.status.containerStatuses'`, 'DoesNotExist'),
    ].join('\n'),
    `    statusTemplate: |
      {{ $now := Now }}${POD_NOT_READY_CONDITIONS}
      containerStatuses:
      {{ range .spec.containers }}
      - name: {{ .name | Quote }}
        image: {{ .image | Quote }}
        imageID: ""
        ready: false
        started: false
        restartCount: 0
        state:
          waiting:
            reason: ImagePullBackOff
            message: {{ printf "Back-off pulling image %q: ErrImagePull: failed to pull and unpack image (simulated by kwok)" .image | Quote }}
      {{ end }}${HOST_IPS}
      phase: Pending
      startTime: {{ $now | Quote }}`,
  );
  const crashLoop = stage(
    'pod-crash-loop',
    'Pod',
    [...livePendingPod, expr(behaviourKey, 'In', ['crash-loop'])].join('\n'),
    `    statusTemplate: |
      {{ $now := Now }}${POD_NOT_READY_CONDITIONS}
      containerStatuses:
      {{ range .spec.containers }}
      - name: {{ .name | Quote }}
        image: {{ .image | Quote }}
        ready: false
        started: false
        restartCount: 3
        lastState:
          terminated:
            exitCode: 1
            reason: Error
            finishedAt: {{ $now | Quote }}
        state:
          waiting:
            reason: CrashLoopBackOff
            message: {{ printf "back-off 40s restarting failed container=%s (simulated by kwok)" .name | Quote }}
      {{ end }}${HOST_IPS}
      phase: Running
      startTime: {{ $now | Quote }}`,
  );
  const podDelete = stage('pod-delete', 'Pod', expr(`'.metadata.deletionTimestamp'`, 'Exists'), `    delete: true`);
  return [nodeReady, nodeHeartbeat, podReady, imagePullBackOff, crashLoop, podDelete].join('---\n');
}
