// Connection-level messages: the server hello, errors and notices, ids, accounts, time.
import { text } from "../wire/field-format.js";
import { OUT } from "../wire/message-ids.js";
import { MIN_SERVER_VER } from "../wire/server-versions.js";

/** The first frame the server sends: its version and the connection time. */
export function serverHello(serverVersion: number, connectionTime: string): string[] {
  return [String(serverVersion), connectionTime];
}

/**
 * ERR_MSG version 2 at server version `v`: the text escaped from ENCODE_MSG_ASCII7, the advanced reject
 * JSON from ADVANCED_ORDER_REJECT. Id -1 makes @stoqey/ib emit `info`, any other `error(err, code, id)`.
 */
export function errorMessage(
  v: number,
  id: number,
  code: number,
  message: string,
  advancedOrderRejectJson = "",
): string[] {
  const fields = [String(OUT.ERR_MSG), "2", String(id), String(code), text(v, message)];
  if (v >= MIN_SERVER_VER.ADVANCED_ORDER_REJECT) fields.push(text(v, advancedOrderRejectJson));
  return fields;
}

export function nextValidId(orderId: number): string[] {
  return [String(OUT.NEXT_VALID_ID), "1", String(orderId)];
}

export function managedAccounts(accounts: readonly string[]): string[] {
  return [String(OUT.MANAGED_ACCTS), "1", accounts.join(",")];
}

export function currentTime(epochSeconds: number): string[] {
  return [String(OUT.CURRENT_TIME), "1", String(Math.floor(epochSeconds))];
}

/** `YYYYMMDD HH:MM:SS UTC`, the form IB uses for the connection time and execution times. */
export function formatIbTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)} ${iso.slice(11, 19)} UTC`;
}
