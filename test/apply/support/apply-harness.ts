// runApply against the example simulator state, as `folioctl apply` runs it, and the checks every apply
// test makes against the simulator's own record of orders and fills.
import { expect } from "vitest";
import { runApply, type RunApplyOptions } from "../../../src/apply/run-apply.js";
import type { Broker } from "../../../src/broker/broker.js";
import { IbBroker } from "../../../src/broker/ib/ib-broker.js";
import { BrokerError } from "../../../src/errors.js";
import {
  loadSimStateFile,
  type GatewaySim,
  type GatewaySimOptions,
  type SimStateFile,
} from "../../../src/gateway-sim/index.js";
import { startTestSim } from "../../gateway-sim/support/start-test-sim.js";
import { REPO_ROOT } from "../../support/run-cli.js";
import { TOOL_VERSION } from "../../../src/version.js";
import type { PlanFixture } from "./plan-fixture.js";
import { brokerWith } from "./broker-with.js";

export const ACCOUNT = "DU1234567";

export async function exampleState(): Promise<SimStateFile> {
  const loaded = await loadSimStateFile(`${REPO_ROOT}/examples/sim-state.yaml`);
  if (!loaded.ok) throw new Error("example state is invalid");
  return loaded.state;
}

export async function exampleSim(
  edit: (s: SimStateFile) => void = () => undefined,
  options: Partial<GatewaySimOptions> = {},
): Promise<GatewaySim> {
  const state = await exampleState();
  edit(state);
  return startTestSim({ state, ...options });
}

/** The connection a `folioctl apply` run makes: a new client 11. */
export function runBroker(sim: GatewaySim): IbBroker {
  return new IbBroker({ host: sim.host, port: sim.port, clientId: 11, timeoutMs: 3_000 });
}

/** A run's connection whose second read of the account's cash (sizing the buys) fails: the run stops there. */
export function failingTheSecondCashRead(sim: GatewaySim): Broker {
  let cashReads = 0;
  const inner = runBroker(sim);
  return brokerWith(inner, {
    accountValues: (account: string) =>
      ++cashReads === 1
        ? inner.accountValues(account)
        : Promise.reject(new BrokerError("IB Gateway did not answer the account read")),
  });
}

/** One `folioctl apply` run: a new connection (client 11), the fixture's ledger directory. */
export function apply(sim: GatewaySim, fixture: PlanFixture, extra: Partial<RunApplyOptions> = {}) {
  return runApply({
    planFile: fixture.planFile,
    portfolioFile: fixture.portfolioFile,
    broker: runBroker(sim),
    now: () => new Date(),
    toolVersion: TOOL_VERSION,
    // A guard against a hang only: a wave ends by its fills, or at a deadline the test reaches as an
    // event (`waveDeadline`, support/wave-deadlines.ts), never by a timer the test waits for.
    waveTimeoutMs: 60_000,
    ledgerDir: fixture.ledgerDir,
    reconnect: { attempts: 6, initialDelayMs: 50, maxDelayMs: 500 },
    ...extra,
  });
}

/** How many orders the simulator received under each orderRef: never more than one is the rule. */
export function ordersPerRef(sim: GatewaySim): number[] {
  const counts = new Map<string, number>();
  for (const o of sim.orders()) counts.set(o.orderRef, (counts.get(o.orderRef) ?? 0) + 1);
  return [...counts.values()];
}

export const positionsOf = (sim: GatewaySim) =>
  new Map(sim.account(ACCOUNT).positions.map((p) => [p.conId, p.quantity]));

/** The ledger's executions are exactly the simulator's, and the positions are what those fills imply. */
export function expectLedgerMatchesSimulator(
  sim: GatewaySim,
  record: Awaited<ReturnType<typeof apply>>["record"],
  start: Map<number, number>,
) {
  const ledgerExecs = record.orders
    .flatMap((o) => o.executions.map((e) => `${e.execId}:${e.quantity}@${e.price}`))
    .sort();
  const simExecs = sim
    .executions()
    .map((e) => `${e.execId}:${e.shares}@${e.price}`)
    .sort();
  expect(ledgerExecs).toEqual(simExecs);
  const expected = new Map(start);
  for (const o of record.orders) {
    const signed = o.side === "BUY" ? o.filledQuantity : -o.filledQuantity;
    expected.set(o.conId, (expected.get(o.conId) ?? 0) + signed);
  }
  const now = positionsOf(sim);
  for (const [conId, quantity] of expected) expect(now.get(conId) ?? 0, `position ${conId}`).toBe(quantity);
}
