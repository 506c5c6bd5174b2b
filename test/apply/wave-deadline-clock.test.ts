// The production wave deadline: the real clock, `waveTimeoutMs` after the wave starts. Vitest's fake
// timers stand for the clock, so the test moves time instead of waiting for it.
import { afterEach, describe, expect, it, vi } from "vitest";
import { clockWaveDeadline } from "../../src/apply/execute-legs.js";

afterEach(() => {
  vi.useRealTimers();
});

/** Whether the promise has settled, after the callbacks already due have run. */
async function isSettled(promise: Promise<void>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await vi.advanceTimersByTimeAsync(0);
  return settled;
}

describe("the real clock's wave deadline", () => {
  it("is reached waveTimeoutMs after the wave starts, not a moment before", async () => {
    vi.useFakeTimers();
    const deadline = clockWaveDeadline({ legs: ["S1"], timeoutMs: 60_000 }, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(await isSettled(deadline)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await isSettled(deadline)).toBe(true);
  });

  it("leaves no timer behind when the wave ends first", async () => {
    vi.useFakeTimers();
    const settled = new AbortController();
    const deadline = clockWaveDeadline({ legs: ["S1"], timeoutMs: 60_000 }, settled.signal);
    expect(vi.getTimerCount()).toBe(1);
    settled.abort();
    expect(await isSettled(deadline)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
