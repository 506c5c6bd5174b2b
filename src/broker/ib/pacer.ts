// IB disconnects a client that sends more than 50 messages in any second, and it counts a message when
// it reads it, which on a loaded machine can be long after we wrote it: two bursts written more than a
// second apart can still be read within one. So a message counts here from when its bytes left our
// socket until a second after the gateway has certainly read it, which is when an answer to it, or to
// any later message, arrived (the gateway reads one connection in order). On an idle machine answers
// come within a millisecond and this paces at the limit; under load it slows down by exactly the
// gateway's delay. @stoqey/ib's own limiter works in 100 ms slots of whole messages (40/s or 50/s,
// nothing between), so it is given a limit it never reaches and this is the one that counts.

export interface PacerClock {
  now(): number;
  /** Calls `wake` after `ms`; the returned function cancels it. */
  timer(ms: number, wake: () => void): () => void;
}

const systemPacerClock: PacerClock = {
  now: () => performance.now(),
  timer: (ms, wake) => {
    const handle = setTimeout(wake, ms);
    return () => clearTimeout(handle);
  },
};

export interface PacerLimits {
  /** Messages that may be in the window at once: a margin under IB's 50. */
  maxPerWindow: number;
  /** How long a message stays in the window once the gateway has read it: a margin over IB's second. */
  windowMs: number;
  /**
   * A message nothing has answered yet (a cancel, the last of a batch) is taken as read this long after
   * it was written, so that the pacer cannot wait forever; far beyond any read delay seen under load.
   */
  maxReadDelayMs: number;
}

interface Entry {
  /** When the bytes left our socket. */
  writtenAt: number;
  /** When an answer showed the gateway had read it; undefined while none has. */
  readBy: number | undefined;
}

export class Pacer {
  /** Messages still in the window, oldest first; `first` is the sequence number of entries[0]. */
  private readonly entries: Entry[] = [];
  private first = 0;
  private queue: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  /** Messages sent through `schedule` since this pacer was made (the handshake is not among them). */
  sent = 0;
  /** Sequence number of the next message. */
  private next = 0;

  constructor(
    readonly limits: PacerLimits,
    private readonly clock: PacerClock = systemPacerClock,
  ) {}

  /** Counts messages sent outside the pacer (the handshake) so that they take their place in the window. */
  noteSent(count: number): number {
    for (let i = 0; i < count; i++) this.record();
    return this.next - 1;
  }

  /**
   * Runs `send` as soon as one more message fits in the window; calls run in the order made. Resolves
   * with the message's sequence number, which `acknowledge` takes.
   */
  schedule(send: () => void): Promise<number> {
    const turn = this.queue.then(async () => {
      await this.waitForSlot();
      send();
      this.sent += 1;
      return this.record();
    });
    // A failing send must not stall every later one.
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /** An answer to message `seq` arrived: the gateway has read it and every message before it. */
  acknowledge(seq: number): void {
    const now = this.clock.now();
    const last = Math.min(seq - this.first, this.entries.length - 1);
    let woke = false;
    for (let i = last; i >= 0; i--) {
      const entry = this.entries[i] as Entry;
      if (entry.readBy !== undefined) break;
      entry.readBy = now;
      woke = true;
    }
    if (woke) this.wake?.();
  }

  private record(): number {
    this.entries.push({ writtenAt: this.clock.now(), readBy: undefined });
    this.next += 1;
    return this.next - 1;
  }

  /** When the entry leaves the window: a window after it was (or is taken as) read. */
  private leavesAt(entry: Entry): number {
    const read = Math.min(entry.readBy ?? Infinity, entry.writtenAt + this.limits.maxReadDelayMs);
    return read + this.limits.windowMs;
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      // Entries leave in order: both when they were written and when they were read only grow.
      while (this.entries.length > 0 && this.leavesAt(this.entries[0] as Entry) <= now) {
        this.entries.shift();
        this.first += 1;
      }
      if (this.entries.length < this.limits.maxPerWindow) return;
      const until = this.leavesAt(this.entries[0] as Entry);
      // Woken early by an answer, or when the oldest leaves; a millisecond of slack for early timers.
      await new Promise<void>((resolve) => {
        const cancel = this.clock.timer(until - now + 1, () => wake());
        const wake = () => {
          cancel();
          this.wake = undefined;
          resolve();
        };
        this.wake = wake;
      });
    }
  }
}
