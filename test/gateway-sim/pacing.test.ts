import { EventName } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { RawClient } from "./support/raw-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

describe("pacing: at most 50 messages a second per client", () => {
  it("answers a raw burst of 60 messages with error 100 and drops the connection", async () => {
    const sim = await startTestSim();
    const raw = await RawClient.open(sim.port);
    raw.hello();
    await raw.until(() => raw.messages.length === 1);
    raw.send(["71", "2", "9", ""]);
    await raw.until(() => raw.messages.some((m) => m[0] === "9"));
    const burst = Array.from({ length: 60 }, () => ["49", "1"]);
    raw.send(...burst);
    await raw.until(() => raw.closed);

    const error = raw.messages.find((m) => m[0] === "4" && m[3] === "100");
    expect(error?.slice(0, 4)).toEqual(["4", "2", "-1", "100"]);
    expect(error?.[4]).toMatch(/^Max rate of messages per second has been exceeded:max=50 rec=51/);
    // START_API plus 49 requests fit in the second; the 51st message is refused.
    expect(raw.messages.filter((m) => m[0] === "49")).toHaveLength(49);
    expect(sim.stats().pacingViolations).toBe(1);
  });

  it("does the same to an @stoqey/ib client whose own throttle is raised above the limit", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1, { maxReqPerSec: 1000 });
    const since = client.mark();
    for (let i = 0; i < 80; i += 1) client.ib.reqCurrentTime();
    await client.waitFor(EventName.info, { since, where: (a) => a[1] === 100 });
    await client.closed();
    expect(sim.clients()).toEqual([]);
  });

  it("lets @stoqey/ib's default throttle (40 a second) through without a violation", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    for (let i = 0; i < 120; i += 1) client.ib.reqCurrentTime();
    await client.waitFor(EventName.currentTime, {
      since,
      where: () => client.named(EventName.currentTime, since).length === 120,
      timeoutMs: 10_000,
    });
    expect(sim.stats()).toMatchObject({ pacingViolations: 0 });
    expect(sim.stats().peakMessagesPerSecond).toBeLessThanOrEqual(50);
    expect(sim.messageCount).toBe(121);
  });
});
