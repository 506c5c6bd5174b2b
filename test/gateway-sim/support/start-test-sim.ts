// Starts a simulator on an ephemeral loopback port for one test; stopSims() in afterEach stops them all.
import type { GatewaySim, GatewaySimOptions } from "../../../src/gateway-sim/index.js";
import { loadSimStateFile, startGatewaySim } from "../../../src/gateway-sim/index.js";
import { REPO_ROOT } from "../../support/run-cli.js";
import { testState } from "./test-state.js";

const running = new Set<GatewaySim>();

export async function startTestSim(options: Partial<GatewaySimOptions> = {}): Promise<GatewaySim> {
  const sim = await startGatewaySim({
    ...(options.stateFile === undefined ? { state: testState() } : {}),
    port: 0,
    logger: () => undefined,
    ...options,
  });
  running.add(sim);
  return sim;
}

/** A simulator with the example account of examples/sim-state.yaml, as the example portfolio.yaml expects. */
export async function startExampleSim(): Promise<GatewaySim> {
  const loaded = await loadSimStateFile(`${REPO_ROOT}/examples/sim-state.yaml`);
  if (!loaded.ok) throw new Error("examples/sim-state.yaml is not valid");
  return startTestSim({ state: loaded.state });
}

export async function stopSims(): Promise<void> {
  const sims = [...running];
  running.clear();
  await Promise.all(sims.map((sim) => sim.stop()));
}
