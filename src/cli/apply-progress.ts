import type { ProgressEvent } from "../apply/execution-types.js";
import type { OutputStream } from "./context.js";

function describe(event: ProgressEvent): string {
  switch (event.kind) {
    case "placed":
      return `placed ${event.side} ${event.quantity} ${event.symbol} (order ${event.orderId})`;
    case "resumed":
      return `found from an earlier run: ${event.filled}/${event.quantity} ${event.symbol} filled`;
    case "filled":
      return `${event.filled === event.quantity ? "filled" : "partly filled"} ${event.filled}/${event.quantity} ${event.symbol} (last at ${event.price})`;
    case "rejected":
      return `rejected ${event.symbol}: ${event.message}`;
    case "cancelled":
      return `cancelled ${event.symbol} with ${event.filled}/${event.quantity} filled`;
    case "note":
      return event.message;
    case "reconnecting":
      return `${event.message}; reconnecting (attempt ${event.attempt})`;
    case "reconnected":
      return `reconnected (attempt ${event.attempt}); following the orders already sent`;
  }
}

/**
 * Progress of an apply: in CI (not a terminal) one log line per event; on a terminal one live line per
 * leg, redrawn in place as its order moves.
 */
export function progressPrinter(stream: OutputStream): (event: ProgressEvent) => void {
  if (!stream.isTTY) {
    return (event) => {
      const leg = "leg" in event && event.leg ? `[${event.leg}] ` : "";
      stream.write(`apply: ${leg}${describe(event)}\n`);
    };
  }
  const lines = new Map<string, string>();
  let drawn = 0;
  return (event) => {
    const key = "leg" in event && event.leg ? event.leg : "connection";
    lines.set(key, `${key === "connection" ? "" : `${key.padEnd(4)} `}${describe(event)}`);
    // Move up over the block drawn last time, then redraw every line, clearing what was there.
    let text = drawn > 0 ? `\x1b[${drawn}A` : "";
    for (const line of lines.values()) text += `\x1b[2K${line}\n`;
    drawn = lines.size;
    stream.write(text);
  };
}
