// The command's --timeout. It runs while solokube works and stands still while a person is asked
// something: the time someone takes to read a plan and answer is not the command's to spend, so
// the full budget starts again once the answer is in.

/** setTimeout's limit: larger delays are treated as 1 ms by Node. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
export const MAX_TIMEOUT_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

export class CommandClock {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly budgetMs: number,
    private readonly onExpiry: () => void,
  ) {
    if (!(budgetMs > 0 && budgetMs <= MAX_TIMER_MS))
      throw new RangeError(`a command deadline must be 1..${MAX_TIMER_MS} ms, not ${budgetMs}`);
  }

  /** Start (or start again) with the whole budget. */
  start(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onExpiry();
    }, this.budgetMs);
    this.timer.unref();
  }

  /** Stand still, e.g. while a question is open. */
  pause(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.pause();
  }
}
