// A background loop for the sandbox's stand-ins of things AWS and Kubernetes run by themselves (the
// kubelet's sync, the internet gateway following EC2's addresses): one round at a time, the next
// `intervalMs` after the previous ended; a failing round is logged once per new message (the API is
// away while a node reboots, and the same error every second says nothing new) and the loop goes on.

export interface Repeating {
  stop(): void;
}

export function repeatEvery(
  intervalMs: number,
  round: () => Promise<void>,
  log: (msg: string) => void,
  o: { prefix: string; startNow?: boolean },
): Repeating {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastError = '';
  const loop = async (): Promise<void> => {
    if (stopped) return;
    try {
      await round();
      lastError = '';
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (msg !== lastError) log(`${o.prefix}: ${msg}`);
      lastError = msg;
    }
    if (!stopped) timer = setTimeout(() => void loop(), intervalMs);
  };
  if (o.startNow) void loop();
  else timer = setTimeout(() => void loop(), intervalMs);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
