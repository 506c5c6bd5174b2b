// OPEN_ORDER (133 fields for a plain stock order at server version 193, no version field), ORDER_STATUS
// and OPEN_ORDER_END, at the agreed server version. The field order mirrors IB's
// EDecoder.processOpenOrderMsg / EOrderDecoder; the gates are named in wire/server-versions.ts.
import type { SimOrder } from "../engine/sim-order.js";
import { avgFillPrice, remaining } from "../engine/sim-order.js";
import { bool, num, numOrUnset, str, UNSET_DOUBLE } from "../wire/field-format.js";
import { OUT } from "../wire/message-ids.js";
import { MESSAGE_VERSION, MIN_SERVER_VER } from "../wire/server-versions.js";

/** ORDER_STATUS: a version field (6) below MARKET_CAP_PRICE, mktCapPrice from it. */
export function orderStatus(v: number, order: SimOrder, status: string = order.status): string[] {
  const fields = [String(OUT.ORDER_STATUS)];
  if (v < MIN_SERVER_VER.MARKET_CAP_PRICE) fields.push(String(MESSAGE_VERSION.ORDER_STATUS));
  fields.push(
    String(order.orderId),
    status,
    num(order.filled),
    num(status === "Cancelled" ? 0 : remaining(order)),
    num(avgFillPrice(order)),
    String(order.permId),
    "0", // parentId
    num(order.lastFillPrice),
    String(order.clientId),
    order.whyHeld,
  );
  if (v >= MIN_SERVER_VER.MARKET_CAP_PRICE) fields.push("0"); // mktCapPrice
  return fields;
}

/** The fields OPEN_ORDER and COMPLETED_ORDER share for the contract. */
export function orderContractFields(order: SimOrder): string[] {
  const c = order.contract;
  return [
    String(c.conId),
    c.symbol,
    c.secType,
    "",
    "0",
    "",
    "",
    c.exchange,
    c.currency,
    c.localSymbol,
    c.tradingClass,
  ];
}

/** algoStrategy, then (only when there is one) the count and tag/value pairs. */
export function algoFields(order: SimOrder): string[] {
  if (order.algoStrategy === "") return [""];
  return [
    order.algoStrategy,
    String(order.algoParams.length),
    ...order.algoParams.flatMap((p) => [p.tag, p.value]),
  ];
}

/**
 * OPEN_ORDER at server version `v`, field by field as IB's EDecoder.processOpenOrderMsg reads it: a
 * version field (34) below ORDER_CONTAINER, then each gated field from its MIN_SERVER_VER on.
 */
export function openOrder(v: number, order: SimOrder): string[] {
  const at = (gate: number): boolean => v >= gate;
  const f: string[] = [String(OUT.OPEN_ORDER)];
  if (!at(MIN_SERVER_VER.ORDER_CONTAINER)) f.push(String(MESSAGE_VERSION.OPEN_ORDER));
  f.push(
    String(order.orderId),
    ...orderContractFields(order),
    order.action,
    quantity(v, order.totalQuantity),
    order.orderType,
    num(order.lmtPrice),
    num(order.auxPrice),
    order.tif,
    str(order.placed.ocaGroup),
    order.account,
    str(order.placed.openClose),
    "0", // origin: customer
    order.orderRef,
    String(order.clientId),
    String(order.permId),
    bool(order.outsideRth),
    bool(order.placed.hidden),
    "0", // discretionaryAmt
    "", // goodAfterTime
    "", // sharesAllocation (deprecated)
    "", // faGroup
    "", // faMethod
    "", // faPercentage
  );
  if (!at(MIN_SERVER_VER.FA_PROFILE_DESUPPORT)) f.push(""); // faProfile
  if (at(MIN_SERVER_VER.MODELS_SUPPORT)) f.push(""); // modelCode
  f.push(
    "", // goodTillDate
    "", // rule80A
    "", // percentOffset
    "", // settlingFirm
    "0", // shortSaleSlot
    "", // designatedLocation
    "-1", // exemptCode
    "0", // auctionStrategy
    "", // startingPrice
    "", // stockRefPrice
    "", // delta
    "", // stockRangeLower
    "", // stockRangeUpper
    "", // displaySize
    "0", // blockOrder
    "0", // sweepToFill
    "0", // allOrNone
    "", // minQty
    "0", // ocaType
    "0", // eTradeOnly
    "0", // firmQuoteOnly
    "", // nbboPriceCap
    "0", // parentId
    "0", // triggerMethod
    "", // volatility
    "0", // volatilityType
    "", // deltaNeutralOrderType (empty: no delta neutral block follows)
    "", // deltaNeutralAuxPrice
    "0", // continuousUpdate
    "0", // referencePriceType
    "", // trailStopPrice
    "", // trailingPercent
    "", // basisPoints
    "", // basisPointsType
    "", // comboLegsDescription
    "0", // comboLegs count
    "0", // orderComboLegs count
    "0", // smartComboRoutingParams count
    "", // scaleInitLevelSize
    "", // scaleSubsLevelSize
    "", // scalePriceIncrement (empty: no scale block follows)
    "", // hedgeType (empty: no hedgeParam follows)
    "0", // optOutSmartRouting
    "", // clearingAccount
    "", // clearingIntent
    "0", // notHeld
    "0", // deltaNeutralContract present
    ...algoFields(order),
    "0", // solicited
    bool(order.preview !== undefined), // whatIf
    order.status,
    ...orderStateFields(v, order),
    "0", // randomizeSize
    "0", // randomizePrice
  );
  if (at(MIN_SERVER_VER.PEGGED_TO_BENCHMARK)) {
    f.push(
      "0", // conditions count (no PEG BENCH fields before it: not a PEG BENCH order)
      "", // adjustedOrderType
      "", // triggerPrice
      "", // trailStopPrice
      "", // lmtPriceOffset
      "", // adjustedStopPrice
      "", // adjustedStopLimitPrice
      "", // adjustedTrailingAmount
      "0", // adjustableTrailingUnit
    );
  }
  if (at(MIN_SERVER_VER.SOFT_DOLLAR_TIER)) f.push("", "", ""); // softDollarTier name, value, displayName
  if (at(MIN_SERVER_VER.CASH_QTY)) f.push(numOrUnset(undefined)); // cashQty
  if (at(MIN_SERVER_VER.AUTO_PRICE_FOR_HEDGE)) f.push("0"); // dontUseAutoPriceForHedge
  if (at(MIN_SERVER_VER.ORDER_CONTAINER)) f.push("0"); // isOmsContainer
  if (at(MIN_SERVER_VER.D_PEG_ORDERS)) f.push("0"); // discretionaryUpToLimitPrice
  if (at(MIN_SERVER_VER.PRICE_MGMT_ALGO)) f.push("0"); // usePriceMgmtAlgo
  if (at(MIN_SERVER_VER.DURATION)) f.push(""); // duration
  if (at(MIN_SERVER_VER.POST_TO_ATS)) f.push(""); // postToAts
  if (at(MIN_SERVER_VER.AUTO_CANCEL_PARENT)) f.push("0"); // autoCancelParent
  if (at(MIN_SERVER_VER.PEGBEST_PEGMID_OFFSETS)) {
    // minTradeQty, minCompeteSize, competeAgainstBestOffset, midOffsetAtWhole, midOffsetAtHalf
    f.push("", "", "", "", "");
  }
  if (at(MIN_SERVER_VER.CUSTOMER_ACCOUNT)) f.push(""); // customerAccount
  if (at(MIN_SERVER_VER.PROFESSIONAL_CUSTOMER)) f.push("0"); // professionalCustomer
  if (at(MIN_SERVER_VER.BOND_ACCRUED_INTEREST)) f.push(""); // bondAccruedInterest
  if (at(MIN_SERVER_VER.INCLUDE_OVERNIGHT)) f.push("0"); // includeOvernight
  if (at(MIN_SERVER_VER.CME_TAGGING_FIELDS_IN_OPEN_ORDER)) {
    f.push(str(order.placed.extOperator), ""); // extOperator, manualOrderIndicator
  }
  return f;
}

/** Quantities are decimals from FRACTIONAL_POSITIONS on; before it the field is an integer. */
export function quantity(v: number, value: number): string {
  return v >= MIN_SERVER_VER.FRACTIONAL_POSITIONS ? num(value) : String(Math.trunc(value));
}

/**
 * Margin before and change (from WHAT_IF_EXT_FIELDS) and after, commission (a what-if gives its
 * estimate as min and max), warning.
 */
function orderStateFields(v: number, order: SimOrder): string[] {
  const fields = orderStateFieldsAt193(order);
  // Below WHAT_IF_EXT_FIELDS only the "after" figures exist: drop the six before/change ones.
  return v >= MIN_SERVER_VER.WHAT_IF_EXT_FIELDS ? fields : fields.slice(6);
}

function orderStateFieldsAt193(order: SimOrder): string[] {
  const w = order.preview;
  if (w !== undefined) {
    const figure = (value: number): string => num(Math.round(value * 100) / 100);
    return [
      figure(w.initMarginBefore),
      figure(w.maintMarginBefore),
      figure(w.equityWithLoanBefore),
      figure(w.initMarginAfter - w.initMarginBefore),
      figure(w.maintMarginAfter - w.maintMarginBefore),
      figure(w.equityWithLoanAfter - w.equityWithLoanBefore),
      figure(w.initMarginAfter),
      figure(w.maintMarginAfter),
      figure(w.equityWithLoanAfter),
      UNSET_DOUBLE, // commission: not charged yet
      num(w.commission), // minCommission
      num(w.commission), // maxCommission
      w.commissionCurrency,
      w.warning,
    ];
  }
  const commissionKnown = order.filled > 0;
  return [
    UNSET_DOUBLE, // initMarginBefore
    UNSET_DOUBLE, // maintMarginBefore
    UNSET_DOUBLE, // equityWithLoanBefore
    UNSET_DOUBLE, // initMarginChange
    UNSET_DOUBLE, // maintMarginChange
    UNSET_DOUBLE, // equityWithLoanChange
    UNSET_DOUBLE, // initMarginAfter
    UNSET_DOUBLE, // maintMarginAfter
    UNSET_DOUBLE, // equityWithLoanAfter
    commissionKnown ? num(order.commission) : UNSET_DOUBLE,
    UNSET_DOUBLE, // minCommission
    UNSET_DOUBLE, // maxCommission
    commissionKnown ? order.commissionCurrency : "",
    "", // warningText
  ];
}

export function openOrderEnd(): string[] {
  return [String(OUT.OPEN_ORDER_END), "1"];
}
