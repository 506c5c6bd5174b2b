// The GitOps loop with a currency conversion: a EUR-base account holding USD ETFs (examples/
// portfolio-eur.yaml against examples/sim-state-eur.yaml) goes from portfolio.yaml to a reviewed plan
// with a conversion leg, to a merge, to fills, each leg sent once.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/run-cli.js";
import { LoopWorld } from "./support/loop-world.js";

const ACCOUNT = "DU2345678";
const worlds: LoopWorld[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.stop()));
});

describe("the loop with a currency conversion", () => {
  it("proposes a plan with F1 EUR.USD, and the merge converts and then buys, each leg once", async () => {
    const world = await LoopWorld.start({
      portfolio: await readFile(join(REPO_ROOT, "examples/portfolio-eur.yaml"), "utf8"),
      simStateFile: "examples/sim-state-eur.yaml",
      account: ACCOUNT,
    });
    worlds.push(world);

    const proposed = await world.run(["propose"]);
    expect(proposed.code, proposed.stderr).toBe(0);
    const pull = world.openBotPull();
    expect(pull).toBeDefined();
    if (!pull) return;
    // The title counts the conversion as what it is, not as a sell.
    expect(pull.title).toBe(`Rebalance ${ACCOUNT}: 0 sells, 1 conversion, 3 buys`);
    // The reviewer sees the conversion in the pull request, by its pair, before the buys.
    expect(pull.body).toMatch(/\| F1 \| SELL \| [\d,]+ \| EUR\.USD \|/);
    const plan = JSON.parse((await world.branchFile(world.planFile)) ?? "{}") as {
      orders: { leg: string }[];
    };
    expect(plan.orders.map((o) => o.leg)).toEqual(["F1", "B1", "B2", "B3"]);

    await world.alice.approve(world.repo, pull.number);
    const mergeSha = await world.bob.merge(world.repo, pull.number);
    const applied = await world.run(["apply", "--on-merge", "--sha", mergeSha], { FOLIOCTL_CLIENT_ID: "23" });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain("applied in full");
    const legs = [...world.sim.orders()]
      .sort((a, b) => a.orderId - b.orderId)
      .map((o) => o.orderRef.split(":").pop());
    expect(legs).toEqual(["F1", "B1", "B2", "B3"]);
    expect([...world.ordersPerRef().values()]).toEqual([1, 1, 1, 1]);
    expect(await world.filesOnMain(`ledger/${ACCOUNT}`)).toHaveLength(1);
    expect(world.sim.account(ACCOUNT).cash["USD"] ?? 0).toBeGreaterThanOrEqual(0);
  });
});
