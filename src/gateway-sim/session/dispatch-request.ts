// Routes each parsed request to its handler.
import { errorMessage } from "../messages/system-messages.js";
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
  handleCurrentTime,
  handleManagedAccounts,
  handleReqIds,
  handleStartApi,
} from "./handle-connection.js";
import { handleContractDetails } from "./handle-contracts.js";
import { handleExecutions } from "./handle-executions.js";
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
    case "UNSUPPORTED":
      ctx.log(
        `[sim] ${session.label} sent ${request.name} (${request.id}), which the simulator does not implement`,
      );
      return session.send(
        errorMessage(-1, 320, `The simulator does not implement ${request.name} (message id ${request.id}).`),
      );
  }
}
