// IB Gateway's message pacing: at most N messages (50) in any one-second window from one client.
// Beyond it IB answers error 100 and drops the connection; so does the simulator.

export interface PacingResult {
  /** Messages in the last second, this one included. */
  inWindow: number;
  exceeded: boolean;
}

export class PacingMeter {
  private readonly times: number[] = [];
  private head = 0;
  /** The most messages seen in any one-second window so far. */
  peak = 0;

  constructor(
    readonly limit: number,
    private readonly now: () => number,
    private readonly windowMs = 1000,
  ) {}

  /** Counts one message that arrived at `now` (by default, this moment). */
  record(now = this.now()): PacingResult {
    this.times.push(now);
    while (this.head < this.times.length && (this.times[this.head] as number) <= now - this.windowMs)
      this.head += 1;
    // Compact now and then so the array does not grow without bound.
    if (this.head > 1024) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    const inWindow = this.times.length - this.head;
    this.peak = Math.max(this.peak, inWindow);
    return { inWindow, exceeded: inWindow > this.limit };
  }
}
