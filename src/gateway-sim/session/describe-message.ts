// One readable line per message for --verbose: the message name, then its fields.
import { inMessageName, IN, outMessageName } from "../wire/message-ids.js";
import type { PlaceOrderParse } from "../wire/parse-place-order.js";

export function describeIncoming(fields: readonly string[], parse?: PlaceOrderParse): string {
  if (Number(fields[0]) === IN.PLACE_ORDER && parse !== undefined) {
    const o = parse.order;
    const price = o.lmtPrice === undefined ? "" : ` @ ${o.lmtPrice}`;
    const algo = o.algoStrategy === "" ? "" : ` algo=${o.algoStrategy}`;
    return (
      `PLACE_ORDER id=${o.orderId} ${o.action} ${o.totalQuantity ?? "?"} ${o.contract.symbol || o.contract.conId} ` +
      `${o.orderType}${price}${algo} account=${o.account || "-"} ref="${o.orderRef}" transmit=${o.transmit} ` +
      `(${parse.fieldCount} fields, cursor ${parse.cursorEnd})`
    );
  }
  return `${inMessageName(fields[0])} ${render(fields.slice(1))}`;
}

export function describeOutgoing(fields: readonly string[]): string {
  return `${outMessageName(fields[0])} ${render(fields.slice(1))}`;
}

function render(fields: readonly string[]): string {
  return fields.map((f) => (f === "" ? "''" : /[\s|]/.test(f) ? JSON.stringify(f) : f)).join(" | ");
}
