import { formatFixed, formatMoney, formatPrice, formatQuantity } from "../core/format-number.js";
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
      return `${d.subject} position: planned ${formatQuantity(d.planned)}, now ${formatQuantity(d.current)}`;
    case "cash":
      return `${d.subject} cash: planned ${formatMoney(d.planned)}, now ${formatMoney(d.current)}`;
    case "price": {
      // A price of 0 stands for none: the plan's snapshot, or the live one, has no price for it.
      if (d.planned === 0) return `${d.subject} price: the plan has none, but trades it`;
      if (d.current === 0) return `${d.subject} price: planned ${formatPrice(d.planned)}, none now`;
      // moveBps is the size of the move; the sign says which way (+ up, - down).
      const sign = d.current > d.planned ? "+" : "-";
      const move = `${sign}${formatFixed(d.moveBps ?? 0, 1)} bps`;
      return `${d.subject} price: planned ${formatPrice(d.planned)}, now ${formatPrice(d.current)} (${move})`;
    }
  }
}
