import { EventName, OrderAction, OrderType } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import { isOpenAt, parseTradingHours } from "../../src/core/trading-hours.js";
import { parseIsoTime } from "../../src/core/iso-time.js";
import { loadSimStateFile, parseSimState } from "../../src/gateway-sim/index.js";
import { REPO_ROOT } from "../support/run-cli.js";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { ACCOUNT, testState, VTI } from "./support/test-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

// Far from any machine's clock, so that an answer by the machine's clock cannot pass for it.
const START = "2031-03-04T15:00:00Z";
const START_MS = Date.parse(START);
const HOUR_MS = 3_600_000;

describe("the state file's clock", () => {
  it("starts at `clock` and runs on: reqCurrentTime, the connection time and executions follow it", async () => {
    const sim = await startTestSim({ state: { ...testState(), clock: START } });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqCurrentTime();
    const answer = await client.waitFor(EventName.currentTime, { since });
    const seconds = answer.args[0] as number;
    expect(seconds * 1000).toBeGreaterThanOrEqual(START_MS);
    expect(seconds * 1000).toBeLessThanOrEqual(sim.now().getTime());
    // A connection and a round trip later, the simulated time has moved on from its start.
    expect(sim.now().getTime()).toBeGreaterThan(START_MS);
    expect(client.named(EventName.server)[0]?.[1]).toMatch(/^20310304 15:00:0\d UTC$/);

    client.ib.placeOrder(
      1000,
      { conId: VTI, symbol: "VTI", secType: "STK" as never, exchange: "SMART", currency: "USD" },
      {
        action: OrderAction.BUY,
        orderType: OrderType.MKT,
        totalQuantity: 1,
        account: ACCOUNT,
        transmit: true,
      },
    );
    await client.waitFor(EventName.execDetails, { since });
    const [execution] = sim.executions();
    expect(Date.parse(execution!.time)).toBeGreaterThanOrEqual(START_MS);
    expect(Date.parse(execution!.time)).toBeLessThanOrEqual(sim.now().getTime());
  });

  it("gives way to a clock passed in, and is kept in the state the simulator writes back", async () => {
    const fixed = new Date("2026-11-24T15:00:00Z");
    const sim = await startTestSim({ state: { ...testState(), clock: START }, clock: { now: () => fixed } });
    expect(sim.now()).toEqual(fixed);
    expect(sim.snapshotState().clock).toBe(START);
  });

  it("refuses a clock that is not a time with a zone, at its line", () => {
    const text = [
      "clock: 2026-12-02 15:00",
      "accounts: [{ id: DU1234567, baseCurrency: USD }]",
      "contracts: []",
      "",
    ];
    const result = parseSimState(text.join("\n"), "sim.yaml");
    expect(
      result.ok ? [] : result.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`),
    ).toEqual(['1:8 clock: "2026-12-02 15:00" is not an ISO 8601 time with a zone']);
    expect(result.ok ? undefined : result.errors[0]?.hint).toContain("2026-12-02T15:00:00Z");
  });
});

describe("examples/sim-state.yaml", () => {
  it("gives every contract IB's hours, and starts its clock inside every regular session", async () => {
    const loaded = await loadSimStateFile(`${REPO_ROOT}/examples/sim-state.yaml`);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const clock = parseIsoTime(loaded.state.clock ?? "");
    expect(clock, "clock").toBeDefined();
    expect(loaded.state.contracts.length).toBeGreaterThan(0);
    for (const contract of loaded.state.contracts) {
      expect(contract.timeZoneId, contract.symbol).toBe("US/Eastern");
      const liquid = parseTradingHours(contract.liquidHours ?? "", contract.timeZoneId!);
      const trading = parseTradingHours(contract.tradingHours ?? "", contract.timeZoneId!);
      if (!liquid.ok || !trading.ok) throw new Error(`${contract.symbol}: hours do not parse`);
      // Open at the start and for hours after it: a demo or a test run never reaches the close.
      for (const at of [clock!, clock! + 2 * HOUR_MS]) {
        expect(isOpenAt(liquid.hours, at), `${contract.symbol} regular session`).toBe(true);
        expect(isOpenAt(trading.hours, at), `${contract.symbol} extended hours`).toBe(true);
      }
      // As IB sends them: several days ahead, the weekend listed as closed.
      expect(liquid.hours.sessions.length).toBeGreaterThanOrEqual(5);
      expect(liquid.hours.closedDays).toEqual(["20261205", "20261206"]);
    }
  });
});
