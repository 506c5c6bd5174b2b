// The real broker with some of its calls replaced: how the apply tests make IB drop a fill, lose an
// acknowledgement or fail a read, while every other call goes to the gateway simulator unchanged.
import type { Broker } from "../../../src/broker/broker.js";

/** `inner`, with `change` over some of its calls (the rest bound to `inner`). */
export function brokerWith(inner: Broker, change: Partial<Broker>): Broker {
  return new Proxy(inner, {
    get(target, name) {
      if (name in change) return change[name as keyof Broker];
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
