// PNL and PNL_SINGLE (no version field): unrealised P&L from server version 129 (UNREALIZED_PNL),
// realised from 135 (REALIZED_PNL).
import type { PositionPnl } from "../engine/pnl.js";
import { num, numOrUnset } from "../wire/field-format.js";
import { OUT } from "../wire/message-ids.js";
import { MIN_SERVER_VER } from "../wire/server-versions.js";

export function pnl(
  v: number,
  reqId: number,
  figures: { dailyPnl: number; unrealizedPnl: number; realizedPnl: number },
): string[] {
  const fields = [String(OUT.PNL), String(reqId), num(figures.dailyPnl)];
  if (v >= MIN_SERVER_VER.UNREALIZED_PNL) fields.push(num(figures.unrealizedPnl));
  if (v >= MIN_SERVER_VER.REALIZED_PNL) fields.push(num(figures.realizedPnl));
  return fields;
}

/** A position not traded today has no realised P&L: IB sends Double.MAX_VALUE ("unset") for it. */
export function pnlSingle(v: number, reqId: number, p: PositionPnl): string[] {
  const fields = [String(OUT.PNL_SINGLE), String(reqId), num(p.position), num(p.dailyPnl)];
  if (v >= MIN_SERVER_VER.UNREALIZED_PNL) fields.push(num(p.unrealizedPnl));
  if (v >= MIN_SERVER_VER.REALIZED_PNL) fields.push(numOrUnset(p.realizedPnl));
  fields.push(num(p.marketValue));
  return fields;
}
