// IB disconnects a client that sends more than 50 messages in any second. @stoqey/ib's own limiter
// works in 100 ms slots of whole messages (40/s or 50/s, nothing between), so we pace ourselves with a
// sliding window a little under the limit and give the library a limit it never reaches. The window is
// longer than a second because the gateway counts when it reads a message, not when we wrote it: a
// burst it reads late must not fall into the same second as the next one.

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
    readonly maxPerWindow: number,
    readonly windowMs: number,
    private readonly clock: PacerClock = systemPacerClock,
  ) {}

  /** Counts messages sent outside the pacer (the handshake) so that they take their place in the window. */
  noteSent(count: number): void {
    for (let i = 0; i < count; i++) this.sentAt.push(this.clock.now());
  }

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
      while (this.sentAt.length > 0 && now - (this.sentAt[0] ?? 0) >= this.windowMs) this.sentAt.shift();
      if (this.sentAt.length < this.maxPerWindow) return;
      // A millisecond of slack: timers fire early by a fraction of a millisecond on some systems.
      await this.clock.sleep(this.windowMs - (now - (this.sentAt[0] ?? now)) + 1);
    }
  }
}
