import type { Plan } from "../core/plan.js";
import { orderInstrument } from "../core/plan-summary.js";
import type { Snapshot } from "../core/snapshot.js";
import { formatZonedTime, isOpenAt, nextOpenAt, parseTradingHours } from "../core/trading-hours.js";
import type { Refusal } from "./refusal.js";
import { windowClosedHint, type ApplyContext } from "./refusal-hints.js";

/**
 * Every contract the plan trades must be inside its liquid hours now, in its exchange's time zone:
 * outside them IB parks the order (warning 399) and fills it later at a price nobody reviewed.
 * Contracts for which IB gives no hours are taken as always open. Each contract is judged by its own
 * hours: a conversion by its IDEALPRO pair's (nearly around the clock), a fund by its exchange's.
 */
export function checkWindow(
  plan: Plan,
  fresh: Snapshot,
  now: Date,
  context: ApplyContext,
): Refusal | undefined {
  const contracts = new Map(fresh.contracts.map((c) => [c.conId, c]));
  const closed: string[] = [];
  for (const conId of new Set(plan.orders.map((o) => o.conId))) {
    const contract = contracts.get(conId);
    if (!contract?.liquidHours || !contract.timeZoneId) continue;
    const name = orderInstrument(contract);
    const parsed = parseTradingHours(contract.liquidHours, contract.timeZoneId);
    if (!parsed.ok) {
      closed.push(`${name}: IB's trading hours cannot be read (${parsed.error})`);
      continue;
    }
    if (isOpenAt(parsed.hours, now.getTime())) continue;
    const opens = nextOpenAt(parsed.hours, now.getTime());
    const when =
      opens === undefined
        ? "no session is listed in the coming days"
        : `opens ${formatZonedTime(opens, contract.timeZoneId)} ${contract.timeZoneId}`;
    closed.push(`${name} is outside its regular trading hours (${when})`);
  }
  if (closed.length === 0) return undefined;
  return {
    reason: "window-closed",
    message: `the market is closed: ${closed.join("; ")}`,
    hint: windowClosedHint(context),
  };
}
