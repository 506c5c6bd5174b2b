import { GATEWAY_NAME } from "../broker/gateway-address.js";
import { readGatewaySnapshot } from "../broker/read-gateway-snapshot.js";
import type { GatewayAddress } from "../broker/ib/ib-connection.js";
import { loadPortfolioFile } from "../config/load-portfolio.js";
import type { Portfolio } from "../core/portfolio.js";
import type { SnapshotSource } from "./run-plan.js";

/**
 * The actual state from a live gateway (or the simulator): the same planning pipeline as a snapshot
 * file. An invalid portfolio reads as no snapshot: runPlan reports the portfolio's own errors first.
 */
export function gatewaySnapshotSource(
  address: GatewayAddress,
  portfolio: string | Portfolio,
  now: () => Date = () => new Date(),
): SnapshotSource {
  return {
    describe: GATEWAY_NAME,
    read: async () => {
      // An account's portfolio resolved by the caller (`--account`), or a portfolio file to read.
      if (typeof portfolio !== "string") {
        return { ok: true, snapshot: await readGatewaySnapshot(address, portfolio, now) };
      }
      const loaded = await loadPortfolioFile(portfolio);
      if (!loaded.ok) return { ok: false, errors: loaded.errors };
      return { ok: true, snapshot: await readGatewaySnapshot(address, loaded.portfolio, now) };
    },
  };
}
