import type { Portfolio } from "../core/portfolio.js";
import type { Snapshot } from "../core/snapshot.js";
import type { GatewayAddress } from "./ib/ib-connection.js";
import { IbBroker } from "./ib/ib-broker.js";
import { checkAccountManaged, takeSnapshot } from "./take-snapshot.js";

/**
 * Connects to IB Gateway (or the simulator), checks that it manages the portfolio's account, takes the
 * snapshot, and disconnects: what `plan`, `snapshot`, `propose` and `preview` all need.
 */
export async function readGatewaySnapshot(
  address: GatewayAddress,
  portfolio: Portfolio,
  now: () => Date,
  options: { timeoutMs?: number } = {},
): Promise<Snapshot> {
  const broker = new IbBroker({
    ...address,
    now,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  try {
    const session = await broker.connect();
    checkAccountManaged(session, portfolio.account);
    return await takeSnapshot(broker, portfolio, now);
  } finally {
    await broker.close();
  }
}
