import { afterEach, describe, expect, it } from "vitest";
import type { SnapshotQuote } from "../../src/core/snapshot.js";
import { valuationPrice } from "../../src/core/valuation-price.js";
import { loadSimStateFile } from "../../src/gateway-sim/index.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { REPO_ROOT, runCli } from "../support/run-cli.js";

afterEach(stopSims);

describe("folioctl plan against a gateway", () => {
  it("snapshots the gateway through @stoqey/ib and plans, exiting 2 when orders are planned", async () => {
    const loaded = await loadSimStateFile(`${REPO_ROOT}/examples/sim-state.yaml`);
    if (!loaded.ok) throw new Error("example state invalid");
    const sim = await startTestSim({ state: loaded.state });
    const run = await runCli(["plan", "--gateway", `127.0.0.1:${sim.port}`, "--client-id", "61", "--json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(2);
    const plan = JSON.parse(run.stdout);
    expect(plan.orders.map((o: { leg: string; symbol: string }) => `${o.leg} ${o.symbol}`)).toEqual([
      "S1 VTI",
      "B1 BND",
      "B2 VNQ",
    ]);
    // Live quotes with both sides: every price is a midpoint.
    const quotes = plan.snapshot.quotes as SnapshotQuote[];
    expect(quotes.every((q) => !q.delayed && valuationPrice(q)?.source === "mid")).toBe(true);
    // Nothing was sent: planning only reads.
    expect(sim.orders()).toEqual([]);
  });

  it("exits 0 when the account is already in band", async () => {
    const loaded = await loadSimStateFile(`${REPO_ROOT}/examples/sim-state.yaml`);
    if (!loaded.ok) throw new Error("example state invalid");
    const sim = await startTestSim({ state: loaded.state });
    const first = await runCli(["plan", "--gateway", `127.0.0.1:${sim.port}`, "--json"]);
    for (const order of JSON.parse(first.stdout).orders as {
      conId: number;
      side: string;
      quantity: number;
    }[]) {
      const held = sim.account("DU1234567").positions.find((p) => p.conId === order.conId)?.quantity ?? 0;
      sim.setPosition(
        "DU1234567",
        order.conId,
        held + (order.side === "BUY" ? order.quantity : -order.quantity),
      );
    }
    sim.setCash("DU1234567", "USD", 2800);
    const run = await runCli(["plan", "--gateway", `127.0.0.1:${sim.port}`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/nothing to do|0 orders/i);
  });

  it("refuses --snapshot together with --gateway", async () => {
    const run = await runCli(["plan", "--snapshot", "s.json", "--gateway", "127.0.0.1:4002"]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain("--snapshot plans offline");
  });

  it("reports a broken simulator state as file:line:col with a hint per problem, like a portfolio", async () => {
    const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "folioctl-sim-state-"));
    try {
      const state = join(dir, "state.yaml");
      const example = readFileSync(`${REPO_ROOT}/examples/sim-state.yaml`, "utf8");
      writeFileSync(state, example.replace("cash: { USD: 8000 }", "cash: { USD: lots }"));
      const run = await runCli(["plan", "--sim-state", state]);
      expect(run.code).toBe(1);
      const line = example.split("\n").findIndex((text) => text.includes("cash: { USD: 8000 }")) + 1;
      expect(run.stderr).toContain(
        `${state}:${line}:18: error: accounts[0].cash.USD: must be a number (got "lots")\n` +
          "  hint: write a plain number without quotes, units or separators\n",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
