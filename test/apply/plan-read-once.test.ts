// `folioctl apply --plan FILE` reads the plan file once: the account that picks the lock and the client
// id, the hash that is verified and the orders that are sent all come from the same bytes. A file
// replaced after that read (a time-of-check/time-of-use gap otherwise) changes nothing of the run.
import { copyFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { belongsToPlan } from "../../src/apply/order-ref.js";
import { loadPlanFile } from "../../src/config/load-plan.js";
import { stopSims } from "../gateway-sim/support/start-test-sim.js";
import { apply, exampleSim } from "./support/apply-harness.js";
import { cleanupPlanFixtures, planFixture } from "./support/plan-fixture.js";

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

describe("apply of a plan already read", () => {
  it("applies exactly the bytes that were read and verified, not the file as it is later", async () => {
    const sim = await exampleSim();
    const verified = await planFixture(sim, new Date(Date.now() - 60_000));
    const other = await planFixture(sim, new Date());
    expect(other.plan.hash).not.toBe(verified.plan.hash);
    const read = await loadPlanFile(verified.planFile);
    expect(read.ok).toBe(true);
    // Another valid plan takes the file's place after the read.
    await copyFile(other.planFile, verified.planFile);

    const result = await apply(sim, verified, { plan: read });

    expect(result.record.planHash).toBe(verified.plan.hash);
    expect(result.record.outcome).toBe("applied");
    expect(sim.orders()).toHaveLength(verified.plan.orders.length);
    expect(sim.orders().every((o) => belongsToPlan(o.orderRef, verified.plan.hash))).toBe(true);
  });
});
