import { EventName } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import { closeClients, connectClient, IbTestClient } from "./support/ib-test-client.js";
import { RawClient } from "./support/raw-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { ACCOUNT } from "./support/test-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

describe("handshake and connection requests", () => {
  it("negotiates server version 193, then sends managed accounts, nextValidId and farm notices", async () => {
    const sim = await startTestSim();
    const client = new IbTestClient(sim.port, 7);
    const nextId = await client.connect();

    expect(client.ib.serverVersion).toBe(193);
    expect(nextId).toBe(1000);
    const names = client.events.map((e) => e.name);
    expect(names.indexOf(EventName.managedAccounts)).toBeLessThan(names.indexOf(EventName.nextValidId));
    expect(client.named(EventName.managedAccounts)).toEqual([[ACCOUNT]]);
    await client.waitFor(EventName.info, { where: (args) => args[1] === 2158 });
    expect(client.infos().map((i) => i.code)).toEqual([2104, 2106, 2158]);
    expect(sim.clients()).toEqual([{ clientId: 7, connectionId: 1 }]);
  });

  it("refuses a client id already connected with 326 and closes that connection", async () => {
    const sim = await startTestSim();
    const first = await connectClient(sim.port, 7);
    const second = new IbTestClient(sim.port, 7);
    second.ib.connect(7);
    await second.waitFor(EventName.info, { where: (args) => args[1] === 326 });
    await second.closed();
    expect(second.named(EventName.nextValidId)).toEqual([]);
    expect(first.ib.isConnected).toBe(true);
    expect(sim.clients().map((c) => c.clientId)).toEqual([7]);
  });

  it("answers current time, reqIds and managed accounts", async () => {
    const now = new Date("2026-11-24T15:00:00Z");
    const sim = await startTestSim({ clock: { now: () => now } });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqCurrentTime();
    client.ib.reqIds(1);
    client.ib.reqManagedAccts();
    await client.waitFor(EventName.managedAccounts, { since });
    expect(client.named(EventName.currentTime, since)).toEqual([[now.getTime() / 1000]]);
    expect(client.named(EventName.nextValidId, since)).toEqual([[1000]]);
    expect(client.named(EventName.managedAccounts, since)).toEqual([[ACCOUNT]]);
    expect(client.named(EventName.server)).toEqual([[193, "20261124 15:00:00 UTC"]]);
  });

  it("refuses connections beyond the client limit", async () => {
    const sim = await startTestSim({ limits: { clients: 2 } });
    await connectClient(sim.port, 1);
    await connectClient(sim.port, 2);
    const third = new IbTestClient(sim.port, 3);
    third.ib.connect(3);
    await third.closed();
    expect(third.named(EventName.nextValidId)).toEqual([]);
  });

  it("drops connections that do not finish the handshake, so idle ones cannot hold every client slot", async () => {
    const sim = await startTestSim({ limits: { handshakeTimeoutMs: 200 } });
    const working = await connectClient(sim.port, 1);
    // 40 connections that send only `API\0`: 31 take the remaining slots, the rest are refused.
    const idle = await Promise.all(Array.from({ length: 40 }, () => RawClient.open(sim.port)));
    for (const raw of idle) raw.write(Buffer.from("API\0", "latin1"));
    await Promise.all(idle.map((raw) => raw.until(() => raw.closed)));
    expect(idle.flatMap((raw) => raw.messages)).toEqual([]);

    const late = await connectClient(sim.port, 2);
    expect(late.ib.isConnected).toBe(true);
    expect(working.ib.isConnected).toBe(true);
    expect(sim.clients().map((c) => c.clientId)).toEqual([1, 2]);
  });

  it("accepts IB's connect options after the version range and closes on a range it cannot serve", async () => {
    const sim = await startTestSim();
    const ok = await RawClient.open(sim.port);
    ok.hello("v100..176 +PACEAPI");
    await ok.until(() => ok.messages.length === 1);
    expect(ok.messages[0]?.[0]).toBe("176");
    ok.destroy();

    // A range the simulator cannot serve gets the version it speaks (the client reports the mismatch),
    // then the connection closes.
    const old = await RawClient.open(sim.port);
    old.hello("v50..99");
    await old.until(() => old.closed);
    expect(old.messages.map((m) => m[0])).toEqual(["100"]);
  });

  it("answers a request it does not implement with a 320 notice and stays connected", async () => {
    const lines: string[] = [];
    const sim = await startTestSim({ logger: (line) => lines.push(line) });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqNewsProviders();
    await client.waitFor(EventName.info, { since, where: (a) => a[1] === 320 });
    expect(client.infos(since)).toEqual([
      { code: 320, message: "The simulator does not implement message id 85." },
    ]);
    expect(lines).toEqual(["[sim] client 1 sent message id 85, which the simulator does not implement"]);
    client.ib.reqCurrentTime();
    await client.waitFor(EventName.currentTime, { since });
  });
});
