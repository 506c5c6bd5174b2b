// reqPnL and reqPnLSingle: one answer at once, then one after every fill or quote change that moves
// it (account-streams.ts), until cancelled. IB sends them about once a second instead.
import { accountPnl, positionPnl } from "../engine/pnl.js";
import { pnl, pnlSingle } from "../messages/pnl-messages.js";
import type { SimAccount } from "../state/sim-state.js";
import type { ClientSession } from "./client-session.js";
import type { GatewayContext } from "./gateway-context.js";
import { invalidAccount } from "./handle-account-updates.js";

export function handlePnl(ctx: GatewayContext, session: ClientSession, reqId: number, code: string): void {
  const account = ctx.world.accounts.get(code);
  if (account === undefined) return invalidAccount(session, reqId, code);
  session.pnl.set(reqId, account.id);
  sendPnl(ctx, session, reqId, account);
}

export function sendPnl(
  ctx: GatewayContext,
  session: ClientSession,
  reqId: number,
  account: SimAccount,
): void {
  session.send(pnl(session.serverVersion, reqId, accountPnl(ctx.world, account)));
}

/** A contract the account never held gets no answer, as at IB, until a fill opens it. */
export function handlePnlSingle(
  ctx: GatewayContext,
  session: ClientSession,
  reqId: number,
  code: string,
  conId: number,
): void {
  const account = ctx.world.accounts.get(code);
  if (account === undefined) return invalidAccount(session, reqId, code);
  session.pnlSingle.set(reqId, { account: account.id, conId });
  sendPnlSingle(ctx, session, reqId, account, conId);
}

export function sendPnlSingle(
  ctx: GatewayContext,
  session: ClientSession,
  reqId: number,
  account: SimAccount,
  conId: number,
): void {
  const figures = positionPnl(ctx.world, account, conId);
  if (figures !== undefined) session.send(pnlSingle(session.serverVersion, reqId, figures));
}
