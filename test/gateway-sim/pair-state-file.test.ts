// Currency pairs in the state file: what the loader refuses (with file:line:col), the defaults IB's
// listing gives a pair, the EUR example state, and --save after a conversion.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ContractDetails } from "@stoqey/ib";
import { EventName, OrderAction, OrderType, SecType } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import { loadSimStateFile, parseSimState } from "../../src/gateway-sim/index.js";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";

const EUR_EXAMPLE = new URL("../../examples/sim-state-eur.yaml", import.meta.url).pathname;
const dirs: string[] = [];

afterEach(async () => {
  await closeClients();
  await stopSims();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function problems(text: string): string[] {
  const result = parseSimState(text, "sim.yaml");
  return result.ok ? [] : result.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`);
}

describe("currency pairs in the state file", () => {
  it("refuses a pair that is not two currencies on IDEALPRO, held as a position, with trades or upside down", () => {
    const text = [
      "accounts:",
      "  - id: DU2345678",
      "    baseCurrency: EUR",
      "    positions: [{ conId: 1, quantity: 100 }]",
      "contracts:",
      "  - { conId: 1, symbol: EUR, secType: CASH, currency: USD }",
      "  - { conId: 2, symbol: EURO, secType: CASH, currency: USD, exchange: SMART }",
      "  - { conId: 3, symbol: GBP, secType: CASH, currency: GBP, primaryExchange: LSE }",
      "quotes:",
      "  1: { bid: 0.92, ask: 0.93, last: 0.925 }",
      "exchangeRates: { EUR: 1.085, USD: 1, GBP: 1.27 }",
      "",
    ].join("\n");
    expect(problems(text)).toEqual([
      "4:26 accounts[0].positions[0].conId: conId 1 is the currency pair EUR.USD, not a holding",
      '7:25 contracts[1].symbol: a currency pair\'s symbol is the currency it buys or sells, not "EURO"',
      "7:71 contracts[1].exchange: the simulator trades currency pairs on IDEALPRO only, not on SMART",
      "8:55 contracts[2].currency: the pair GBP.GBP trades a currency for itself",
      "8:77 contracts[2].primaryExchange: a currency pair has no primary exchange",
      "10:6 quotes.1: EUR.USD has last, but IDEALPRO reports no trades for a currency pair",
      "10:6 quotes.1: EUR.USD is quoted at 0.925, far from the 1.085 that exchangeRates give for it",
    ]);
  });

  it("needs exchange rates for both currencies of a pair, and for USD, in which IB's minimum is", () => {
    const text = [
      "accounts:",
      "  - { id: DU2345678, baseCurrency: EUR, cash: { EUR: 100 } }",
      "contracts:",
      "  - { conId: 1, symbol: EUR, secType: CASH, currency: GBP }",
      "exchangeRates: { EUR: 1.085 }",
      "",
    ].join("\n");
    expect(problems(text)).toEqual([
      "5:16 exchangeRates: no exchange rate for GBP (used at contracts[0].currency)",
      "5:16 exchangeRates: no exchange rate for USD (used at contracts[0], whose commission has a minimum of USD 2.00)",
    ]);
  });

  it("gives a pair IB's exchange, name and half-pip tick unless the file says otherwise", async () => {
    const loaded = parseSimState(
      [
        "accounts: [{ id: DU2345678, baseCurrency: USD }]",
        "contracts:",
        "  - { conId: 1, symbol: EUR, secType: CASH, currency: USD }",
        "  - { conId: 2, symbol: USD, secType: CASH, currency: JPY }",
        "exchangeRates: { EUR: 1.085, USD: 1, JPY: 0.0067 }",
        "",
      ].join("\n"),
      "sim.yaml",
    );
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const sim = await startTestSim({ state: loaded.state });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqContractDetails(1, { conId: 1, exchange: "IDEALPRO" });
    client.ib.reqContractDetails(2, { symbol: "USD", secType: SecType.CASH, currency: "JPY" });
    await client.waitFor(EventName.contractDetailsEnd, { since, where: (a) => a[0] === 2 });
    const details = client.named(EventName.contractDetails, since) as [number, ContractDetails][];
    expect(details.map(([, d]) => [d.contract.exchange, d.contract.localSymbol, d.minTick])).toEqual([
      ["IDEALPRO", "EUR.USD", 0.00005],
      ["IDEALPRO", "USD.JPY", 0.005],
    ]);
  });
});

describe("the EUR example state", () => {
  it("ships a EUR-base account with USD ETFs and euros that converts, then buys", async () => {
    const loaded = await loadSimStateFile(EUR_EXAMPLE);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const sim = await startTestSim({ state: loaded.state });
    const [account] = sim.accounts();
    expect(account).toMatchObject({ baseCurrency: "EUR", cash: { EUR: 15000 } });
    expect(account?.positions.map((p) => [p.symbol, p.currency])).toEqual([
      ["VTI", "USD"],
      ["BND", "USD"],
    ]);
    const client = await connectClient(sim.port, 1);
    const id = account?.id ?? "";
    const buy = { action: OrderAction.BUY, orderType: OrderType.MKT, account: id, transmit: true };
    const vti = { conId: 756733, exchange: "SMART" };
    let since = client.mark();
    // Without dollars, a buy of a USD ETF is refused; 5,000 euros sold for dollars pay for it.
    client.ib.placeOrder(1000, vti, { ...buy, totalQuantity: 10 });
    await client.waitFor(EventName.error, { since, where: (a) => a[2] === 1000 && a[1] === 201 });
    since = client.mark();
    client.ib.placeOrder(
      1001,
      { symbol: "EUR", secType: SecType.CASH, currency: "USD", exchange: "IDEALPRO" },
      { ...buy, action: OrderAction.SELL, totalQuantity: 5000 },
    );
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1001 && a[1] === "Filled" });
    client.ib.placeOrder(1002, vti, { ...buy, totalQuantity: 10 });
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1002 && a[1] === "Filled" });
    expect(sim.account(id).cash["USD"]).toBeCloseTo(5000 * 1.08495 - 10 * 250.05 - 1, 6);
  });

  it("with save, writes a conversion's cash and leaves the virtual FX position out, so the file loads again", async () => {
    const dir = await mkdtemp(join(tmpdir(), "folioctl-sim-"));
    dirs.push(dir);
    const file = join(dir, "state.yaml");
    await writeFile(file, await readFile(EUR_EXAMPLE));
    const sim = await startTestSim({ stateFile: file, save: true });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    const order = { action: OrderAction.SELL, totalQuantity: 5000, orderType: OrderType.MKT, transmit: true };
    client.ib.placeOrder(1000, { conId: 12087792, exchange: "IDEALPRO" }, order);
    await client.waitFor(EventName.commissionReport, { since });
    expect(sim.account("DU2345678").positions.map((p) => p.secType)).toEqual(["STK", "STK", "CASH"]);
    await sim.flushSave();
    const reloaded = await loadSimStateFile(file);
    if (!reloaded.ok) throw new Error(JSON.stringify(reloaded.errors));
    const [account] = reloaded.state.accounts;
    expect(account?.positions?.map((p) => p.conId)).toEqual([756733, 43645865]);
    expect(account?.cash?.["USD"]).toBeCloseTo(5000 * 1.08495, 6);
    expect(account?.cash?.["EUR"]).toBeCloseTo(10000 - 2 / 1.085, 6);
  });
});
