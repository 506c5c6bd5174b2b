// What subscribed clients hear when an account changes: after a fill, the account updates (values and
// the traded contract's portfolio row), account updates multi, positions multi and P&L; after a quote
// change, P&L only (IB refreshes account values every three minutes, P&L about every second).
import type { SimAccount } from "../state/sim-state.js";
import type { GatewayContext } from "./gateway-context.js";
import {
  namesAccount,
  sendAccountUpdate,
  sendAccountUpdateMulti,
  sendPositionMulti,
} from "./handle-account-updates.js";
import { sendPnl, sendPnlSingle } from "./handle-pnl.js";

export function publishFill(ctx: GatewayContext, account: SimAccount, conId: number): void {
  for (const session of ctx.sessions()) {
    if (session.accountUpdates === account.id) sendAccountUpdate(ctx, session, account, [conId]);
    for (const [reqId, s] of session.accountUpdatesMulti) {
      if (namesAccount(s.account, account)) sendAccountUpdateMulti(ctx, session, reqId, account);
    }
    for (const [reqId, s] of session.positionsMulti) {
      if (namesAccount(s.account, account)) sendPositionMulti(ctx, session, reqId, account, conId);
    }
  }
  publishPnl(ctx, account, conId);
}

/** A quote moved: P&L of every account holding the contract. */
export function publishQuote(ctx: GatewayContext, conId: number): void {
  for (const account of ctx.world.accounts.values()) {
    if (account.positions.has(conId)) publishPnl(ctx, account, conId);
  }
}

function publishPnl(ctx: GatewayContext, account: SimAccount, conId: number): void {
  for (const session of ctx.sessions()) {
    for (const [reqId, id] of session.pnl) if (id === account.id) sendPnl(ctx, session, reqId, account);
    for (const [reqId, s] of session.pnlSingle) {
      if (s.account === account.id && s.conId === conId) sendPnlSingle(ctx, session, reqId, account, conId);
    }
  }
}
