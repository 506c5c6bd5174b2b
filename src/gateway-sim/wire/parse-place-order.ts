// PLACE_ORDER (id 3) at the agreed server version, read field by field in the order IB's
// EClient.placeOrder writes it (and @stoqey/ib's encoder). A plain stock order is 118 fields at 193;
// conditional groups (BAG legs, delta neutral, scale, hedge, algo, PEG BENCH, conditions, PEG BEST/MID)
// and the version gates (wire/server-versions.ts) change the count. The cursor must end exactly at the
// message end: anything else means the layouts disagree.
import { FieldReader, WireFormatError } from "./field-reader.js";
import { IN } from "./message-ids.js";
import { MIN_SERVER_VER, SERVER_VERSION_RANGE } from "./server-versions.js";

export interface TagValue {
  tag: string;
  value: string;
}

export interface WireContract {
  conId: number | undefined;
  symbol: string;
  secType: string;
  lastTradeDateOrContractMonth: string;
  strike: number | undefined;
  right: string;
  multiplier: string;
  exchange: string;
  primaryExch: string;
  currency: string;
  localSymbol: string;
  tradingClass: string;
}

export interface PlacedOrder {
  orderId: number;
  contract: WireContract;
  action: string;
  totalQuantity: number | undefined;
  orderType: string;
  lmtPrice: number | undefined;
  auxPrice: number | undefined;
  tif: string;
  ocaGroup: string;
  account: string;
  openClose: string;
  origin: number | undefined;
  orderRef: string;
  /** "" or 0 means created but not transmitted. */
  transmit: boolean;
  parentId: number | undefined;
  outsideRth: boolean;
  hidden: boolean;
  algoStrategy: string;
  algoParams: TagValue[];
  whatIf: boolean;
  conditionCount: number;
  cashQty: number | undefined;
  extOperator: string;
  manualOrderIndicator: number | undefined;
}

export interface PlaceOrderParse {
  order: PlacedOrder;
  /** Number of fields in the message, message id included. */
  fieldCount: number;
  /** Where the cursor stopped; equal to fieldCount for a consistent message. */
  cursorEnd: number;
}

const ORDER_CONDITION = { price: 1, time: 3, margin: 4, execution: 5, volume: 6, percentChange: 7 } as const;

/**
 * Parses a PLACE_ORDER message written for server version `v` (default: the newest); throws
 * WireFormatError on an underrun or on unread fields.
 */
export function parsePlaceOrder(
  fields: readonly string[],
  v: number = SERVER_VERSION_RANGE.max,
): PlaceOrderParse {
  if (Number(fields[0]) !== IN.PLACE_ORDER)
    throw new WireFormatError(`not a PLACE_ORDER message: ${fields[0]}`);
  const at = (gate: number): boolean => v >= gate;
  const r = new FieldReader(fields);
  if (!at(MIN_SERVER_VER.ORDER_CONTAINER)) r.str("version");
  const orderId = requireInt(r, "orderId");
  const contract: WireContract = {
    conId: r.int("conId"),
    symbol: r.str("symbol"),
    secType: r.str("secType"),
    lastTradeDateOrContractMonth: r.str("lastTradeDateOrContractMonth"),
    strike: r.double("strike"),
    right: r.str("right"),
    multiplier: r.str("multiplier"),
    exchange: r.str("exchange"),
    primaryExch: r.str("primaryExch"),
    currency: r.str("currency"),
    localSymbol: r.str("localSymbol"),
    tradingClass: r.str("tradingClass"),
  };
  r.skip(2, "secIdType, secId");
  const action = r.str("action");
  const totalQuantity = r.double("totalQuantity");
  const orderType = r.str("orderType");
  const lmtPrice = r.double("lmtPrice");
  const auxPrice = r.double("auxPrice");
  const tif = r.str("tif");
  const ocaGroup = r.str("ocaGroup");
  const account = r.str("account");
  const openClose = r.str("openClose");
  const origin = r.int("origin");
  const orderRef = r.str("orderRef");
  const transmit = r.bool("transmit");
  const parentId = r.int("parentId");
  r.skip(4, "blockOrder, sweepToFill, displaySize, triggerMethod");
  const outsideRth = r.bool("outsideRth");
  const hidden = r.bool("hidden");

  if (contract.secType.toUpperCase() === "BAG") readBagGroups(r);

  // sharesAllocation, discretionaryAmt, goodAfterTime, goodTillDate, faGroup, faMethod, faPercentage
  r.skip(7, "order attributes before faProfile");
  if (!at(MIN_SERVER_VER.FA_PROFILE_DESUPPORT)) r.str("faProfile");
  if (at(MIN_SERVER_VER.MODELS_SUPPORT)) r.str("modelCode");
  // shortSaleSlot, designatedLocation, exemptCode, ocaType, rule80A, settlingFirm, allOrNone, minQty,
  // percentOffset, eTradeOnly, firmQuoteOnly, nbboPriceCap, auctionStrategy, startingPrice,
  // stockRefPrice, delta, stockRangeLower, stockRangeUpper, overridePercentageConstraints, volatility,
  // volatilityType
  r.skip(21, "order attributes before deltaNeutralOrderType");
  const deltaNeutralOrderType = r.str("deltaNeutralOrderType");
  r.str("deltaNeutralAuxPrice");
  // conId, settlingFirm, clearingAccount, clearingIntent, openClose, shortSale, shortSaleSlot, location
  if (deltaNeutralOrderType !== "") r.skip(8, "delta neutral order fields");
  r.skip(2, "continuousUpdate, referencePriceType");
  r.skip(2, "trailStopPrice, trailingPercent");
  r.skip(2, "scaleInitLevelSize, scaleSubsLevelSize");
  const scalePriceIncrement = r.str("scalePriceIncrement");
  // priceAdjustValue, priceAdjustInterval, profitOffset, autoReset, initPosition, initFillQty, randomPercent
  if (isPositive(scalePriceIncrement)) r.skip(7, "scale order fields");
  r.skip(3, "scaleTable, activeStartTime, activeStopTime");
  const hedgeType = r.str("hedgeType");
  if (hedgeType !== "") r.str("hedgeParam");
  r.skip(4, "optOutSmartRouting, clearingAccount, clearingIntent, notHeld");
  if (r.bool("deltaNeutralContract flag")) r.skip(3, "deltaNeutralContract conId, delta, price");
  const algoStrategy = r.str("algoStrategy");
  const algoParams: TagValue[] = [];
  if (algoStrategy !== "") {
    const count = requireCount(r, "algoParams count");
    for (let i = 0; i < count; i += 1)
      algoParams.push({ tag: r.str("algo tag"), value: r.str("algo value") });
  }
  r.str("algoId");
  const whatIf = r.bool("whatIf");
  r.skip(4, "orderMiscOptions, solicited, randomizeSize, randomizePrice");
  let conditionCount = 0;
  if (at(MIN_SERVER_VER.PEGGED_TO_BENCHMARK)) {
    if (isPegBench(orderType)) r.skip(5, "PEG BENCH fields");
    conditionCount = requireCount(r, "conditions count");
    if (conditionCount > 0) {
      for (let i = 0; i < conditionCount; i += 1) readCondition(r);
      r.skip(2, "conditionsIgnoreRth, conditionsCancelOrder");
    }
    // adjustedOrderType, triggerPrice, lmtPriceOffset, adjustedStopPrice, adjustedStopLimitPrice,
    // adjustedTrailingAmount, adjustableTrailingUnit
    r.skip(7, "adjusted order fields");
  }
  const extOperator = at(MIN_SERVER_VER.EXT_OPERATOR) ? r.str("extOperator") : "";
  if (at(MIN_SERVER_VER.SOFT_DOLLAR_TIER)) r.skip(2, "softDollarTier name, value");
  const cashQty = at(MIN_SERVER_VER.CASH_QTY) ? r.double("cashQty") : undefined;
  if (at(MIN_SERVER_VER.DECISION_MAKER)) r.skip(2, "mifid2DecisionMaker, mifid2DecisionAlgo");
  if (at(MIN_SERVER_VER.MIFID_EXECUTION)) r.skip(2, "mifid2ExecutionTrader, mifid2ExecutionAlgo");
  if (at(MIN_SERVER_VER.AUTO_PRICE_FOR_HEDGE)) r.str("dontUseAutoPriceForHedge");
  if (at(MIN_SERVER_VER.ORDER_CONTAINER)) r.str("isOmsContainer");
  if (at(MIN_SERVER_VER.D_PEG_ORDERS)) r.str("discretionaryUpToLimitPrice");
  if (at(MIN_SERVER_VER.PRICE_MGMT_ALGO)) r.str("usePriceMgmtAlgo");
  if (at(MIN_SERVER_VER.DURATION)) r.str("duration");
  if (at(MIN_SERVER_VER.POST_TO_ATS)) r.str("postToAts");
  if (at(MIN_SERVER_VER.AUTO_CANCEL_PARENT)) r.str("autoCancelParent");
  if (at(MIN_SERVER_VER.ADVANCED_ORDER_REJECT)) r.str("advancedErrorOverride");
  if (at(MIN_SERVER_VER.MANUAL_ORDER_TIME)) r.str("manualOrderTime");
  if (at(MIN_SERVER_VER.PEGBEST_PEGMID_OFFSETS)) {
    if (contract.exchange === "IBKRATS") r.str("minTradeQty");
    let sendMidOffsets = isPegMid(orderType);
    if (isPegBest(orderType)) {
      r.str("minCompeteSize");
      // COMPETE_AGAINST_BEST_OFFSET_UP_TO_MID is Infinity on the client side.
      sendMidOffsets = r.str("competeAgainstBestOffset") === "Infinity";
    }
    if (sendMidOffsets) r.skip(2, "midOffsetAtWhole, midOffsetAtHalf");
  }
  if (at(MIN_SERVER_VER.CUSTOMER_ACCOUNT)) r.str("customerAccount");
  if (at(MIN_SERVER_VER.PROFESSIONAL_CUSTOMER)) r.str("professionalCustomer");
  if (at(MIN_SERVER_VER.RFQ_FIELDS) && !at(MIN_SERVER_VER.UNDO_RFQ_FIELDS)) r.skip(2, "RFQ fields");
  if (at(MIN_SERVER_VER.INCLUDE_OVERNIGHT)) r.str("includeOvernight");
  const manualOrderIndicator = at(MIN_SERVER_VER.CME_TAGGING_FIELDS)
    ? r.int("manualOrderIndicator")
    : undefined;
  const cursorEnd = r.position;
  r.expectEnd("PLACE_ORDER");
  return {
    order: {
      orderId,
      contract,
      action,
      totalQuantity,
      orderType,
      lmtPrice,
      auxPrice,
      tif,
      ocaGroup,
      account,
      openClose,
      origin,
      orderRef,
      transmit,
      parentId,
      outsideRth,
      hidden,
      algoStrategy,
      algoParams,
      whatIf,
      conditionCount,
      cashQty,
      extOperator,
      manualOrderIndicator,
    },
    fieldCount: fields.length,
    cursorEnd,
  };
}

function readBagGroups(r: FieldReader): void {
  const legs = requireCount(r, "comboLegs count");
  // conId, ratio, action, exchange, openClose, shortSaleSlot, designatedLocation, exemptCode
  for (let i = 0; i < legs; i += 1) r.skip(8, "combo leg");
  const legPrices = requireCount(r, "orderComboLegs count");
  r.skip(legPrices, "order combo leg price");
  const params = requireCount(r, "smartComboRoutingParams count");
  r.skip(params * 2, "smart combo routing param");
}

function readCondition(r: FieldReader): void {
  const type = r.int("condition type");
  r.str("conjunctionConnection");
  switch (type) {
    case ORDER_CONDITION.execution:
      return r.skip(3, "execution condition");
    case ORDER_CONDITION.margin:
    case ORDER_CONDITION.time:
      return r.skip(2, "operator condition");
    case ORDER_CONDITION.percentChange:
    case ORDER_CONDITION.volume:
      return r.skip(4, "contract condition");
    case ORDER_CONDITION.price:
      return r.skip(5, "price condition");
    default:
      throw new WireFormatError(`unknown order condition type ${String(type)}`);
  }
}

function requireInt(r: FieldReader, what: string): number {
  const value = r.int(what);
  if (value === undefined) throw new WireFormatError(`${what} is missing`);
  return value;
}

function requireCount(r: FieldReader, what: string): number {
  const value = r.int(what) ?? 0;
  if (value < 0 || value > 10_000) throw new WireFormatError(`${what} is out of range: ${value}`);
  return value;
}

/** IB sends the scale block only for a positive increment (Double.MAX_VALUE, "unset", is not one). */
function isPositive(text: string): boolean {
  const value = Number.parseFloat(text);
  return value > 0 && value !== Number.MAX_VALUE;
}

const isPegBench = (t: string): boolean => t === "PEG BENCH" || t === "PEGBENCH";
const isPegBest = (t: string): boolean => t === "PEG BEST" || t === "PEGBEST";
const isPegMid = (t: string): boolean => t === "PEG MID" || t === "PEGMID";
