// CONTRACT_DATA at the agreed server version, as IB's EDecoder.processContractDataMsg reads it: 42
// fields for a stock at 193, 17 more for a fund; a version field (8) below SIZE_RULES.
import type { SimContract } from "../state/sim-state.js";
import { num, text } from "../wire/field-format.js";
import { OUT } from "../wire/message-ids.js";
import { MESSAGE_VERSION, MIN_SERVER_VER } from "../wire/server-versions.js";

/**
 * What the simulator supports of the order types IB lists, and IB's aggregation group and market rule:
 * an IDEALPRO pair (as IB reported EUR.USD) has no on-close orders, group 4 and rule 239.
 */
const LISTING = {
  stock: { orderTypes: "ALGO,DAY,GTC,IOC,LMT,LOC,MKT,MOC,OCA", aggGroup: "1", marketRuleIds: "26" },
  pair: { orderTypes: "ALGO,DAY,GTC,IOC,LMT,MKT,OCA", aggGroup: "4", marketRuleIds: "239" },
} as const;

export function contractData(v: number, reqId: number, c: SimContract): string[] {
  const at = (gate: number): boolean => v >= gate;
  const primary = c.primaryExchange ?? "";
  const listing = c.secType === "CASH" ? LISTING.pair : LISTING.stock;
  const f = [String(OUT.CONTRACT_DATA)];
  if (!at(MIN_SERVER_VER.SIZE_RULES)) f.push(String(MESSAGE_VERSION.CONTRACT_DATA));
  f.push(String(reqId), c.symbol, c.secType, ""); // lastTradeDateOrContractMonth
  if (at(MIN_SERVER_VER.LAST_TRADE_DATE)) f.push(""); // lastTradeDate
  f.push(
    "0", // strike
    "", // right
    c.exchange,
    c.currency,
    c.localSymbol,
    c.tradingClass, // marketName
    c.tradingClass,
    String(c.conId),
    num(c.minTick),
  );
  // mdSizeMultiplier, gone again with the size rules.
  if (at(MIN_SERVER_VER.MD_SIZE_MULTIPLIER) && !at(MIN_SERVER_VER.SIZE_RULES)) f.push("1");
  f.push(
    "", // multiplier
    listing.orderTypes,
    primary === "" ? c.exchange : `${c.exchange},${primary}`, // validExchanges
    "1", // priceMagnifier
    "0", // underConId
    text(v, c.longName),
    primary,
    "", // contractMonth
    "", // industry
    "", // category
    "", // subcategory
    c.timeZoneId ?? "",
    c.tradingHoursText ?? c.liquidHoursText ?? "",
    c.liquidHoursText ?? "",
    "", // evRule
    "", // evMultiplier
    "0", // secIdList count
  );
  if (at(MIN_SERVER_VER.AGG_GROUP)) f.push(listing.aggGroup);
  if (at(MIN_SERVER_VER.UNDERLYING_INFO)) f.push("", ""); // underSymbol, underSecType
  if (at(MIN_SERVER_VER.MARKET_RULES)) f.push(listing.marketRuleIds);
  if (at(MIN_SERVER_VER.REAL_EXPIRATION_DATE)) f.push(""); // realExpirationDate
  if (at(MIN_SERVER_VER.STOCK_TYPE)) f.push(""); // stockType
  // sizeMinTick, replaced by the three size rules one version later.
  if (at(MIN_SERVER_VER.FRACTIONAL_SIZE_SUPPORT) && !at(MIN_SERVER_VER.SIZE_RULES))
    f.push(num(c.sizeIncrement));
  if (at(MIN_SERVER_VER.SIZE_RULES)) {
    f.push(num(c.sizeIncrement), num(c.sizeIncrement), num(c.sizeIncrement)); // minSize, sizeIncrement, suggested
  }
  if (at(MIN_SERVER_VER.FUND_DATA_FIELDS) && c.secType === "FUND") {
    // fundName, family, type, front load, back load, back load interval, management fee, closed,
    // closed for new investors, closed for new money, notify amount, minimum initial purchase,
    // subsequent minimum purchase, blue sky states, blue sky territories, distribution policy, asset type
    f.push(text(v, c.longName), "", "", "", "", "", "", "0", "0", "0", "", "", "", "", "", "", "");
  }
  if (at(MIN_SERVER_VER.INELIGIBILITY_REASONS)) f.push("0"); // ineligibility reasons count
  return f;
}

export function contractDataEnd(reqId: number): string[] {
  return [String(OUT.CONTRACT_DATA_END), "1", String(reqId)];
}
