import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import { DEFAULT_CLIENT_ID, resolveGatewayAddress } from "../broker/gateway-address.js";
import type { GatewayAddress } from "../broker/ib/ib-connection.js";
import type { Clock } from "../core/clock.js";
import type { CliContext } from "./context.js";

export interface GatewayFlags {
  gateway?: string;
  clientId?: string;
  simState?: string;
}

const EXAMPLE_STATE = fileURLToPath(new URL("../../examples/sim-state.yaml", import.meta.url));

/**
 * Runs `body` against the configured IB Gateway, or, when none is configured, against the built-in
 * simulator started in this process (the demo mode), saying so on stderr so nobody mistakes it for
 * their account.
 */
export async function withGatewayOrSimulator<T>(
  flags: GatewayFlags,
  ctx: CliContext,
  /** `simulator` is the built-in simulator's clock when it is the gateway (its state file's `clock:`). */
  body: (address: GatewayAddress, simulator?: Clock) => Promise<T>,
  /** Replaces the "no IB Gateway configured" line, for a caller that never uses a gateway. */
  simulatorNotice?: string,
): Promise<T> {
  const address = flags.simState === undefined ? resolveGatewayAddress(flags, ctx.env) : undefined;
  if (address) return body(address);
  const stateFile = flags.simState === undefined ? EXAMPLE_STATE : resolve(ctx.cwd, flags.simState);
  // Loaded only here: a real gateway needs none of the simulator.
  const { startGatewaySim } = await import("../gateway-sim/index.js");
  const sim = await startGatewaySim({ stateFile, port: 0, logger: () => undefined });
  ctx.stderr.write(
    simulatorNotice ??
      `folioctl: no IB Gateway configured (--gateway or FOLIOCTL_GATEWAY): using the built-in simulator with ${
        flags.simState === undefined ? "examples/sim-state.yaml" : flags.simState
      }\n`,
  );
  try {
    return await body(
      { host: sim.host, port: sim.port, clientId: DEFAULT_CLIENT_ID },
      { now: () => sim.now() },
    );
  } finally {
    await sim.stop();
  }
}
