// CONTRACT_DATA at server version 193: 42 fields for a stock, 17 more for a fund.
import type { SimContract } from "../state/sim-state.js";
import { num } from "../wire/field-format.js";
import { OUT } from "../wire/message-ids.js";

const ORDER_TYPES = "ALGO,DAY,GTC,IOC,LMT,LOC,MKT,MOC,OCA";

export function contractData(reqId: number, c: SimContract): string[] {
  const primary = c.primaryExchange ?? "";
  const fields = [
    String(OUT.CONTRACT_DATA),
    String(reqId),
    c.symbol,
    c.secType,
    "", // lastTradeDateOrContractMonth
    "", // lastTradeDate
    "0", // strike
    "", // right
    c.exchange,
    c.currency,
    c.localSymbol,
    c.tradingClass, // marketName
    c.tradingClass,
    String(c.conId),
    num(c.minTick),
    "", // multiplier
    ORDER_TYPES,
    primary === "" ? c.exchange : `${c.exchange},${primary}`, // validExchanges
    "1", // priceMagnifier
    "0", // underConId
    c.longName,
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
    "1", // aggGroup
    "", // underSymbol
    "", // underSecType
    "26", // marketRuleIds
    "", // realExpirationDate
    "", // stockType
    num(c.sizeIncrement), // minSize
    num(c.sizeIncrement),
    num(c.sizeIncrement), // suggestedSizeIncrement
  ];
  if (c.secType === "FUND") {
    // fundName, family, type, front load, back load, back load interval, management fee, closed,
    // closed for new investors, closed for new money, notify amount, minimum initial purchase,
    // subsequent minimum purchase, blue sky states, blue sky territories, distribution policy, asset type
    fields.push(c.longName, "", "", "", "", "", "", "0", "0", "0", "", "", "", "", "", "", "");
  }
  fields.push("0"); // ineligibility reasons count
  return fields;
}

export function contractDataEnd(reqId: number): string[] {
  return [String(OUT.CONTRACT_DATA_END), "1", String(reqId)];
}
