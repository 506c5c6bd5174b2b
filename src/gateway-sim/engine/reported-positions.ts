// Which positions IB sends: every holding, and the virtual FX positions that currency pair trades build
// only under the API setting "Include FX positions when sending portfolio" (includeFxPositions, on by
// default, as in IB Gateway's settings).
import type { SimWorld } from "../state/sim-state.js";

export function reportsPosition(world: SimWorld, conId: number): boolean {
  const contract = world.contracts.get(conId);
  return contract !== undefined && (contract.secType !== "CASH" || world.includeFxPositions);
}
