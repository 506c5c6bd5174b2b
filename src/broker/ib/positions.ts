import { EventName } from "@stoqey/ib";
import type { Contract } from "@stoqey/ib";
import type { SnapshotPosition } from "../../core/snapshot.js";
import type { IbConnection } from "./ib-connection.js";

/**
 * Positions of each account from one fresh REQ_POSITIONS (never a cache: see @stoqey/ib's
 * getPositions), which IB answers for every account of the login.
 */
export async function readPositionsOf(
  conn: IbConnection,
  accounts: readonly string[],
): Promise<Map<string, SnapshotPosition[]>> {
  const label = accounts.length === 1 ? `${accounts[0]}` : `${accounts.length} accounts`;
  const found = new Map(accounts.map((account) => [account, new Map<number, SnapshotPosition>()]));
  await conn.request<true>({
    what: `the positions of ${label}`,
    send: (api) => api.reqPositions(),
    listen: (done) => {
      const onPosition = (acct: string, contract: Contract, quantity: number, avgCost?: number) => {
        keepPosition(found.get(acct), contract, quantity, avgCost);
      };
      const onEnd = () => done(true);
      conn.api.on(EventName.position, onPosition);
      conn.api.on(EventName.positionEnd, onEnd);
      return () => {
        conn.api.off(EventName.position, onPosition);
        conn.api.off(EventName.positionEnd, onEnd);
      };
    },
  });
  await conn.send((api) => api.cancelPositions()).catch(() => undefined);
  return new Map([...found].map(([account, held]) => [account, heldPositions(held)]));
}

/**
 * Positions of one account from reqPositionsMulti: what IB offers a login managing more than 50
 * accounts, which it refuses REQ_POSITIONS.
 */
export async function readPositionsMulti(conn: IbConnection, account: string): Promise<SnapshotPosition[]> {
  const reqId = conn.allocateRequestId();
  const held = new Map<number, SnapshotPosition>();
  await conn.request<true>({
    what: `the positions of ${account}`,
    reqId,
    send: (api) => api.reqPositionsMulti(reqId, account, ""),
    listen: (done) => {
      const onPosition = (
        id: number,
        acct: string,
        _model: string,
        contract: Contract,
        quantity: number,
        avgCost: number,
      ) => {
        if (id === reqId && acct === account) keepPosition(held, contract, quantity, avgCost);
      };
      const onEnd = (id: number) => {
        if (id === reqId) done(true);
      };
      conn.api.on(EventName.positionMulti, onPosition);
      conn.api.on(EventName.positionMultiEnd, onEnd);
      return () => {
        conn.api.off(EventName.positionMulti, onPosition);
        conn.api.off(EventName.positionMultiEnd, onEnd);
      };
    },
  });
  await conn.send((api) => api.cancelPositionsMulti(reqId)).catch(() => undefined);
  return heldPositions(held);
}

function keepPosition(
  into: Map<number, SnapshotPosition> | undefined,
  contract: Contract,
  quantity: number | undefined,
  avgCost: number | undefined,
): void {
  if (into === undefined || contract.conId === undefined) return;
  // After a conversion IB reports a virtual position in the pair (secType CASH). The currency is
  // already in the account's cash balances: counting it again would value it twice, and
  // `unmanaged: sell` would try to sell it.
  if (contract.secType === "CASH") return;
  into.set(contract.conId, {
    conId: contract.conId,
    symbol: contract.symbol ?? "",
    currency: contract.currency ?? "",
    quantity: quantity ?? 0,
    avgCost: avgCost ?? 0,
  });
}

/** IB reports a position closed today as quantity 0: keep it out of the weights. */
function heldPositions(found: Map<number, SnapshotPosition>): SnapshotPosition[] {
  return [...found.values()].filter((p) => p.quantity !== 0).sort((a, b) => a.conId - b.conId);
}
