// Benchmarks of the broker adapter against the simulator: how close a snapshot and an apply come to
// IB's pacing floor (messages sent / 50 per second), with no pacing violation allowed.
import { executeLegs } from "../src/apply/execute-legs.js";
import type { ExecutableLeg } from "../src/apply/execution-types.js";
import { IbBroker } from "../src/broker/ib/ib-broker.js";
import { takeSnapshot } from "../src/broker/take-snapshot.js";
import { parsePortfolio } from "../src/config/load-portfolio.js";
import type { Portfolio } from "../src/core/portfolio.js";
import { startGatewaySim, type SimStateFile } from "../src/gateway-sim/index.js";
import type { Bench } from "./bench-section.js";

const ACCOUNT = "DU1234567";
const IB_MESSAGES_PER_SECOND = 50;

export interface PacingRow {
  what: string;
  messages: number;
  wallSeconds: number;
  floorSeconds: number;
  ratio: number;
  violations: number;
}

function state(holdings: number, held: boolean): SimStateFile {
  const contracts = [];
  const quotes: Record<number, { bid: number; ask: number; last: number }> = {};
  const positions = [];
  for (let i = 0; i < holdings; i++) {
    const conId = 500_000 + i;
    contracts.push({ conId, symbol: `S${i}`, exchange: "SMART", currency: "USD" });
    const price = 20 + (i % 50);
    quotes[conId] = { bid: price - 0.01, ask: price + 0.01, last: price };
    if (held) positions.push({ conId, quantity: 10 + (i % 7), avgCost: price });
  }
  return {
    accounts: [{ id: ACCOUNT, baseCurrency: "USD", cash: { USD: 10_000_000 }, positions }],
    contracts,
    quotes,
    exchangeRates: { USD: 1 },
    marketData: "live",
    faults: [],
  };
}

/** The portfolio through the same loader as portfolio.yaml (JSON is YAML), so every default applies. */
function portfolio(holdings: number): Portfolio {
  const document = {
    version: 1,
    account: ACCOUNT,
    baseCurrency: "USD",
    targets: Array.from({ length: holdings }, (_, i) => ({
      symbol: `S${i}`,
      conId: 500_000 + i,
      weight: 90 / holdings,
    })),
    cash: { weight: 10 },
  };
  // Equal weights of 90/N rarely sum to exactly 90 in floating point: give the rest to the last one.
  const last = document.targets.at(-1);
  if (last) last.weight += 90 - document.targets.reduce((sum, t) => sum + t.weight, 0);
  const loaded = parsePortfolio(Buffer.from(JSON.stringify(document)), "bench-portfolio.json");
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.path}: ${e.message}`).join("; "));
  return loaded.portfolio;
}

function row(what: string, messages: number, wallMs: number, violations: number): PacingRow {
  const floorSeconds = messages / IB_MESSAGES_PER_SECOND;
  const wallSeconds = wallMs / 1000;
  return { what, messages, wallSeconds, floorSeconds, ratio: wallSeconds / floorSeconds, violations };
}

/** A snapshot of N held positions with quotes: contract details and a quote per position. */
export async function benchSnapshot(holdings: number): Promise<PacingRow> {
  const sim = await startGatewaySim({ state: state(holdings, true), port: 0, logger: () => undefined });
  const broker = new IbBroker({ host: sim.host, port: sim.port, clientId: 1, timeoutMs: 120_000 });
  try {
    const started = performance.now();
    await broker.connect();
    const snapshot = await takeSnapshot(broker, portfolio(holdings), () => new Date());
    const wall = performance.now() - started;
    if (snapshot.quotes.length !== holdings)
      throw new Error(`expected ${holdings} quotes, got ${snapshot.quotes.length}`);
    // The handshake's API greeting and START_API are messages too.
    return row(
      `snapshot, ${holdings} positions`,
      broker.messagesSent + 2,
      wall,
      sim.stats().pacingViolations,
    );
  } finally {
    await broker.close();
    await sim.stop();
  }
}

/** N market buys, one per contract, followed to their fills. */
export async function benchApply(orders: number): Promise<PacingRow> {
  const sim = await startGatewaySim({ state: state(orders, false), port: 0, logger: () => undefined });
  const broker = new IbBroker({ host: sim.host, port: sim.port, clientId: 1, timeoutMs: 120_000 });
  const legs: ExecutableLeg[] = Array.from({ length: orders }, (_, i) => ({
    leg: `B${i + 1}`,
    side: "BUY",
    quantity: 5,
    orderType: "MKT",
    estimatedPrice: 20 + (i % 50),
    contract: { conId: 500_000 + i, symbol: `S${i}`, secType: "STK", exchange: "SMART", currency: "USD" },
  }));
  try {
    const started = performance.now();
    await broker.connect();
    const result = await executeLegs(broker, legs, {
      account: ACCOUNT,
      planHash: "b".repeat(64),
      waveTimeoutMs: 600_000,
      cashFloor: {},
      buyPriceBufferBps: 50,
      commission: () => 1,
    });
    const wall = performance.now() - started;
    const filled = result.legs.filter((l) => l.status === "filled").length;
    if (filled !== orders) throw new Error(`expected ${orders} filled legs, got ${filled}`);
    return row(`apply, ${orders} market orders`, broker.messagesSent + 2, wall, sim.stats().pacingViolations);
  } finally {
    await broker.close();
    await sim.stop();
  }
}

export function pacingTable(rows: PacingRow[]): string {
  const lines = [
    "| run | messages | wall (s) | pacing floor (s) | wall / floor | pacing violations |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.what} | ${r.messages} | ${r.wallSeconds.toFixed(2)} | ${r.floorSeconds.toFixed(2)} | ${r.ratio.toFixed(3)} | ${r.violations} |`,
    );
  }
  return lines.join("\n");
}

/** The section `npm run bench` writes: snapshots of 10, 100 and 500 positions; applies of 100 and 500 orders. */
export const gatewayPacingBench: Bench = async () => {
  const rows = [
    await benchSnapshot(10),
    await benchSnapshot(100),
    await benchSnapshot(500),
    await benchApply(100),
    await benchApply(500),
  ];
  const markdown = [
    "The adapter (the unmodified @stoqey/ib client) against the simulator on loopback. The floor is what",
    "IB's limit of 50 messages a second allows for the messages sent; the goal is within 1.2x of it, with no",
    "pacing violation. Small runs finish under the floor: their messages fit in the first window.",
    "",
    pacingTable(rows),
  ].join("\n");
  return { title: "Gateway pacing: snapshot and apply", markdown };
};
