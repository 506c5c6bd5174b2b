// Connection-level messages: the server hello, errors and notices, ids, accounts, time.
import { OUT } from "../wire/message-ids.js";

/** The first frame the server sends: its version and the connection time. */
export function serverHello(serverVersion: number, connectionTime: string): string[] {
  return [String(serverVersion), connectionTime];
}

/** ERR_MSG. Id -1 makes @stoqey/ib emit `info`; any other id emits `error(err, code, id)`. */
export function errorMessage(
  id: number,
  code: number,
  message: string,
  advancedOrderRejectJson = "",
): string[] {
  return [String(OUT.ERR_MSG), "2", String(id), String(code), message, advancedOrderRejectJson];
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
