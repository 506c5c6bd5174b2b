// The connection to IB Gateway drops at each step of a run in turn: the run reconnects, resumes from what
// IB reports and finishes the plan, and the simulator's record shows every orderRef placed exactly once.
import { afterEach, describe, expect, it } from "vitest";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { stopSims } from "../gateway-sim/support/start-test-sim.js";
import {
  apply,
  exampleSim,
  expectLedgerMatchesSimulator,
  ordersPerRef,
  positionsOf,
} from "./support/apply-harness.js";
import { cleanupPlanFixtures, planFixture } from "./support/plan-fixture.js";

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

interface Baseline {
  /** The names of the messages `apply` sends on an undisturbed run; START_API is the first. */
  messages: string[];
  /** The positions after that run: where every disturbed run must end too. */
  positions: Map<number, number>;
}

let baseline: Promise<Baseline> | undefined;

/** One undisturbed run, logged by the simulator, tells which message is which step. */
function undisturbedRun(): Promise<Baseline> {
  baseline ??= (async () => {
    const lines: string[] = [];
    const sim = await exampleSim(undefined, { verbose: true, logger: (line) => lines.push(line) });
    const fixture = await planFixture(sim, new Date());
    lines.length = 0;
    const result = await apply(sim, fixture);
    expect(result.record.outcome).toBe("applied");
    const messages = lines
      .map((line) => / -> (\w+)/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
    expect(messages[0]).toBe("START_API");
    return { messages, positions: positionsOf(sim) };
  })();
  return baseline;
}

type Pick = (messages: string[]) => number;
const nth =
  (name: string, n: number): Pick =>
  (m) =>
    m.flatMap((x, i) => (x === name ? [i] : []))[n - 1] ?? -1;
const firstAfter =
  (name: string, after: Pick): Pick =>
  (m) =>
    m.findIndex((x, i) => i > after(m) && x === name);
const lastBefore =
  (name: string, before: Pick): Pick =>
  (m) =>
    m.findLastIndex((x, i) => i < before(m) && x === name);
const lastPlacement: Pick = (m) => m.lastIndexOf("PLACE_ORDER");

/** Each step of a run, as the message after which the gateway drops the connection. */
const STEPS: Array<[string, Pick]> = [
  ["the start of the connection (START_API)", () => 0],
  ["the read of today's executions before the checks", nth("REQ_EXECUTIONS", 1)],
  ["the read of completed orders before the checks", nth("REQ_COMPLETED_ORDERS", 1)],
  ["the positions of the snapshot before the checks", nth("REQ_POSITIONS", 1)],
  ["the quotes of the snapshot before the checks", lastBefore("REQ_MKT_DATA", nth("PLACE_ORDER", 1))],
  ["the executor's read of IB's orders and fills", nth("REQ_EXECUTIONS", 2)],
  ["the placement of the sell", nth("PLACE_ORDER", 1)],
  ["the cash read that sizes the buys", firstAfter("REQ_ACCOUNT_SUMMARY", nth("PLACE_ORDER", 1))],
  ["the placement of the first buy", nth("PLACE_ORDER", 2)],
  ["the placement of the second buy", nth("PLACE_ORDER", 3)],
  // The run's last reads, cash and positions, go out together: a drop after the first leaves the second
  // unanswered (a drop after the second would come after the last answer, interrupting nothing).
  ["the cash and positions read after the orders", firstAfter("REQ_ACCOUNT_SUMMARY", lastPlacement)],
];

async function expectResumedRun(sim: GatewaySim, fixture: Awaited<ReturnType<typeof planFixture>>) {
  const start = positionsOf(sim);
  const events: string[] = [];
  const result = await apply(sim, fixture, { onProgress: (e) => events.push(e.kind) });
  expect(sim.firedFaults().length).toBeGreaterThan(0);
  expect(events).toContain("reconnected");
  expect(ordersPerRef(sim)).toEqual(fixture.plan.orders.map(() => 1));
  expect(sim.orders()).toHaveLength(fixture.plan.orders.length);
  expect(result.record.error).toBeNull();
  expect(result.record.outcome).toBe("applied");
  expect(result.exitCode).toBe(0);
  expect(result.record.drift.after).not.toBeNull();
  expectLedgerMatchesSimulator(sim, result.record, start);
  expect(positionsOf(sim)).toEqual((await undisturbedRun()).positions);
}

describe("a dropped connection at each step of apply", () => {
  it.each(STEPS)("resumes after a drop at %s and sends nothing twice", async (_step, pick) => {
    const { messages } = await undisturbedRun();
    const at = pick(messages);
    expect(at, "the step's message is in the undisturbed run").toBeGreaterThanOrEqual(0);
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    // afterMessages counts from 1 (START_API): message `at` of the list is number at + 1.
    sim.injectFault({ type: "disconnect", afterMessages: at + 1 });
    await expectResumedRun(sim, fixture);
  });

  it("resumes after a drop at every fill", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    sim.injectFault({ type: "disconnect", on: "first-fill", times: fixture.plan.orders.length });
    await expectResumedRun(sim, fixture);
    expect(sim.firedFaults()).toHaveLength(fixture.plan.orders.length);
  });
});
