import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/config/diagnostic.js";
import { loadSnapshotFile, parseSnapshot } from "../../src/config/load-snapshot.js";

const FIXTURE = new URL("../fixtures/snapshots/three-etf.json", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "folioctl-snapshot-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minimal = {
  account: "DU1234567",
  baseCurrency: "USD",
  asOf: "2026-11-24T15:00:00Z",
  exchangeRates: { USD: 1 },
  cash: { USD: 1000 },
  netLiquidation: 1000,
  positions: [],
  quotes: [],
  contracts: [],
};

describe("loading a snapshot file", () => {
  it("reads a valid snapshot and fills in what has a default", async () => {
    const loaded = await loadSnapshotFile(FIXTURE);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.snapshot.positions.map((p) => p.symbol)).toEqual(["VTI", "BND", "VNQ"]);
    const bare = parseSnapshot(
      JSON.stringify({ ...minimal, quotes: [{ conId: 1, last: 5, time: "2026-11-24T15:00:00Z" }] }),
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
