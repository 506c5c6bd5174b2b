import { EventName } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import { closeClients, IbTestClient } from "./support/ib-test-client.js";
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
});
