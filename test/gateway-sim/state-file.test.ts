import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventName, OrderAction, OrderType } from "@stoqey/ib";
import { parse } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { loadSimStateFile, parseSimState, startGatewaySim } from "../../src/gateway-sim/index.js";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";

const EXAMPLE = new URL("../../examples/sim-state.yaml", import.meta.url).pathname;
const PORTFOLIO = new URL("../../portfolio.yaml", import.meta.url).pathname;
const dirs: string[] = [];

afterEach(async () => {
  await closeClients();
  await stopSims();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempCopy(source: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "folioctl-sim-"));
  dirs.push(dir);
  const file = join(dir, "state.yaml");
  await writeFile(file, await readFile(source));
  return file;
}

describe("state file", () => {
  it("ships an example that loads and matches the example portfolio, out of band", async () => {
    const loaded = await loadSimStateFile(EXAMPLE);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const portfolio = parse(await readFile(PORTFOLIO, "utf8")) as {
      account: string;
      baseCurrency: string;
      targets: { symbol: string; weight: number; conId?: number }[];
    };
    const [account] = loaded.state.accounts;
    expect(account?.id).toBe(portfolio.account);
    expect(account?.baseCurrency).toBe(portfolio.baseCurrency);
    const bySymbol = new Map(loaded.state.contracts.map((c) => [c.symbol, c]));
    for (const target of portfolio.targets) {
      expect(bySymbol.has(target.symbol), target.symbol).toBe(true);
      if (target.conId !== undefined) expect(bySymbol.get(target.symbol)?.conId).toBe(target.conId);
    }
    // Weights as the account holds them: at least one target is more than 1 point off.
    const quotes = loaded.state.quotes ?? {};
    const values = (account?.positions ?? []).map((p) => ({
      symbol: loaded.state.contracts.find((c) => c.conId === p.conId)?.symbol,
      value: p.quantity * (quotes[String(p.conId)]?.last ?? 0),
    }));
    const total = values.reduce((sum, v) => sum + v.value, 0) + (account?.cash?.["USD"] ?? 0);
    const drift = portfolio.targets.map((t) =>
      Math.abs((100 * (values.find((v) => v.symbol === t.symbol)?.value ?? 0)) / total - t.weight),
    );
    expect(Math.max(...drift)).toBeGreaterThan(1);
  });

  it("reports every problem with file, line and column, and what to fix", () => {
    const text = [
      "accounts:",
      "  - id: DU1234567",
      "    baseCurrency: USD",
      "    cash: { EUR: 5 }",
      "    positions:",
      "      - { conId: 999, quantity: 1 }",
      "contracts:",
      "  - { conId: 1, symbol: A, currency: USD, colour: red }",
      "  - { conId: 2, symbol: B, currency: USD, liquidHours: '20261124:0930-1600' }",
      "quotes:",
      "  3: { bid: 1 }",
      "exchangeRates: { USD: 1 }",
      "marketData: sometimes",
      "faults:",
      "  - { type: disconnect }",
      "",
    ].join("\n");
    const result = parseSimState(text, "sim.yaml");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`);
    expect(lines).toEqual([
      "8:43 contracts[0].colour: unknown key `colour`",
      '13:13 marketData: must be one of `live`, `delayed`, `none` (got "sometimes")',
    ]);
    // Once the schema passes, the cross-references are checked.
    const fixed = text.replace(", colour: red", "").replace("sometimes", "live");
    const second = parseSimState(fixed, "sim.yaml");
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`)).toEqual([
      "6:18 accounts[0].positions[0].conId: conId 999 is not in contracts",
      "9:56 contracts[1].liquidHours: liquidHours needs timeZoneId (for example America/New_York)",
      "11:6 quotes.3: conId 3 is not in contracts",
      "12:16 exchangeRates: no exchange rate for EUR (used at accounts[0].cash.EUR)",
      "15:5 faults[0]: a disconnect fault needs exactly one of afterMessages or on",
    ]);
  });

  it("checks the account type and the margin rates, defaulting to a cash account and 25%", () => {
    const text = (type: string, rates: string): string =>
      [
        "accounts:",
        `  - { id: DU1234567, baseCurrency: USD, accountType: ${type} }`,
        "contracts:",
        `  - { conId: 1, symbol: A, currency: USD${rates} }`,
        "",
      ].join("\n");
    const wrong = parseSimState(text("loan", ", initMarginRate: 1.5"), "sim.yaml");
    expect(wrong.ok ? [] : wrong.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`)).toEqual([
      '2:54 accounts[0].accountType: must be one of `cash`, `margin` (got "loan")',
      "4:59 contracts[0].initMarginRate: must be at most 1 (got 1.5)",
    ]);
    const inverted = parseSimState(text("margin", ", maintMarginRate: 0.3"), "sim.yaml");
    expect(inverted.ok ? [] : inverted.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      "contracts[0].maintMarginRate: maintMarginRate 0.3 is above initMarginRate 0.25",
    ]);
    const plain = parseSimState(text("margin", "").replace(", accountType: margin", ""), "sim.yaml");
    if (!plain.ok) throw new Error(JSON.stringify(plain.errors));
    expect(plain.state.accounts[0]?.accountType).toBe("cash");
    expect(plain.state.contracts[0]).toMatchObject({ initMarginRate: 0.25, maintMarginRate: 0.25 });
  });

  it("reports YAML syntax errors and unreadable files", async () => {
    const bad = parseSimState("accounts: [\n", "broken.yaml");
    expect(bad.ok).toBe(false);
    const missing = await loadSimStateFile("/nonexistent/state.yaml");
    expect(missing).toMatchObject({
      ok: false,
      errors: [{ message: "cannot read the state file (ENOENT)" }],
    });
    await expect(startGatewaySim({ stateFile: "/nonexistent/state.yaml", port: 0 })).rejects.toThrow(
      InputError,
    );
  });

  it("listens on loopback only", async () => {
    await expect(startGatewaySim({ stateFile: EXAMPLE, host: "0.0.0.0" })).rejects.toThrow(/loopback only/);
  });

  it("with save, rewrites the state file after every fill so that the next run starts from there", async () => {
    const file = await tempCopy(EXAMPLE);
    const first = await startTestSim({ stateFile: file, save: true });
    const client = await connectClient(first.port, 1);
    const since = client.mark();
    const order = {
      action: OrderAction.BUY,
      totalQuantity: 4,
      orderType: OrderType.MKT,
      account: "DU1234567",
      transmit: true,
    };
    client.ib.placeOrder(1000, { conId: 31230302, exchange: "SMART" }, order);
    await client.waitFor(EventName.commissionReport, { since });
    await first.flushSave();
    await client.disconnect();
    await first.stop();

    const written = await readFile(file, "utf8");
    expect(written).toContain("# State of the built-in IB Gateway simulator");
    expect(written).toContain("conId: 31230302, quantity: 104");
    const second = await startTestSim({ stateFile: file });
    const vnq = second.account("DU1234567").positions.find((p) => p.conId === 31230302);
    expect(vnq?.quantity).toBe(104);
    expect(second.account("DU1234567").cash["USD"]).toBeCloseTo(8000 - 4 * 88.43 - 1, 6);
  });

  it("without save, leaves the file alone", async () => {
    const file = await tempCopy(EXAMPLE);
    const before = await readFile(file, "utf8");
    const sim = await startTestSim({ stateFile: file });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(
      1000,
      { conId: 756733, exchange: "SMART" },
      { action: OrderAction.SELL, totalQuantity: 1, orderType: OrderType.MKT, transmit: true },
    );
    await client.waitFor(EventName.commissionReport, { since });
    await sim.stop();
    expect(await readFile(file, "utf8")).toBe(before);
    expect(sim.snapshotState().accounts[0]?.positions?.[0]).toEqual({
      conId: 756733,
      quantity: 99,
      avgCost: 210.5,
    });
  });
});
