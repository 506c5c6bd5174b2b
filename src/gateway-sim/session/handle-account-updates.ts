// reqAccountUpdates, reqAccountUpdatesMulti and reqPositionsMulti: the first answer, and the updates
// sent after a fill while the subscription lasts (account-streams.ts).
import { accountUpdateRows } from "../engine/account-rows.js";
import { positionPnl } from "../engine/pnl.js";
import { reportsPosition } from "../engine/reported-positions.js";
import { accountValues } from "../engine/valuation.js";
import {
  accountDownloadEnd,
  accountUpdateMulti,
  accountUpdateMultiEnd,
  accountUpdateTime,
  accountValue,
  portfolioValue,
  positionMulti,
  positionMultiEnd,
} from "../messages/account-update-messages.js";
import type { SimAccount } from "../state/sim-state.js";
import type { ClientSession } from "./client-session.js";
import type { GatewayContext } from "./gateway-context.js";

/** IB's refusal of an account code the login does not manage (error 321). */
export function invalidAccount(session: ClientSession, id: number, code: string): void {
  session.sendError(id, 321, `Error validating request.-'bp' : cause - Invalid account code '${code}'.`);
}

/** The accounts a multi request names: "" or "All" means every managed account; undefined: unknown. */
export function accountsNamed(ctx: GatewayContext, code: string): SimAccount[] | undefined {
  const named = [...ctx.world.accounts.values()].filter((account) => namesAccount(code, account));
  return named.length === 0 ? undefined : named;
}

export function namesAccount(code: string, account: SimAccount): boolean {
  return code === "" || code.toUpperCase() === "ALL" || code === account.id;
}

/**
 * Subscribing sends the account's values, one portfolio row per position (closed today: 0), the time
 * and ACCT_DOWNLOAD_END. A new subscription replaces the last one; unsubscribing is silent.
 */
export function handleAccountUpdates(
  ctx: GatewayContext,
  session: ClientSession,
  subscribe: boolean,
  acctCode: string,
): void {
  if (!subscribe) {
    session.accountUpdates = undefined;
    return;
  }
  // With one account the code may be left empty; with several, the first is the default, as at IB.
  const account =
    acctCode === "" ? ctx.world.accounts.values().next().value : ctx.world.accounts.get(acctCode);
  if (account === undefined) return invalidAccount(session, -1, acctCode);
  session.accountUpdates = account.id;
  sendAccountUpdate(ctx, session, account, [...account.positions.keys()]);
  session.send(accountDownloadEnd(account.id));
}

/** Account values, the portfolio rows of `conIds`, then the update time. */
export function sendAccountUpdate(
  ctx: GatewayContext,
  session: ClientSession,
  account: SimAccount,
  conIds: readonly number[],
): void {
  for (const row of accountUpdateRows(accountValues(ctx.world, account))) {
    session.send(accountValue(account.id, row));
  }
  for (const conId of conIds) {
    const contract = ctx.world.contracts.get(conId);
    const pnl = positionPnl(ctx.world, account, conId);
    if (contract !== undefined && pnl !== undefined && reportsPosition(ctx.world, conId)) {
      session.send(portfolioValue(account.id, contract, pnl));
    }
  }
  session.send(accountUpdateTime(ctx.now()));
}

export function handleAccountUpdatesMulti(
  ctx: GatewayContext,
  session: ClientSession,
  request: { reqId: number; account: string; modelCode: string; ledgerAndNlv: boolean },
): void {
  const accounts = accountsNamed(ctx, request.account);
  if (accounts === undefined) return invalidAccount(session, request.reqId, request.account);
  const subscription = {
    account: request.account,
    modelCode: request.modelCode,
    ledgerAndNlv: request.ledgerAndNlv,
  };
  session.accountUpdatesMulti.set(request.reqId, subscription);
  for (const account of accounts) sendAccountUpdateMulti(ctx, session, request.reqId, account);
  session.send(accountUpdateMultiEnd(request.reqId));
}

export function sendAccountUpdateMulti(
  ctx: GatewayContext,
  session: ClientSession,
  reqId: number,
  account: SimAccount,
): void {
  const subscription = session.accountUpdatesMulti.get(reqId);
  if (subscription === undefined) return;
  const rows = accountUpdateRows(accountValues(ctx.world, account), {
    ledgerAndNlv: subscription.ledgerAndNlv,
  });
  for (const row of rows) session.send(accountUpdateMulti(reqId, account.id, subscription.modelCode, row));
}

export function handlePositionsMulti(
  ctx: GatewayContext,
  session: ClientSession,
  request: { reqId: number; account: string; modelCode: string },
): void {
  const accounts = accountsNamed(ctx, request.account);
  if (accounts === undefined) return invalidAccount(session, request.reqId, request.account);
  session.positionsMulti.set(request.reqId, { account: request.account, modelCode: request.modelCode });
  for (const account of accounts) {
    for (const conId of account.positions.keys())
      sendPositionMulti(ctx, session, request.reqId, account, conId);
  }
  session.send(positionMultiEnd(request.reqId));
}

export function sendPositionMulti(
  ctx: GatewayContext,
  session: ClientSession,
  reqId: number,
  account: SimAccount,
  conId: number,
): void {
  const subscription = session.positionsMulti.get(reqId);
  const contract = ctx.world.contracts.get(conId);
  const held = account.positions.get(conId);
  if (subscription === undefined || contract === undefined || held === undefined) return;
  if (!reportsPosition(ctx.world, conId)) return;
  session.send(
    positionMulti(reqId, account.id, contract, held.quantity, held.avgCost, subscription.modelCode),
  );
}
