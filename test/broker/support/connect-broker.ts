// Connects the real IbBroker (unmodified @stoqey/ib underneath) to a simulator; every broker made here
// is closed by closeBrokers() and checked for decode errors, which are always a failure.
import { expect } from "vitest";
import { IbBroker, type IbBrokerOptions } from "../../../src/broker/ib/ib-broker.js";
import type { GatewaySim } from "../../../src/gateway-sim/index.js";

const open = new Set<IbBroker>();
let nextClientId = 300;

export function makeBroker(sim: GatewaySim, options: Partial<IbBrokerOptions> = {}): IbBroker {
  const broker = new IbBroker({
    host: sim.host,
    port: sim.port,
    clientId: nextClientId++,
    timeoutMs: 5_000,
    ...options,
  });
  open.add(broker);
  return broker;
}

export async function connectBroker(
  sim: GatewaySim,
  options: Partial<IbBrokerOptions> = {},
): Promise<IbBroker> {
  const broker = makeBroker(sim, options);
  await broker.connect();
  return broker;
}

export async function closeBrokers(): Promise<void> {
  const brokers = [...open];
  open.clear();
  for (const broker of brokers) {
    expect(broker.protocolErrors, "IB decode errors (505)").toEqual([]);
    await broker.close();
  }
}
