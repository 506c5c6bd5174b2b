// Message ids of the TWS API at server version 193, in both directions.

/** Client to server. */
export const IN = {
  REQ_MKT_DATA: 1,
  CANCEL_MKT_DATA: 2,
  PLACE_ORDER: 3,
  CANCEL_ORDER: 4,
  REQ_OPEN_ORDERS: 5,
  REQ_ACCOUNT_DATA: 6,
  REQ_EXECUTIONS: 7,
  REQ_IDS: 8,
  REQ_CONTRACT_DATA: 9,
  SET_SERVER_LOGLEVEL: 14,
  REQ_AUTO_OPEN_ORDERS: 15,
  REQ_ALL_OPEN_ORDERS: 16,
  REQ_MANAGED_ACCTS: 17,
  REQ_CURRENT_TIME: 49,
  REQ_GLOBAL_CANCEL: 58,
  REQ_MARKET_DATA_TYPE: 59,
  REQ_POSITIONS: 61,
  REQ_ACCOUNT_SUMMARY: 62,
  CANCEL_ACCOUNT_SUMMARY: 63,
  CANCEL_POSITIONS: 64,
  START_API: 71,
  REQ_POSITIONS_MULTI: 74,
  CANCEL_POSITIONS_MULTI: 75,
  REQ_ACCOUNT_UPDATES_MULTI: 76,
  CANCEL_ACCOUNT_UPDATES_MULTI: 77,
  REQ_PNL: 92,
  CANCEL_PNL: 93,
  REQ_PNL_SINGLE: 94,
  CANCEL_PNL_SINGLE: 95,
  REQ_COMPLETED_ORDERS: 99,
} as const;

/** Server to client. */
export const OUT = {
  TICK_PRICE: 1,
  TICK_SIZE: 2,
  ORDER_STATUS: 3,
  ERR_MSG: 4,
  OPEN_ORDER: 5,
  ACCT_VALUE: 6,
  PORTFOLIO_VALUE: 7,
  ACCT_UPDATE_TIME: 8,
  NEXT_VALID_ID: 9,
  CONTRACT_DATA: 10,
  EXECUTION_DATA: 11,
  MANAGED_ACCTS: 15,
  CURRENT_TIME: 49,
  CONTRACT_DATA_END: 52,
  OPEN_ORDER_END: 53,
  ACCT_DOWNLOAD_END: 54,
  EXECUTION_DATA_END: 55,
  TICK_SNAPSHOT_END: 57,
  MARKET_DATA_TYPE: 58,
  COMMISSION_REPORT: 59,
  POSITION: 61,
  POSITION_END: 62,
  ACCOUNT_SUMMARY: 63,
  ACCOUNT_SUMMARY_END: 64,
  POSITION_MULTI: 71,
  POSITION_MULTI_END: 72,
  ACCOUNT_UPDATE_MULTI: 73,
  ACCOUNT_UPDATE_MULTI_END: 74,
  PNL: 94,
  PNL_SINGLE: 95,
  COMPLETED_ORDER: 101,
  COMPLETED_ORDERS_END: 102,
} as const;

export type OutMessageName = keyof typeof OUT;
export type InMessageName = keyof typeof IN;

const inNames = new Map<number, string>(Object.entries(IN).map(([name, id]) => [id, name]));
const outNames = new Map<number, string>(Object.entries(OUT).map(([name, id]) => [id, name]));

export function inMessageName(id: string | undefined): string {
  return inNames.get(Number(id)) ?? `UNKNOWN_${id ?? ""}`;
}

export function outMessageName(id: string | undefined): string {
  return outNames.get(Number(id)) ?? `UNKNOWN_${id ?? ""}`;
}

export const OUT_MESSAGE_NAMES = Object.keys(OUT) as OutMessageName[];

/** The end messages a fault may withhold, plus NEXT_VALID_ID (the client is not ready without it). */
export const WITHHOLDABLE_MESSAGES = [
  "ACCOUNT_SUMMARY_END",
  "POSITION_END",
  "CONTRACT_DATA_END",
  "TICK_SNAPSHOT_END",
  "OPEN_ORDER_END",
  "EXECUTION_DATA_END",
  "COMPLETED_ORDERS_END",
  "NEXT_VALID_ID",
] as const satisfies readonly OutMessageName[];
export type WithholdableMessage = (typeof WITHHOLDABLE_MESSAGES)[number];
