// OPEN_ORDER (133 fields for a plain stock order at server version 193, no version field), ORDER_STATUS
// and OPEN_ORDER_END. The field order mirrors @stoqey/ib's OrderDecoder / IB's EDecoder.processOpenOrderMsg.
import type { SimOrder } from "../engine/sim-order.js";
import { avgFillPrice, remaining } from "../engine/sim-order.js";
import { bool, num, numOrUnset, str, UNSET_DOUBLE } from "../wire/field-format.js";
import { OUT } from "../wire/message-ids.js";

export function orderStatus(order: SimOrder, status: string = order.status): string[] {
  return [
    String(OUT.ORDER_STATUS),
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
    "0", // mktCapPrice
  ];
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

export function openOrder(order: SimOrder): string[] {
  return [
    String(OUT.OPEN_ORDER),
    String(order.orderId),
    ...orderContractFields(order),
    order.action,
    num(order.totalQuantity),
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
    "", // modelCode
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
    ...orderStateFields(order),
    "0", // randomizeSize
    "0", // randomizePrice
    "0", // conditions count
    "", // adjustedOrderType
    "", // triggerPrice
    "", // trailStopPrice
    "", // lmtPriceOffset
    "", // adjustedStopPrice
    "", // adjustedStopLimitPrice
    "", // adjustedTrailingAmount
    "0", // adjustableTrailingUnit
    "", // softDollarTier name
    "", // softDollarTier value
    "", // softDollarTier displayName
    numOrUnset(undefined), // cashQty
    "0", // dontUseAutoPriceForHedge
    "0", // isOmsContainer
    "0", // discretionaryUpToLimitPrice
    "0", // usePriceMgmtAlgo
    "", // duration
    "", // postToAts
    "0", // autoCancelParent
    "", // minTradeQty
    "", // minCompeteSize
    "", // competeAgainstBestOffset
    "", // midOffsetAtWhole
    "", // midOffsetAtHalf
    "", // customerAccount
    "0", // professionalCustomer
    "", // bondAccruedInterest
    "0", // includeOvernight
    str(order.placed.extOperator),
    "", // manualOrderIndicator
  ];
}

/** Margin before/change/after, commission (a what-if gives its estimate as min and max), warning. */
function orderStateFields(order: SimOrder): string[] {
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
    commissionKnown ? order.contract.currency : "",
    "", // warningText
  ];
}

export function openOrderEnd(): string[] {
  return [String(OUT.OPEN_ORDER_END), "1"];
}
