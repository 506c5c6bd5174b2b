// IB's limits on the requests that cover a whole login, through the unmodified @stoqey/ib client: two
// active account summaries per client, and no summary of group All nor reqPositions for a login
// managing more than 50 accounts (per-account requests are what IB offers instead).
import type { Contract } from "@stoqey/ib";
import { EventName } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { accountId, manyAccountsState } from "./support/many-accounts-state.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { ACCOUNT, VNQ } from "./support/test-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

describe("account summaries of one client", () => {
  it("refuses a third active one with 322, and answers again once one is cancelled", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.reqAccountSummary(1, "All", "NetLiquidation");
    client.ib.reqAccountSummary(2, "All", "NetLiquidation");
    client.ib.reqAccountSummary(3, "All", "NetLiquidation");
    await client.waitFor(EventName.error, { since, where: (a) => a[2] === 3 });
    await client.waitFor(EventName.accountSummaryEnd, { since, where: (a) => a[0] === 2 });
    expect(client.errors(since)).toEqual([
      {
        id: 3,
        code: 322,
        message: "Maximum number of account summary requests exceeded; desubscribe to previous request first",
      },
    ]);
    expect(client.named(EventName.accountSummaryEnd, since)).toEqual([[1], [2]]);

    since = client.mark();
    client.ib.cancelAccountSummary(1);
    client.ib.reqAccountSummary(4, "All", "NetLiquidation");
    await client.waitFor(EventName.accountSummaryEnd, { since, where: (a) => a[0] === 4 });
    expect(client.errors(since)).toEqual([]);
  });

  it("counts per client: another client has two of its own", async () => {
    const sim = await startTestSim();
    const first = await connectClient(sim.port, 1);
    const second = await connectClient(sim.port, 2);
    first.ib.reqAccountSummary(1, "All", "NetLiquidation");
    first.ib.reqAccountSummary(2, "All", "NetLiquidation");
    await first.waitFor(EventName.accountSummaryEnd, { where: (a) => a[0] === 2 });
    const since = second.mark();
    second.ib.reqAccountSummary(1, "All", "NetLiquidation");
    second.ib.reqAccountSummary(2, "All", "NetLiquidation");
    await second.waitFor(EventName.accountSummaryEnd, { since, where: (a) => a[0] === 2 });
    expect(second.errors(since)).toEqual([]);
  });
});

describe("a login managing more than 50 accounts", () => {
  it("refuses the summary of group All with 321 and sends no row", async () => {
    const sim = await startTestSim({ state: manyAccountsState(51) });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqAccountSummary(7, "All", "NetLiquidation");
    await client.waitFor(EventName.error, { since, where: (a) => a[2] === 7 });
    expect(client.errors(since)).toEqual([
      {
        id: 7,
        code: 321,
        message:
          "Error validating request: the account summary of group All is not available to a login managing " +
          "more than 50 accounts (this one manages 51); use reqAccountUpdatesMulti per account",
      },
    ]);
    expect(client.named(EventName.accountSummary, since)).toEqual([]);
  });

  it("refuses reqPositions (a notice, it has no id) and answers positions multi per account", async () => {
    const sim = await startTestSim({ state: manyAccountsState(51) });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqPositions();
    client.ib.reqPositionsMulti(8, accountId(50), "");
    await client.waitFor(EventName.positionMultiEnd, { since });
    expect(client.infos(since)).toEqual([
      {
        code: 321,
        message:
          "Error validating request: reqPositions is not available to a login managing more than 50 " +
          "accounts (this one manages 51); use reqPositionsMulti per account",
      },
    ]);
    expect(client.named(EventName.position, since)).toEqual([]);
    expect(client.named(EventName.positionEnd, since)).toEqual([]);
    const rows = client.named(EventName.positionMulti, since) as [number, string, string, Contract, number][];
    expect(rows.map(([, account, , c, quantity]) => [account, c.conId, quantity])).toEqual([
      [accountId(50), VNQ, 50],
    ]);
  });

  it("answers both for exactly 50 accounts", async () => {
    const sim = await startTestSim({ state: manyAccountsState(50) });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqAccountSummary(7, "All", "NetLiquidation");
    client.ib.reqPositions();
    await client.waitFor(EventName.accountSummaryEnd, { since });
    await client.waitFor(EventName.positionEnd, { since });
    const accounts = new Set(client.named(EventName.accountSummary, since).map((a) => a[1]));
    expect(accounts.size).toBe(50);
    expect(accounts.has(ACCOUNT)).toBe(true);
    expect(client.errors(since)).toEqual([]);
  });
});
