import { describe, expect, it } from "vitest";
import { PacingMeter } from "../../src/gateway-sim/engine/pacing.js";

// IB counts messages in any one second, not per calendar second: the simulator's meter is a sliding
// window, so two bursts that straddle a second boundary are still caught.
describe("the simulator's pacing meter", () => {
  function meterAt(times: number[]) {
    let now = 0;
    const meter = new PacingMeter(50, () => now);
    return times.map((t) => {
      now = t;
      return meter.record();
    });
  }

  it("refuses the 51st message within any one second, across a second boundary", () => {
    const times = [...Array.from({ length: 30 }, () => 700), ...Array.from({ length: 21 }, () => 1300)];
    const results = meterAt(times);
    expect(results.slice(0, 50).every((r) => !r.exceeded)).toBe(true);
    expect(results[50]).toEqual({ inWindow: 51, exceeded: true });
  });

  it("lets a message through once the oldest in the window is a full second old", () => {
    const times = [...Array.from({ length: 50 }, () => 0), 999.9, 1000];
    const results = meterAt(times);
    expect(results[50]).toEqual({ inWindow: 51, exceeded: true });
    // At 1000 the 50 messages of time 0 are out; the one of 999.9 and this one are in.
    expect(results[51]).toEqual({ inWindow: 2, exceeded: false });
  });
});
