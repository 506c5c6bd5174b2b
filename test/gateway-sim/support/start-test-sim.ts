// Starts a simulator on an ephemeral loopback port for one test; stopSims() in afterEach stops them all.
import type { GatewaySim, GatewaySimOptions } from "../../../src/gateway-sim/index.js";
import { startGatewaySim } from "../../../src/gateway-sim/index.js";
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

export async function stopSims(): Promise<void> {
  const sims = [...running];
  running.clear();
  await Promise.all(sims.map((sim) => sim.stop()));
}
