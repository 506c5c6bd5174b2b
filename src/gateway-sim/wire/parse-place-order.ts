// PLACE_ORDER (id 3) at server version 193, read field by field in the order @stoqey/ib's encoder writes
// it (and IB's Java EClient.placeOrder). A plain stock order is 118 fields; conditional groups (BAG legs,
// delta neutral, scale, hedge, algo, PEG BENCH, conditions, PEG BEST/MID) change the count. The cursor
// must end exactly at the message end: anything else means the layouts disagree.
import { FieldReader, WireFormatError } from "./field-reader.js";
import { IN } from "./message-ids.js";

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

/** Parses a PLACE_ORDER message; throws WireFormatError on an underrun or on unread fields. */
export function parsePlaceOrder(fields: readonly string[]): PlaceOrderParse {
  if (Number(fields[0]) !== IN.PLACE_ORDER)
    throw new WireFormatError(`not a PLACE_ORDER message: ${fields[0]}`);
  const r = new FieldReader(fields);
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
  // (no faProfile at >= 177), modelCode, shortSaleSlot, designatedLocation, exemptCode, ocaType, rule80A,
  // settlingFirm, allOrNone, minQty, percentOffset, eTradeOnly, firmQuoteOnly, nbboPriceCap,
  // auctionStrategy, startingPrice, stockRefPrice, delta, stockRangeLower, stockRangeUpper,
  // overridePercentageConstraints, volatility, volatilityType
  r.skip(29, "order attributes before deltaNeutralOrderType");
  const deltaNeutralOrderType = r.str("deltaNeutralOrderType");
  r.str("deltaNeutralAuxPrice");
  // conId, settlingFirm, clearingAccount, clearingIntent, openClose, shortSale, shortSaleSlot, location
  if (deltaNeutralOrderType !== "") r.skip(8, "delta neutral order fields");
  r.skip(2, "continuousUpdate, referencePriceType");
  r.skip(2, "trailStopPrice, trailingPercent");
  r.skip(2, "scaleInitLevelSize, scaleSubsLevelSize");
  const scalePriceIncrement = r.str("scalePriceIncrement");
  // priceAdjustValue, priceAdjustInterval, profitOffset, autoReset, initPosition, initFillQty, randomPercent
  if (scalePriceIncrement !== "") r.skip(7, "scale order fields");
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
  if (isPegBench(orderType)) r.skip(5, "PEG BENCH fields");
  const conditionCount = requireCount(r, "conditions count");
  if (conditionCount > 0) {
    for (let i = 0; i < conditionCount; i += 1) readCondition(r);
    r.skip(2, "conditionsIgnoreRth, conditionsCancelOrder");
  }
  // adjustedOrderType, triggerPrice, lmtPriceOffset, adjustedStopPrice, adjustedStopLimitPrice,
  // adjustedTrailingAmount, adjustableTrailingUnit
  r.skip(7, "adjusted order fields");
  const extOperator = r.str("extOperator");
  r.skip(2, "softDollarTier name, value");
  const cashQty = r.double("cashQty");
  // mifid2DecisionMaker, mifid2DecisionAlgo, mifid2ExecutionTrader, mifid2ExecutionAlgo,
  // dontUseAutoPriceForHedge, isOmsContainer, discretionaryUpToLimitPrice, usePriceMgmtAlgo, duration,
  // postToAts, autoCancelParent, advancedErrorOverride, manualOrderTime
  r.skip(13, "order attributes before PEG BEST/MID");
  if (contract.exchange === "IBKRATS") r.str("minTradeQty");
  let sendMidOffsets = isPegMid(orderType);
  if (isPegBest(orderType)) {
    r.str("minCompeteSize");
    // COMPETE_AGAINST_BEST_OFFSET_UP_TO_MID is Infinity on the client side.
    sendMidOffsets = r.str("competeAgainstBestOffset") === "Infinity";
  }
  if (sendMidOffsets) r.skip(2, "midOffsetAtWhole, midOffsetAtHalf");
  r.skip(3, "customerAccount, professionalCustomer, includeOvernight");
  const manualOrderIndicator = r.int("manualOrderIndicator");
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

const isPegBench = (t: string): boolean => t === "PEG BENCH" || t === "PEGBENCH";
const isPegBest = (t: string): boolean => t === "PEG BEST" || t === "PEGBEST";
const isPegMid = (t: string): boolean => t === "PEG MID" || t === "PEGMID";
