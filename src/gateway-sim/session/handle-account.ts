// Account summary (with IB's $LEDGER tags) and positions, with IB's limits on both.
import { summaryRows } from "../engine/account-rows.js";
import { reportsPosition } from "../engine/reported-positions.js";
import { accountValues } from "../engine/valuation.js";
import { accountSummary, accountSummaryEnd, position, positionEnd } from "../messages/account-messages.js";
import type { ClientSession } from "./client-session.js";
import type { GatewayContext } from "./gateway-context.js";

/** IB: "only two active summary subscriptions are allowed at a time" (per client). */
export const MAX_ACCOUNT_SUMMARIES = 2;

/**
 * IB: reqPositions "is not available in Introducing Broker or Financial Advisor master accounts that
 * have very large numbers of subaccounts (> 50)", and such logins "cannot use reqAccountSummary with
 * group=All"; reqPositionsMulti and reqAccountUpdatesMulti per account are what IB offers instead.
 */
export const MAX_ACCOUNTS_FOR_WHOLE_LOGIN_REQUESTS = 50;

/** IB's texts for these refusals were not found: the simulator's words, under IB's validation code. */
const VALIDATION_ERROR = 321;

function tooManyAccounts(ctx: GatewayContext): number | undefined {
  const count = ctx.world.accounts.size;
  return count > MAX_ACCOUNTS_FOR_WHOLE_LOGIN_REQUESTS ? count : undefined;
}

export function handleAccountSummary(
  ctx: GatewayContext,
  session: ClientSession,
  reqId: number,
  tags: readonly string[],
): void {
  if (session.accountSummaries.has(reqId)) {
    return session.sendError(reqId, 322, "Error processing request: Duplicate ticker id");
  }
  if (session.accountSummaries.size >= MAX_ACCOUNT_SUMMARIES) {
    return session.sendError(
      reqId,
      322,
      "Maximum number of account summary requests exceeded; desubscribe to previous request first",
    );
  }
  // Groups are not modelled (every group answers as All), so none is open to a large login.
  const count = tooManyAccounts(ctx);
  if (count !== undefined) {
    return session.sendError(
      reqId,
      VALIDATION_ERROR,
      `Error validating request: the account summary of group All is not available to a login managing ` +
        `more than ${MAX_ACCOUNTS_FOR_WHOLE_LOGIN_REQUESTS} accounts (this one manages ${count}); ` +
        `use reqAccountUpdatesMulti per account`,
    );
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
  const count = tooManyAccounts(ctx);
  if (count !== undefined) {
    // REQ_POSITIONS has no request id: the refusal comes with id -1, as a notice.
    return session.sendError(
      -1,
      VALIDATION_ERROR,
      `Error validating request: reqPositions is not available to a login managing more than ` +
        `${MAX_ACCOUNTS_FOR_WHOLE_LOGIN_REQUESTS} accounts (this one manages ${count}); ` +
        `use reqPositionsMulti per account`,
    );
  }
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
