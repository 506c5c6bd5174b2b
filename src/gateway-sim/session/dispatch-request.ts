// Routes each parsed request to its handler.
import type { ClientRequest } from "../wire/parse-request.js";
import type { ClientSession } from "./client-session.js";
import type { GatewayContext } from "./gateway-context.js";
import {
  handleAccountSummary,
  handleCancelAccountSummary,
  handleCancelPositions,
  handleReqPositions,
} from "./handle-account.js";
import {
  handleAccountUpdates,
  handleAccountUpdatesMulti,
  handlePositionsMulti,
} from "./handle-account-updates.js";
import {
  handleCurrentTime,
  handleManagedAccounts,
  handleReqIds,
  handleStartApi,
} from "./handle-connection.js";
import { handleContractDetails } from "./handle-contracts.js";
import { handleExecutions } from "./handle-executions.js";
import { handlePnl, handlePnlSingle } from "./handle-pnl.js";
import { handleCancelMarketData, handleMarketData, handleMarketDataType } from "./handle-market-data.js";
import {
  handleCancelOrder,
  handleCompletedOrders,
  handleGlobalCancel,
  handleOpenOrders,
  handlePlaceOrder,
} from "./handle-orders.js";

export function dispatchRequest(ctx: GatewayContext, session: ClientSession, request: ClientRequest): void {
  switch (request.type) {
    case "START_API":
      return handleStartApi(ctx, session, request.clientId);
    case "REQ_IDS":
      return handleReqIds(ctx, session);
    case "REQ_CURRENT_TIME":
      return handleCurrentTime(ctx, session);
    case "REQ_MANAGED_ACCTS":
      return handleManagedAccounts(ctx, session);
    case "SET_SERVER_LOGLEVEL":
    case "REQ_AUTO_OPEN_ORDERS":
      return;
    case "REQ_ACCOUNT_SUMMARY":
      return handleAccountSummary(ctx, session, request.reqId, request.tags);
    case "CANCEL_ACCOUNT_SUMMARY":
      return handleCancelAccountSummary(session, request.reqId);
    case "REQ_POSITIONS":
      return handleReqPositions(ctx, session);
    case "CANCEL_POSITIONS":
      return handleCancelPositions(session);
    case "REQ_CONTRACT_DATA":
      return handleContractDetails(ctx, session, request.reqId, request.contract);
    case "REQ_MARKET_DATA_TYPE":
      return handleMarketDataType(session, request.marketDataType);
    case "REQ_MKT_DATA":
      return handleMarketData(
        ctx,
        session,
        request.reqId,
        request.contract,
        request.snapshot || request.regulatorySnapshot,
      );
    case "CANCEL_MKT_DATA":
      return handleCancelMarketData(session, request.reqId);
    case "PLACE_ORDER":
      return handlePlaceOrder(ctx, session, request.parse);
    case "CANCEL_ORDER":
      return handleCancelOrder(ctx, session, request.orderId);
    case "REQ_OPEN_ORDERS":
      return handleOpenOrders(ctx, session, false);
    case "REQ_ALL_OPEN_ORDERS":
      return handleOpenOrders(ctx, session, true);
    case "REQ_GLOBAL_CANCEL":
      return handleGlobalCancel(ctx);
    case "REQ_COMPLETED_ORDERS":
      return handleCompletedOrders(ctx, session);
    case "REQ_EXECUTIONS":
      return handleExecutions(ctx, session, request.reqId, request.filter);
    case "REQ_ACCOUNT_DATA":
      return handleAccountUpdates(ctx, session, request.subscribe, request.acctCode);
    case "REQ_ACCOUNT_UPDATES_MULTI":
      return handleAccountUpdatesMulti(ctx, session, request);
    case "CANCEL_ACCOUNT_UPDATES_MULTI":
      return void session.accountUpdatesMulti.delete(request.reqId);
    case "REQ_POSITIONS_MULTI":
      return handlePositionsMulti(ctx, session, request);
    case "CANCEL_POSITIONS_MULTI":
      return void session.positionsMulti.delete(request.reqId);
    case "REQ_PNL":
      return handlePnl(ctx, session, request.reqId, request.account);
    case "CANCEL_PNL":
      return void session.pnl.delete(request.reqId);
    case "REQ_PNL_SINGLE":
      return handlePnlSingle(ctx, session, request.reqId, request.account, request.conId);
    case "CANCEL_PNL_SINGLE":
      return void session.pnlSingle.delete(request.reqId);
    case "UNSUPPORTED": {
      const what = request.name.startsWith("UNKNOWN_") ? `message id ${request.id}` : request.name;
      ctx.warn(`[sim] ${session.label} sent ${what}, which the simulator does not implement`);
      return session.sendError(-1, 320, `The simulator does not implement ${what}.`);
    }
  }
}
