// Requests as IB's reference Java client (EClient.placeOrder, EClient.cancelOrder) writes them at a
// given server version, for a plain stock order: what a client other than @stoqey/ib sends. Written
// from EClient.java, gate by gate, independently of the simulator's parser.
import { ACCOUNT, VTI } from "./test-state.js";

const MAX_INT = "2147483647";

export interface PlainOrder {
  orderId: number;
  action?: "BUY" | "SELL";
  quantity: number;
  orderType: "MKT" | "LMT";
  lmtPrice?: number;
  orderRef?: string;
}

export function placeOrderRequest(v: number, o: PlainOrder): (string | number)[] {
  const at = (gate: number): boolean => v >= gate;
  const b: (string | number)[] = [3];
  if (!at(145)) b.push(45); // VERSION, below ORDER_CONTAINER
  b.push(o.orderId);
  b.push(VTI, "VTI", "STK", "", 0, "", "", "SMART", "", "USD", "", ""); // conId .. tradingClass
  b.push("", ""); // secIdType, secId
  b.push(o.action ?? "BUY", o.quantity, o.orderType, o.lmtPrice ?? "", ""); // lmtPrice, auxPrice: sendMax
  b.push("DAY", "", ACCOUNT, "", 0, o.orderRef ?? "", 1, 0); // tif .. orderRef, transmit, parentId
  b.push(0, 0, 0, 0, 0); // blockOrder, sweepToFill, displaySize, triggerMethod, outsideRth
  b.push(0); // hidden
  b.push("", 0, "", ""); // sharesAllocation, discretionaryAmt, goodAfterTime, goodTillDate
  b.push("", "", ""); // faGroup, faMethod, faPercentage
  if (!at(177)) b.push(""); // faProfile, below FA_PROFILE_DESUPPORT
  if (at(103)) b.push(""); // modelCode, MODELS_SUPPORT
  b.push(0, "", -1); // shortSaleSlot, designatedLocation, exemptCode
  b.push(0, "", "", 0, "", ""); // ocaType, rule80A, settlingFirm, allOrNone, minQty, percentOffset
  b.push(0, 0, ""); // eTradeOnly, firmQuoteOnly, nbboPriceCap
  b.push("", "", "", "", "", ""); // auctionStrategy, startingPrice, stockRefPrice, delta, range lower/upper
  b.push(0); // overridePercentageConstraints
  b.push("", 0, "", ""); // volatility, volatilityType, deltaNeutralOrderType, deltaNeutralAuxPrice
  b.push(0, 0); // continuousUpdate, referencePriceType
  b.push("", ""); // trailStopPrice, trailingPercent
  b.push("", "", ""); // scaleInitLevelSize, scaleSubsLevelSize, scalePriceIncrement
  b.push("", "", ""); // scaleTable, activeStartTime, activeStopTime
  b.push(""); // hedgeType (empty: no hedgeParam)
  b.push(0, "", "", 0); // optOutSmartRouting, clearingAccount, clearingIntent, notHeld
  b.push(0); // deltaNeutralContract: false
  b.push("", ""); // algoStrategy (empty: no params), algoId
  b.push(0, "", 0, 0, 0); // whatIf, orderMiscOptions, solicited, randomizeSize, randomizePrice
  if (at(102)) {
    b.push(0); // conditions count, PEGGED_TO_BENCHMARK
    b.push("", "", "", "", "", "", 0); // adjustedOrderType .. adjustableTrailingUnit
  }
  if (at(105)) b.push(""); // extOperator
  if (at(106)) b.push("", ""); // softDollarTier name, value
  if (at(111)) b.push(""); // cashQty
  if (at(138)) b.push("", ""); // mifid2DecisionMaker, mifid2DecisionAlgo
  if (at(139)) b.push("", ""); // mifid2ExecutionTrader, mifid2ExecutionAlgo
  if (at(141)) b.push(0); // dontUseAutoPriceForHedge
  if (at(145)) b.push(0); // isOmsContainer
  if (at(148)) b.push(0); // discretionaryUpToLimitPrice
  if (at(151)) b.push(""); // usePriceMgmtAlgo
  if (at(158)) b.push(MAX_INT); // duration
  if (at(160)) b.push(MAX_INT); // postToAts
  if (at(162)) b.push(0); // autoCancelParent
  if (at(166)) b.push(""); // advancedErrorOverride
  if (at(169)) b.push(""); // manualOrderTime
  // PEGBEST_PEGMID_OFFSETS (170): nothing for a MKT or LMT order on SMART.
  if (at(183)) b.push(""); // customerAccount
  if (at(184)) b.push(0); // professionalCustomer
  if (at(187) && !at(190)) b.push("", MAX_INT); // RFQ_FIELDS until UNDO_RFQ_FIELDS
  if (at(189)) b.push(0); // includeOvernight
  if (at(192)) b.push(MAX_INT); // manualOrderIndicator, CME_TAGGING_FIELDS
  return b;
}

export function cancelOrderRequest(v: number, orderId: number): (string | number)[] {
  const b: (string | number)[] = [4];
  if (v < 192) b.push(1); // VERSION, below CME_TAGGING_FIELDS
  b.push(orderId);
  if (v >= 169) b.push(""); // manualOrderCancelTime, MANUAL_ORDER_TIME
  if (v >= 187 && v < 190) b.push("", "", MAX_INT); // RFQ_FIELDS until UNDO_RFQ_FIELDS
  if (v >= 192) b.push("", MAX_INT); // extOperator, manualOrderIndicator
  return b;
}
