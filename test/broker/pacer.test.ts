import { describe, expect, it } from "vitest";
import { Pacer, type PacerClock } from "../../src/broker/ib/pacer.js";

/** A clock the test moves by hand; timers fire when it passes them. */
class ManualClock implements PacerClock {
  private time = 0;
  private timers: Array<{ at: number; wake: () => void }> = [];

  now(): number {
    return this.time;
  }

  timer(ms: number, wake: () => void): () => void {
    const entry = { at: this.time + ms, wake };
    this.timers.push(entry);
    return () => (this.timers = this.timers.filter((t) => t !== entry));
  }

  async advance(ms: number): Promise<void> {
    this.time += ms;
    const due = this.timers.filter((t) => t.at <= this.time);
    this.timers = this.timers.filter((t) => t.at > this.time);
    for (const t of due) t.wake();
    await settle();
  }
}

/** Lets every promise continuation that is ready run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

const LIMITS = { maxPerWindow: 3, windowMs: 1000, maxReadDelayMs: 10_000 };

function pacerWithLog(clock: ManualClock) {
  const pacer = new Pacer(LIMITS, clock);
  const sentAt: number[] = [];
  const seqs: number[] = [];
  const send = (count: number) => {
    for (let i = 0; i < count; i++)
      void pacer.schedule(() => sentAt.push(clock.now())).then((seq) => seqs.push(seq));
  };
  return { pacer, sentAt, seqs, send };
}

describe("Pacer", () => {
  it("sends at once while the window has room, in order, numbering the messages", async () => {
    const clock = new ManualClock();
    const { sentAt, seqs, send } = pacerWithLog(clock);
    send(3);
    await settle();
    expect(sentAt).toEqual([0, 0, 0]);
    expect(seqs).toEqual([0, 1, 2]);
  });

  it("holds the next message until a window has passed since the gateway answered, not since it was written", async () => {
    const clock = new ManualClock();
    const { pacer, sentAt, seqs, send } = pacerWithLog(clock);
    send(4);
    await settle();
    expect(sentAt).toHaveLength(3);
    // The gateway is slow: its first answer comes 400 ms after the writes.
    await clock.advance(400);
    pacer.acknowledge(seqs[2] as number);
    await clock.advance(999);
    expect(sentAt).toHaveLength(3);
    await clock.advance(2);
    expect(sentAt).toEqual([0, 0, 0, 1401]);
  });

  it("takes an answer to a later message as the answer to every earlier one", async () => {
    const clock = new ManualClock();
    const { pacer, sentAt, send } = pacerWithLog(clock);
    send(3);
    await settle();
    await clock.advance(10);
    pacer.acknowledge(1);
    await clock.advance(1001);
    send(3);
    await settle();
    // Messages 0 and 1 left the window; 2 was never answered and still counts.
    expect(sentAt).toEqual([0, 0, 0, 1011, 1011]);
  });

  it("counts the handshake, and gives up waiting for an answer after maxReadDelayMs", async () => {
    const clock = new ManualClock();
    const { pacer, sentAt, send } = pacerWithLog(clock);
    pacer.noteSent(2);
    send(2);
    await settle();
    expect(sentAt).toEqual([0]);
    await clock.advance(LIMITS.maxReadDelayMs + LIMITS.windowMs + 1);
    expect(sentAt).toEqual([0, 11_001]);
  });
});
