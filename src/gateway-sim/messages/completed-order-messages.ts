// COMPLETED_ORDER (98 fields for a plain stock order at server version 193) and its end message, at the
// agreed server version (they exist from REQ_COMPLETED_ORDERS, 150). Mirrors IB's
// EDecoder.processCompletedOrderMsg: no orderId, no clientId, status then completion info.
import type { SimOrder } from "../engine/sim-order.js";
import { bool, num, numOrUnset, str } from "../wire/field-format.js";
import { OUT } from "../wire/message-ids.js";
import { formatIbTime } from "./system-messages.js";
import { algoFields, orderContractFields, quantity } from "./order-messages.js";
import { MIN_SERVER_VER } from "../wire/server-versions.js";

export function completedOrder(v: number, order: SimOrder): string[] {
  const at = (gate: number): boolean => v >= gate;
  const f = [
    String(OUT.COMPLETED_ORDER),
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
    "0", // origin
    order.orderRef,
    String(order.permId),
    bool(order.outsideRth),
    bool(order.placed.hidden),
    "0", // discretionaryAmt
    "", // goodAfterTime
    "", // faGroup
    "", // faMethod
    "", // faPercentage
  ];
  if (!at(MIN_SERVER_VER.FA_PROFILE_DESUPPORT)) f.push(""); // faProfile
  f.push(
    "", // modelCode
    "", // goodTillDate
    "", // rule80A
    "", // percentOffset
    "", // settlingFirm
    "0", // shortSaleSlot
    "", // designatedLocation
    "-1", // exemptCode
    "", // startingPrice
    "", // stockRefPrice
    "", // delta
    "", // stockRangeLower
    "", // stockRangeUpper
    "", // displaySize
    "0", // sweepToFill
    "0", // allOrNone
    "", // minQty
    "0", // ocaType
    "0", // triggerMethod
    "", // volatility
    "0", // volatilityType
    "", // deltaNeutralOrderType
    "", // deltaNeutralAuxPrice
    "0", // continuousUpdate
    "0", // referencePriceType
    "", // trailStopPrice
    "", // trailingPercent
    "", // comboLegsDescription
    "0", // comboLegs count
    "0", // orderComboLegs count
    "0", // smartComboRoutingParams count
    "", // scaleInitLevelSize
    "", // scaleSubsLevelSize
    "", // scalePriceIncrement
    "", // hedgeType
    "", // clearingAccount
    "", // clearingIntent
    "0", // notHeld
    "0", // deltaNeutralContract present
    ...algoFields(order),
    "0", // solicited
    order.status,
    "0", // randomizeSize
    "0", // randomizePrice
    "0", // conditions count
    "", // trailStopPrice
    "", // lmtPriceOffset
    numOrUnset(undefined), // cashQty
    "0", // dontUseAutoPriceForHedge
    "0", // isOmsContainer
    "", // autoCancelDate
    quantity(v, order.filled), // filledQuantity
    "0", // refFuturesConId
    "0", // autoCancelParent
    "", // shareholder
    "0", // imbalanceOnly
    "0", // routeMarketableToBbo
    "0", // parentPermId
    order.completedAt === undefined ? "" : formatIbTime(order.completedAt),
    order.completedStatus,
  );
  if (at(MIN_SERVER_VER.PEGBEST_PEGMID_OFFSETS)) {
    // minTradeQty, minCompeteSize, competeAgainstBestOffset, midOffsetAtWhole, midOffsetAtHalf
    f.push("", "", "", "", "");
  }
  if (at(MIN_SERVER_VER.CUSTOMER_ACCOUNT)) f.push(""); // customerAccount
  if (at(MIN_SERVER_VER.PROFESSIONAL_CUSTOMER)) f.push("0"); // professionalCustomer
  return f;
}

export function completedOrdersEnd(): string[] {
  return [String(OUT.COMPLETED_ORDERS_END)];
}
