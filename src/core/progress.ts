// Which steps a command has started, finished and changed, told through IoHost events so that the
// host can say what was going on when the command is interrupted or runs out of time. The engine
// reports a step's start and end here; a ProgressLog reads those events back.

import type { IoEvent, IoHost } from './io.js';
import type { CommandProgress } from './errors.js';
import { formatMs } from './errors.js';

export type StepActivity = 'reading' | 'applying' | 'removing';

interface StepRef {
  id: string;
  title: string;
}

const VERB: Record<string, string> = { create: 'created', update: 'updated', delete: 'deleted' };

export function stepStarted(io: IoHost, r: StepRef, activity: StepActivity): void {
  io.emit({
    level: 'debug',
    message: `${activity} ${r.title}`,
    time: new Date(),
    data: { step: r.id, title: r.title, phase: 'start', activity },
  });
}

/** The end of a step; a change is worth an info line, an unchanged step only a debug one. */
export function stepEnded(io: IoHost, r: StepRef, action: string, durationMs?: number): void {
  const verb = VERB[action];
  const took = durationMs === undefined ? '' : ` (${formatMs(durationMs)})`;
  const data = {
    step: r.id,
    title: r.title,
    phase: 'end',
    action,
    ...(durationMs === undefined ? {} : { durationMs }),
  };
  if (verb) io.emit({ level: 'info', message: `${verb} ${r.title}${took}`, time: new Date(), data });
  else io.emit({ level: 'debug', message: `${r.title}: ${action}${took}`, time: new Date(), data });
}

/** Reads step events back into "done" and "running" lists. */
export class ProgressLog {
  private readonly running = new Map<string, string>();
  private readonly done: string[] = [];

  observe(event: IoEvent): void {
    const d = event.data;
    if (!d || typeof d.step !== 'string' || typeof d.title !== 'string') return;
    const label = `${d.title} [${d.step}]`;
    if (d.phase === 'start') this.running.set(d.step, `${String(d.activity ?? 'working on')} ${label}`);
    if (d.phase === 'end') {
      this.running.delete(d.step);
      const verb = typeof d.action === 'string' ? VERB[d.action] : undefined;
      if (verb) this.done.push(`${verb} ${label}`);
    }
  }

  snapshot(): CommandProgress {
    return { done: [...this.done], running: [...this.running.values()] };
  }
}
