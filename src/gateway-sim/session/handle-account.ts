// Account summary (with IB's $LEDGER tags) and positions.
import { summaryRows } from "../engine/account-rows.js";
import { reportsPosition } from "../engine/reported-positions.js";
import { accountValues } from "../engine/valuation.js";
import { accountSummary, accountSummaryEnd, position, positionEnd } from "../messages/account-messages.js";
import type { ClientSession } from "./client-session.js";
import type { GatewayContext } from "./gateway-context.js";

export function handleAccountSummary(
  ctx: GatewayContext,
  session: ClientSession,
  reqId: number,
  tags: readonly string[],
): void {
  if (session.accountSummaries.has(reqId)) {
    return session.sendError(reqId, 322, "Error processing request: Duplicate ticker id");
  }
  session.accountSummaries.add(reqId);
  for (const account of ctx.world.accounts.values()) {
    const values = accountValues(ctx.world, account);
    for (const row of summaryRows(values, tags)) {
      session.send(accountSummary(reqId, account.id, row.tag, row.value, row.currency));
    }
  }
  session.send(accountSummaryEnd(reqId));
}

export function handleCancelAccountSummary(session: ClientSession, reqId: number): void {
  session.accountSummaries.delete(reqId);
}

export function handleReqPositions(ctx: GatewayContext, session: ClientSession): void {
  session.positionsSubscribed = true;
  for (const account of ctx.world.accounts.values()) {
    for (const [conId, held] of account.positions) {
      const contract = ctx.world.contracts.get(conId);
      if (contract !== undefined && reportsPosition(ctx.world, conId))
        session.send(position(account.id, contract, held.quantity, held.avgCost));
    }
  }
  session.send(positionEnd());
}

export function handleCancelPositions(session: ClientSession): void {
  session.positionsSubscribed = false;
}
