// The EUR example account (examples/sim-state-eur.yaml, examples/portfolio-eur.yaml) on a simulator, and
// the plan of it that needs every wave: the tests of currency conversion and of the order of the waves.
import { join } from "node:path";
import { loadSimStateFile, type GatewaySim, type SimStateFile } from "../../../src/gateway-sim/index.js";
import { startTestSim } from "../../gateway-sim/support/start-test-sim.js";
import { REPO_ROOT } from "../../support/run-cli.js";
import { planFixture } from "./plan-fixture.js";

/** A simulator with the EUR example's state, changed by `edit` first. */
export async function eurSim(edit: (state: SimStateFile) => void = () => undefined): Promise<GatewaySim> {
  const loaded = await loadSimStateFile(join(REPO_ROOT, "examples/sim-state-eur.yaml"));
  if (!loaded.ok) throw new Error("the EUR example state is invalid");
  edit(loaded.state);
  return startTestSim({ state: loaded.state });
}

/** The EUR example's own plan. */
export const eurPlan = (sim: GatewaySim) =>
  planFixture(sim, new Date(), (y) => y, join(REPO_ROOT, "examples/portfolio-eur.yaml"));

/**
 * The EUR example with VTI cut from 55% to 20% and VNQ raised from 10% to 45%: the plan sells VTI (S1),
 * converts the euros the buys need beyond its dollars (F1), then buys (B1, B2): S -> F -> B.
 */
export const sellConvertBuyPlan = (sim: GatewaySim) =>
  planFixture(
    sim,
    new Date(),
    (y) =>
      y
        .replace("{ symbol: VTI, weight: 55,", "{ symbol: VTI, weight: 20,")
        .replace("{ symbol: VNQ, weight: 10,", "{ symbol: VNQ, weight: 45,")
        .replace("maxTurnover: 60", "maxTurnover: 100"),
    join(REPO_ROOT, "examples/portfolio-eur.yaml"),
  );
