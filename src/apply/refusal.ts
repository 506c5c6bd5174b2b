import { RefusalError, type RefusalReason } from "../errors.js";

/** One thing that differs between what the plan saw and what the account shows now. */
export interface StaleDifference {
  kind: "position" | "cash" | "price";
  /** Symbol, or the currency for cash. */
  subject: string;
  conId?: number;
  planned: number;
  current: number;
  /** For prices: the move in basis points. */
  moveBps?: number;
}

/** Why apply sent nothing: the reason word, a sentence, what to do, and for `stale` what changed. */
export interface Refusal {
  reason: RefusalReason;
  message: string;
  hint: string;
  differences?: StaleDifference[];
}

export function refusalError(refusal: Refusal): RefusalError {
  return new RefusalError(refusal.reason, refusal.message, { hint: refusal.hint });
}

export function describeDifference(d: StaleDifference): string {
  switch (d.kind) {
    case "position":
      return `${d.subject} position: planned ${d.planned}, now ${d.current}`;
    case "cash":
      return `${d.subject} cash: planned ${d.planned.toFixed(2)}, now ${d.current.toFixed(2)}`;
    case "price":
      // A price of 0 stands for none: the plan's snapshot, or the live one, has no price for it.
      if (d.planned === 0) return `${d.subject} price: the plan has none, but trades it`;
      if (d.current === 0) return `${d.subject} price: planned ${d.planned}, none now`;
      return `${d.subject} price: planned ${d.planned}, now ${d.current} (${(d.moveBps ?? 0).toFixed(1)} bps)`;
  }
}
