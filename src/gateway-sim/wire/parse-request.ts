// Every client request the simulator understands, parsed strictly from its fields in the layout of the
// agreed server version, as IB's EClient writes them (gates: wire/server-versions.ts).
import { FieldReader, WireFormatError } from "./field-reader.js";
import { IN, inMessageName } from "./message-ids.js";
import type { PlaceOrderParse, WireContract } from "./parse-place-order.js";
import { parsePlaceOrder } from "./parse-place-order.js";
import { MIN_SERVER_VER, SERVER_VERSION_RANGE } from "./server-versions.js";

export interface ExecutionFilter {
  clientId: number | undefined;
  acctCode: string;
  /** `yyyymmdd-hh:mm:ss` (UTC) or `yyyymmdd hh:mm:ss`; executions at or after it. */
  time: string;
  symbol: string;
  secType: string;
  exchange: string;
  side: string;
}

export type ClientRequest =
  | { type: "START_API"; clientId: number; optionalCapabilities: string }
  | {
      type: "REQ_MKT_DATA";
      reqId: number;
      contract: WireContract;
      genericTickList: string;
      snapshot: boolean;
      regulatorySnapshot: boolean;
    }
  | { type: "CANCEL_MKT_DATA"; reqId: number }
  | { type: "PLACE_ORDER"; parse: PlaceOrderParse }
  | { type: "CANCEL_ORDER"; orderId: number; manualOrderCancelTime: string }
  | { type: "REQ_OPEN_ORDERS" }
  | { type: "REQ_ALL_OPEN_ORDERS" }
  | { type: "REQ_AUTO_OPEN_ORDERS"; autoBind: boolean }
  | { type: "REQ_EXECUTIONS"; reqId: number; filter: ExecutionFilter }
  | { type: "REQ_IDS"; numIds: number }
  | { type: "REQ_CONTRACT_DATA"; reqId: number; contract: WireContract; secIdType: string; secId: string }
  | { type: "SET_SERVER_LOGLEVEL"; level: number }
  | { type: "REQ_MANAGED_ACCTS" }
  | { type: "REQ_CURRENT_TIME" }
  | { type: "REQ_GLOBAL_CANCEL" }
  | { type: "REQ_MARKET_DATA_TYPE"; marketDataType: number }
  | { type: "REQ_POSITIONS" }
  | { type: "REQ_ACCOUNT_SUMMARY"; reqId: number; group: string; tags: string[] }
  | { type: "CANCEL_ACCOUNT_SUMMARY"; reqId: number }
  | { type: "CANCEL_POSITIONS" }
  | { type: "REQ_COMPLETED_ORDERS"; apiOnly: boolean }
  | { type: "REQ_ACCOUNT_DATA"; subscribe: boolean; acctCode: string }
  | { type: "REQ_POSITIONS_MULTI"; reqId: number; account: string; modelCode: string }
  | { type: "CANCEL_POSITIONS_MULTI"; reqId: number }
  | {
      type: "REQ_ACCOUNT_UPDATES_MULTI";
      reqId: number;
      account: string;
      modelCode: string;
      ledgerAndNlv: boolean;
    }
  | { type: "CANCEL_ACCOUNT_UPDATES_MULTI"; reqId: number }
  | { type: "REQ_PNL"; reqId: number; account: string; modelCode: string }
  | { type: "CANCEL_PNL"; reqId: number }
  | { type: "REQ_PNL_SINGLE"; reqId: number; account: string; modelCode: string; conId: number }
  | { type: "CANCEL_PNL_SINGLE"; reqId: number }
  | { type: "UNSUPPORTED"; id: number; name: string };

/** Requests that IB's clients send only from a server version on; below it they are unknown. */
const INTRODUCED_AT: Partial<Record<number, number>> = {
  [IN.REQ_POSITIONS_MULTI]: MIN_SERVER_VER.MODELS_SUPPORT,
  [IN.CANCEL_POSITIONS_MULTI]: MIN_SERVER_VER.MODELS_SUPPORT,
  [IN.REQ_ACCOUNT_UPDATES_MULTI]: MIN_SERVER_VER.MODELS_SUPPORT,
  [IN.CANCEL_ACCOUNT_UPDATES_MULTI]: MIN_SERVER_VER.MODELS_SUPPORT,
  [IN.REQ_PNL]: MIN_SERVER_VER.PNL,
  [IN.CANCEL_PNL]: MIN_SERVER_VER.PNL,
  [IN.REQ_PNL_SINGLE]: MIN_SERVER_VER.PNL,
  [IN.CANCEL_PNL_SINGLE]: MIN_SERVER_VER.PNL,
  [IN.REQ_COMPLETED_ORDERS]: MIN_SERVER_VER.REQ_COMPLETED_ORDERS,
};

/**
 * Parses one client message written for server version `v` (default: the newest); throws
 * WireFormatError when its layout is not the one expected.
 */
export function parseRequest(fields: readonly string[], v: number = SERVER_VERSION_RANGE.max): ClientRequest {
  const id = Number(fields[0]);
  const r = new FieldReader(fields);
  const request =
    v < (INTRODUCED_AT[id] ?? 0)
      ? { type: "UNSUPPORTED" as const, id, name: inMessageName(fields[0]) }
      : parseBody(id, r, fields, v);
  if (request.type !== "UNSUPPORTED" && request.type !== "PLACE_ORDER") r.expectEnd(request.type);
  return request;
}

function parseBody(id: number, r: FieldReader, fields: readonly string[], v: number): ClientRequest {
  const at = (gate: number): boolean => v >= gate;
  switch (id) {
    case IN.START_API: {
      r.str("version");
      const clientId = r.int("clientId") ?? 0;
      return { type: "START_API", clientId, optionalCapabilities: r.remaining > 0 ? r.str() : "" };
    }
    case IN.REQ_MKT_DATA: {
      r.str("version");
      const reqId = need(r.int("reqId"), "reqId");
      const contract = readContract(r);
      if (contract.secType.toUpperCase() === "BAG") {
        const legs = r.int("comboLegs count") ?? 0;
        r.skip(legs * 4, "combo leg");
      }
      if (r.bool("deltaNeutralContract flag")) r.skip(3, "deltaNeutralContract");
      const genericTickList = r.str("genericTickList");
      const snapshot = r.bool("snapshot");
      const regulatorySnapshot = at(MIN_SERVER_VER.REQ_SMART_COMPONENTS) && r.bool("regulatorySnapshot");
      r.str("mktDataOptions");
      return { type: "REQ_MKT_DATA", reqId, contract, genericTickList, snapshot, regulatorySnapshot };
    }
    case IN.CANCEL_MKT_DATA:
      r.str("version");
      return { type: "CANCEL_MKT_DATA", reqId: need(r.int("reqId"), "reqId") };
    case IN.PLACE_ORDER:
      return { type: "PLACE_ORDER", parse: parsePlaceOrder(fields, v) };
    case IN.CANCEL_ORDER: {
      if (!at(MIN_SERVER_VER.CME_TAGGING_FIELDS)) r.str("version");
      const orderId = need(r.int("orderId"), "orderId");
      const manualOrderCancelTime = at(MIN_SERVER_VER.MANUAL_ORDER_TIME)
        ? r.str("manualOrderCancelTime")
        : "";
      if (at(MIN_SERVER_VER.RFQ_FIELDS) && !at(MIN_SERVER_VER.UNDO_RFQ_FIELDS)) r.skip(3, "RFQ fields");
      if (at(MIN_SERVER_VER.CME_TAGGING_FIELDS)) r.skip(2, "extOperator, manualOrderIndicator");
      return { type: "CANCEL_ORDER", orderId, manualOrderCancelTime };
    }
    case IN.REQ_OPEN_ORDERS:
      r.str("version");
      return { type: "REQ_OPEN_ORDERS" };
    case IN.REQ_ALL_OPEN_ORDERS:
      r.str("version");
      return { type: "REQ_ALL_OPEN_ORDERS" };
    case IN.REQ_AUTO_OPEN_ORDERS:
      r.str("version");
      return { type: "REQ_AUTO_OPEN_ORDERS", autoBind: r.bool("autoBind") };
    case IN.REQ_EXECUTIONS: {
      r.str("version");
      const reqId = need(r.int("reqId"), "reqId");
      const filter: ExecutionFilter = {
        clientId: r.int("clientId"),
        acctCode: r.str("acctCode"),
        time: r.str("time"),
        symbol: r.str("symbol"),
        secType: r.str("secType"),
        exchange: r.str("exchange"),
        side: r.str("side"),
      };
      return { type: "REQ_EXECUTIONS", reqId, filter };
    }
    case IN.REQ_IDS:
      r.str("version");
      return { type: "REQ_IDS", numIds: r.int("numIds") ?? 1 };
    case IN.REQ_CONTRACT_DATA: {
      r.str("version");
      const reqId = need(r.int("reqId"), "reqId");
      const contract = readContract(r);
      r.str("includeExpired");
      const secIdType = r.str("secIdType");
      const secId = r.str("secId");
      if (at(MIN_SERVER_VER.BOND_ISSUERID)) r.str("issuerId");
      return { type: "REQ_CONTRACT_DATA", reqId, contract, secIdType, secId };
    }
    case IN.SET_SERVER_LOGLEVEL:
      r.str("version");
      return { type: "SET_SERVER_LOGLEVEL", level: r.int("level") ?? 0 };
    case IN.REQ_MANAGED_ACCTS:
      r.str("version");
      return { type: "REQ_MANAGED_ACCTS" };
    case IN.REQ_CURRENT_TIME:
      r.str("version");
      return { type: "REQ_CURRENT_TIME" };
    case IN.REQ_GLOBAL_CANCEL:
      if (at(MIN_SERVER_VER.CME_TAGGING_FIELDS)) r.skip(2, "extOperator, manualOrderIndicator");
      else r.str("version");
      return { type: "REQ_GLOBAL_CANCEL" };
    case IN.REQ_MARKET_DATA_TYPE:
      r.str("version");
      return { type: "REQ_MARKET_DATA_TYPE", marketDataType: r.int("marketDataType") ?? 0 };
    case IN.REQ_POSITIONS:
      r.str("version");
      return { type: "REQ_POSITIONS" };
    case IN.REQ_ACCOUNT_SUMMARY: {
      r.str("version");
      const reqId = need(r.int("reqId"), "reqId");
      const group = r.str("group");
      const tags = r
        .str("tags")
        .split(",")
        .map((tag) => tag.trim())
        .filter((tag) => tag !== "");
      return { type: "REQ_ACCOUNT_SUMMARY", reqId, group, tags };
    }
    case IN.CANCEL_ACCOUNT_SUMMARY:
      r.str("version");
      return { type: "CANCEL_ACCOUNT_SUMMARY", reqId: need(r.int("reqId"), "reqId") };
    case IN.CANCEL_POSITIONS:
      r.str("version");
      return { type: "CANCEL_POSITIONS" };
    case IN.REQ_COMPLETED_ORDERS:
      return { type: "REQ_COMPLETED_ORDERS", apiOnly: r.bool("apiOnly") };
    case IN.REQ_ACCOUNT_DATA: {
      r.str("version");
      const subscribe = r.bool("subscribe");
      return { type: "REQ_ACCOUNT_DATA", subscribe, acctCode: r.str("acctCode") };
    }
    case IN.REQ_POSITIONS_MULTI: {
      r.str("version");
      const reqId = need(r.int("reqId"), "reqId");
      const account = r.str("account");
      return { type: "REQ_POSITIONS_MULTI", reqId, account, modelCode: r.str("modelCode") };
    }
    case IN.CANCEL_POSITIONS_MULTI:
      r.str("version");
      return { type: "CANCEL_POSITIONS_MULTI", reqId: need(r.int("reqId"), "reqId") };
    case IN.REQ_ACCOUNT_UPDATES_MULTI: {
      r.str("version");
      const reqId = need(r.int("reqId"), "reqId");
      const account = r.str("account");
      const modelCode = r.str("modelCode");
      return {
        type: "REQ_ACCOUNT_UPDATES_MULTI",
        reqId,
        account,
        modelCode,
        ledgerAndNlv: r.bool("ledgerAndNLV"),
      };
    }
    case IN.CANCEL_ACCOUNT_UPDATES_MULTI:
      r.str("version");
      return { type: "CANCEL_ACCOUNT_UPDATES_MULTI", reqId: need(r.int("reqId"), "reqId") };
    // The P&L requests have no version field.
    case IN.REQ_PNL: {
      const reqId = need(r.int("reqId"), "reqId");
      const account = r.str("account");
      return { type: "REQ_PNL", reqId, account, modelCode: r.str("modelCode") };
    }
    case IN.CANCEL_PNL:
      return { type: "CANCEL_PNL", reqId: need(r.int("reqId"), "reqId") };
    case IN.REQ_PNL_SINGLE: {
      const reqId = need(r.int("reqId"), "reqId");
      const account = r.str("account");
      const modelCode = r.str("modelCode");
      return { type: "REQ_PNL_SINGLE", reqId, account, modelCode, conId: need(r.int("conId"), "conId") };
    }
    case IN.CANCEL_PNL_SINGLE:
      return { type: "CANCEL_PNL_SINGLE", reqId: need(r.int("reqId"), "reqId") };
    default:
      return { type: "UNSUPPORTED", id, name: inMessageName(fields[0]) };
  }
}

/** The contract block shared by REQ_MKT_DATA and REQ_CONTRACT_DATA (primaryExch included, no secId). */
function readContract(r: FieldReader): WireContract {
  return {
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
}

function need(value: number | undefined, what: string): number {
  if (value === undefined) throw new WireFormatError(`${what} is missing`);
  return value;
}
