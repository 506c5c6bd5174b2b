import { EventName } from "@stoqey/ib";
import type { Contract, ContractDetails, SecType } from "@stoqey/ib";
import type { SnapshotContract } from "../../core/snapshot.js";
import type { ContractQuery } from "../broker.js";
import type { IbConnection } from "./ib-connection.js";

const NO_SECURITY_DEFINITION = 200;

/** Every contract IB has for the query; IB answers "none" with error 200 and no end message. */
export async function readContractDetails(
  conn: IbConnection,
  query: ContractQuery,
): Promise<SnapshotContract[]> {
  const reqId = conn.allocateRequestId();
  const contract: Contract = {
    conId: query.conId,
    symbol: query.conId === undefined ? query.symbol : undefined,
    secType: query.secType as SecType,
    exchange: query.exchange,
    primaryExch: query.primaryExchange,
    currency: query.currency,
  };
  const label = query.conId !== undefined ? `conId ${query.conId}` : `${query.symbol} (${query.secType})`;
  return conn.request<SnapshotContract[]>({
    what: `contract details for ${label}`,
    reqId,
    send: (api) => api.reqContractDetails(reqId, contract),
    onIbError: (code) => (code === NO_SECURITY_DEFINITION ? [] : undefined),
    listen: (done) => {
      const found: SnapshotContract[] = [];
      const onDetails = (id: number, details: ContractDetails) => {
        if (id === reqId) found.push(toSnapshotContract(details, query.exchange));
      };
      const onEnd = (id: number) => {
        if (id === reqId) done(found);
      };
      conn.api.on(EventName.contractDetails, onDetails);
      conn.api.on(EventName.contractDetailsEnd, onEnd);
      return () => {
        conn.api.off(EventName.contractDetails, onDetails);
        conn.api.off(EventName.contractDetailsEnd, onEnd);
      };
    },
  });
}

function toSnapshotContract(details: ContractDetails, exchange: string): SnapshotContract {
  const c = details.contract;
  const contract: SnapshotContract = {
    conId: c.conId ?? 0,
    symbol: c.symbol ?? "",
    secType: c.secType ?? "STK",
    exchange: c.exchange || exchange,
    currency: c.currency ?? "",
    minTick: details.minTick && details.minTick > 0 ? details.minTick : 0.01,
    // API orders must be whole shares even where IB offers fractions in its own apps.
    sizeIncrement: Math.max(1, details.sizeIncrement ?? 1),
  };
  if (c.primaryExch) contract.primaryExchange = c.primaryExch;
  if (details.longName) contract.longName = details.longName;
  if (details.timeZoneId) contract.timeZoneId = details.timeZoneId;
  if (details.liquidHours) contract.liquidHours = details.liquidHours;
  return contract;
}
