// What runApply says when it stops: every problem of an invalid portfolio.yaml on its own line, a plan
// file that is not JSON not called edited, and IB's error recorded as it came when it has no hint.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IbBroker } from "../../src/broker/ib/ib-broker.js";
import { BrokerError, InputError } from "../../src/errors.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { stopSims } from "../gateway-sim/support/start-test-sim.js";
import { apply, exampleSim } from "./support/apply-harness.js";
import { cleanupPlanFixtures, planFixture, type PlanFixture } from "./support/plan-fixture.js";
import { brokerWith } from "./support/broker-with.js";

let sim: GatewaySim;
let fixture: PlanFixture;

beforeAll(async () => {
  sim = await exampleSim();
  fixture = await planFixture(sim, new Date());
});
afterAll(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

describe("runApply's messages", () => {
  it("lists each problem of an invalid portfolio.yaml on its own line", async () => {
    const portfolioFile = join(fixture.dir, "two-problems.yaml");
    await writeFile(portfolioFile, "account: 42\nbaseCurrency: dollars\n");

    const error = (await apply(sim, { ...fixture, portfolioFile }).catch((e: unknown) => e)) as InputError;

    expect(error).toBeInstanceOf(InputError);
    const [first, ...problems] = error.message.split("\n");
    expect(first).toBe("portfolio.yaml is not valid:");
    expect(problems.length).toBeGreaterThanOrEqual(2);
    for (const line of problems) expect(line).toMatch(/^ {2}\S/);
  });

  it("says a plan file that is not JSON is not valid, without calling it edited", async () => {
    const planFile = join(fixture.dir, "not-json.json");
    await writeFile(planFile, "{ this is not a plan\n");

    const error = (await apply(sim, { ...fixture, planFile }).catch((e: unknown) => e)) as InputError;

    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^the plan file is not valid:\n {2}\S/);
    expect(sim.orders()).toEqual([]);
  });

  it("records IB's error as it came when it carries no hint, and exits 1", async () => {
    const inner = new IbBroker({ host: sim.host, port: sim.port, clientId: 11, timeoutMs: 3_000 });
    const failing = brokerWith(inner, {
      connect: () => Promise.reject(new BrokerError("IB Gateway closed the connection")),
    });

    const result = await apply(sim, fixture, { broker: failing, ledgerDir: undefined });

    expect(result.exitCode).toBe(1);
    expect(result.record.outcome).toBe("error");
    expect(result.record.error).toBe("IB Gateway closed the connection");
  });
});
