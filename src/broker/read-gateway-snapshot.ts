import type { Portfolio } from "../core/portfolio.js";
import type { Snapshot } from "../core/snapshot.js";
import type { BrokerSession } from "./broker.js";
import type { GatewayAddress } from "./ib/ib-connection.js";
import { IbBroker } from "./ib/ib-broker.js";
import { snapshotAccounts } from "./snapshot-accounts.js";
import { checkAccountManaged, takeSnapshot } from "./take-snapshot.js";

interface ReadOptions {
  timeoutMs?: number;
}

/**
 * Connects to IB Gateway (or the simulator), checks that it manages the portfolio's account, takes the
 * snapshot, and disconnects: what `plan`, `snapshot`, `propose` and `preview` all need.
 */
export function readGatewaySnapshot(
  address: GatewayAddress,
  portfolio: Portfolio,
  now: () => Date,
  options: ReadOptions = {},
): Promise<Snapshot> {
  return inOneSession(address, now, options, (broker, session) => {
    checkAccountManaged(session, portfolio.account);
    return takeSnapshot(broker, portfolio, now);
  });
}

/**
 * The same for many accounts of one login in one session (snapshot-accounts.ts): one snapshot per
 * portfolio, in their order; fails naming every account the login does not manage.
 */
export function readGatewaySnapshots(
  address: GatewayAddress,
  portfolios: readonly Portfolio[],
  now: () => Date,
  options: ReadOptions = {},
): Promise<Snapshot[]> {
  return inOneSession(address, now, options, (broker) => snapshotAccounts(broker, portfolios, now));
}

async function inOneSession<T>(
  address: GatewayAddress,
  now: () => Date,
  options: ReadOptions,
  read: (broker: IbBroker, session: BrokerSession) => Promise<T>,
): Promise<T> {
  const broker = new IbBroker({
    ...address,
    now,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  try {
    return await read(broker, await broker.connect());
  } finally {
    await broker.close();
  }
}
