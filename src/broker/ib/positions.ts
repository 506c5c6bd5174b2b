import { EventName } from "@stoqey/ib";
import type { Contract } from "@stoqey/ib";
import type { SnapshotPosition } from "../../core/snapshot.js";
import type { IbConnection } from "./ib-connection.js";

/** Positions of one account from a fresh REQ_POSITIONS (never a cache: see @stoqey/ib's getPositions). */
export async function readPositions(conn: IbConnection, account: string): Promise<SnapshotPosition[]> {
  const positions = await conn.request<SnapshotPosition[]>({
    what: `the positions of ${account}`,
    send: (api) => api.reqPositions(),
    listen: (done) => {
      const found = new Map<number, SnapshotPosition>();
      const onPosition = (acct: string, contract: Contract, quantity: number, avgCost?: number) => {
        if (acct !== account || contract.conId === undefined) return;
        // After a conversion IB reports a virtual position in the pair (secType CASH). The currency is
        // already in the account's cash balances: counting it again would value it twice, and
        // `unmanaged: sell` would try to sell it.
        if (contract.secType === "CASH") return;
        found.set(contract.conId, {
          conId: contract.conId,
          symbol: contract.symbol ?? "",
          currency: contract.currency ?? "",
          quantity: quantity ?? 0,
          avgCost: avgCost ?? 0,
        });
      };
      const onEnd = () => done([...found.values()]);
      conn.api.on(EventName.position, onPosition);
      conn.api.on(EventName.positionEnd, onEnd);
      return () => {
        conn.api.off(EventName.position, onPosition);
        conn.api.off(EventName.positionEnd, onEnd);
      };
    },
  });
  await conn.send((api) => api.cancelPositions()).catch(() => undefined);
  // IB reports a position closed today as quantity 0: keep it out of the weights.
  return positions.filter((p) => p.quantity !== 0).sort((a, b) => a.conId - b.conId);
}
