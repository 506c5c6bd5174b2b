// IB disconnects a client that sends more than 50 messages in any second. @stoqey/ib's own limiter
// works in 100 ms slots of whole messages (40/s or 50/s, nothing between), so we pace ourselves with a
// sliding one-second window a little under the limit and give the library a limit it never reaches.

export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const systemPacerClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class Pacer {
  private readonly sentAt: number[] = [];
  private queue: Promise<void> = Promise.resolve();
  /** Messages sent through this pacer since it was made. */
  sent = 0;

  constructor(
    readonly maxPerSecond: number,
    private readonly clock: PacerClock = systemPacerClock,
  ) {}

  /** Runs `send` as soon as one more message fits in the window; calls run in the order made. */
  schedule(send: () => void): Promise<void> {
    const turn = this.queue.then(async () => {
      await this.waitForSlot();
      this.sentAt.push(this.clock.now());
      this.sent += 1;
      send();
    });
    // A failing send must not stall every later one.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      while (this.sentAt.length > 0 && now - (this.sentAt[0] ?? 0) >= 1000) this.sentAt.shift();
      if (this.sentAt.length < this.maxPerSecond) return;
      // A millisecond of slack: timers fire early by a fraction of a millisecond on some systems.
      await this.clock.sleep(1000 - (now - (this.sentAt[0] ?? now)) + 1);
    }
  }
}
