import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/config/diagnostic.js";
import schema from "../../schema/snapshot.schema.json" with { type: "json" };
import { loadSnapshotFile, parseSnapshot } from "../../src/config/load-snapshot.js";
import type { Snapshot } from "../../src/core/snapshot.js";

const FIXTURE = new URL("../fixtures/snapshots/three-etf.json", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "folioctl-snapshot-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minimal: Snapshot = {
  account: "DU1234567",
  baseCurrency: "USD",
  asOf: "2026-11-24T15:00:00Z",
  exchangeRates: { USD: 1 },
  cash: { USD: 1000 },
  netLiquidation: 1000,
  positions: [],
  quotes: [],
  contracts: [],
  openOrders: [],
};

describe("loading a snapshot file", () => {
  it("reads a valid snapshot and fills in what has a default", async () => {
    const loaded = await loadSnapshotFile(FIXTURE);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.snapshot.positions.map((p) => p.symbol)).toEqual(["VTI", "BND", "VNQ"]);
    const { openOrders: _omitted, ...withoutOrders } = minimal;
    const bare = parseSnapshot(
      JSON.stringify({ ...withoutOrders, quotes: [{ conId: 1, last: 5, time: "2026-11-24T15:00:00Z" }] }),
      "s.json",
    );
    expect(bare.ok && [bare.snapshot.openOrders, bare.snapshot.quotes[0]?.delayed]).toEqual([[], false]);
  });

  it("says where a JSON syntax error is", () => {
    const result = parseSnapshot('{\n  "account": "DU1234567",\n  "cash": }\n', "broken.json");
    expect(result.ok ? [] : result.errors.map(formatDiagnostic)).toEqual([
      'broken.json:3:11: error: not valid JSON: unexpected "}"',
    ]);
  });

  it("reports every schema problem with its field path and position", () => {
    const text = JSON.stringify(
      {
        ...minimal,
        cash: { usd: 10 },
        positions: [{ conId: 0, symbol: "VTI", currency: "USD", quantity: 1, avgCost: 1, extra: true }],
        quotes: [{ conId: 1, last: 5, time: "yesterday" }],
      },
      null,
      2,
    );
    const result = parseSnapshot(text, "bad.json");
    expect(result.ok ? [] : result.errors.map(formatDiagnostic)).toEqual([
      'bad.json:9:5: error: cash.usd: is not an allowed key here (must match pattern "^[A-Z]{3}$")',
      "bad.json:19:7: error: positions[0].extra: is not a known field",
      "bad.json:14:16: error: positions[0].conId: must be >= 1",
      "bad.json:26:15: error: quotes[0].time: must be an ISO 8601 date and time with a zone, for example 2026-11-24T15:00:00Z",
    ]);
  });

  it("names a missing field and the object that lacks it", () => {
    const { netLiquidation: _dropped, ...rest } = minimal;
    const result = parseSnapshot(JSON.stringify(rest), "partial.json");
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.message, e.line])).toEqual([
      ["netLiquidation", "is required", 1],
    ]);
  });

  it("says when the file cannot be read", async () => {
    const result = await loadSnapshotFile(join(dir, "missing.json"));
    expect(result.ok ? [] : result.errors.map((e) => [e.message, e.hint])).toEqual([
      ["cannot read the snapshot file (ENOENT)", "check the path"],
    ]);
    writeFileSync(join(dir, "empty.json"), "");
    const empty = await loadSnapshotFile(join(dir, "empty.json"));
    expect(empty.ok ? [] : empty.errors.map((e) => e.message)).toEqual([
      "not valid JSON: unexpected end of file",
    ]);
  });
});

describe("snapshot schema and the Snapshot type", () => {
  // Every field the type has, optional ones included: the schema must accept it and have no others.
  const full: Snapshot = {
    ...minimal,
    positions: [{ conId: 1, symbol: "VTI", currency: "USD", quantity: 2, avgCost: 200 }],
    quotes: [
      { conId: 1, bid: 1, ask: 2, last: 1.5, close: 1.4, time: "2026-11-24T15:00:00Z", delayed: true },
    ],
    contracts: [
      {
        conId: 1,
        symbol: "VTI",
        secType: "STK",
        exchange: "SMART",
        primaryExchange: "ARCA",
        currency: "USD",
        minTick: 0.01,
        sizeIncrement: 1,
        longName: "Vanguard Total Stock Market ETF",
        timeZoneId: "America/New_York",
        liquidHours: "20261124:0930-20261124:1600",
      },
    ],
    openOrders: [
      {
        orderId: 1,
        permId: 2,
        conId: 1,
        symbol: "VTI",
        side: "BUY",
        quantity: 1,
        filled: 0,
        orderType: "LMT",
        limitPrice: 1,
        orderRef: "x",
        status: "Submitted",
      },
    ],
  };

  it("accepts every field of the type", () => {
    expect(parseSnapshot(JSON.stringify(full), "full.json").ok).toBe(true);
  });

  it("has no field the type lacks", () => {
    const defs = schema.$defs as Record<string, { properties?: Record<string, unknown> }>;
    const keys = (o: object): string[] => Object.keys(o).sort();
    expect(keys(schema.properties)).toEqual(keys(full));
    expect(keys(defs["position"]?.properties ?? {})).toEqual(keys(full.positions[0] as object));
    expect(keys(defs["quote"]?.properties ?? {})).toEqual(keys(full.quotes[0] as object));
    expect(keys(defs["contract"]?.properties ?? {})).toEqual(keys(full.contracts[0] as object));
    expect(keys(defs["openOrder"]?.properties ?? {})).toEqual(keys(full.openOrders[0] as object));
  });
});
