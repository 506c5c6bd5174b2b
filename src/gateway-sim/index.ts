// Public API of the gateway simulator.
export { startGatewaySim } from "./gateway-sim.js";
export type { GatewaySim, GatewaySimOptions } from "./gateway-sim.js";
export type { Fault, FaultTrigger } from "./engine/fault-script.js";
export type { GatewayLimits, GatewayStats } from "./session/gateway-context.js";
export type {
  MarketDataPermission,
  SimAccountSpec,
  SimContractSpec,
  SimPositionSpec,
  SimQuote,
  SimStateFile,
} from "./state/sim-state.js";
export type { SimAccountView, SimExecutionView, SimOrderView, SimPositionView } from "./views.js";
export { loadSimStateFile, parseSimState } from "./state/load-sim-state.js";
export type { LoadSimStateResult } from "./state/load-sim-state.js";
export { parsePlaceOrder } from "./wire/parse-place-order.js";
export type { PlaceOrderParse, PlacedOrder } from "./wire/parse-place-order.js";
export { FIXED_US_PRICING, orderCommission } from "./engine/commission.js";
export { SERVER_VERSION_RANGE as SERVER_VERSIONS } from "./wire/server-versions.js";
