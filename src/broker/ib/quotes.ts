import { EventName, IBApiTickType as TickType, MarketDataType } from "@stoqey/ib";
import type { SecType } from "@stoqey/ib";
import { BrokerError } from "../../errors.js";
import type { SnapshotContract, SnapshotQuote } from "../../core/snapshot.js";
import type { IbConnection } from "./ib-connection.js";
import { mapInParallel } from "./map-in-parallel.js";

/** IB allows about 100 market data lines at once; stay clear of error 101. */
const MAX_OPEN_LINES = 90;
const NOT_SUBSCRIBED = 354;

type Prices = Pick<SnapshotQuote, "bid" | "ask" | "last" | "close">;

const FIELD_BY_TICK: Partial<Record<number, keyof Prices>> = {
  [TickType.BID]: "bid",
  [TickType.ASK]: "ask",
  [TickType.LAST]: "last",
  [TickType.CLOSE]: "close",
  [TickType.DELAYED_BID]: "bid",
  [TickType.DELAYED_ASK]: "ask",
  [TickType.DELAYED_LAST]: "last",
  [TickType.DELAYED_CLOSE]: "close",
};

type QuoteOutcome = { kind: "quote"; prices: Prices; delayed: boolean } | { kind: "not-subscribed" };

/**
 * Snapshot quotes for every contract: live data first; contracts without a live subscription (354)
 * are asked again as delayed data and marked `delayed`, so the plan can say which prices are old.
 */
export async function readQuotes(
  conn: IbConnection,
  contracts: SnapshotContract[],
  now: () => Date,
): Promise<SnapshotQuote[]> {
  const quotes = new Map<number, SnapshotQuote>();
  const live = await requestAll(conn, contracts, MarketDataType.REALTIME);
  const needDelayed: SnapshotContract[] = [];
  for (const [contract, outcome] of live) {
    if (outcome.kind === "quote") quotes.set(contract.conId, toQuote(contract, outcome, now()));
    else needDelayed.push(contract);
  }
  if (needDelayed.length > 0) {
    const delayed = await requestAll(conn, needDelayed, MarketDataType.DELAYED);
    for (const [contract, outcome] of delayed) {
      if (outcome.kind === "not-subscribed") {
        throw new BrokerError(
          `no market data for ${contract.symbol} (conId ${contract.conId}), live or delayed`,
          {
            code: NOT_SUBSCRIBED,
            hint: "Subscribe to market data for this exchange in IB's client portal, or enable delayed data.",
          },
        );
      }
      quotes.set(contract.conId, toQuote(contract, outcome, now()));
    }
  }
  return contracts.map((c) => quotes.get(c.conId)).filter((q): q is SnapshotQuote => q !== undefined);
}

async function requestAll(
  conn: IbConnection,
  contracts: SnapshotContract[],
  type: MarketDataType,
): Promise<Array<[SnapshotContract, QuoteOutcome]>> {
  await conn.send((api) => api.reqMarketDataType(type));
  // At most MAX_OPEN_LINES snapshots open at any time.
  return mapInParallel(
    contracts,
    MAX_OPEN_LINES,
    async (contract): Promise<[SnapshotContract, QuoteOutcome]> => [
      contract,
      await requestOne(conn, contract),
    ],
  );
}

function requestOne(conn: IbConnection, contract: SnapshotContract): Promise<QuoteOutcome> {
  const reqId = conn.allocateRequestId();
  return conn.request<QuoteOutcome>({
    what: `a quote for ${contract.symbol} (conId ${contract.conId})`,
    reqId,
    send: (api) =>
      api.reqMktData(
        reqId,
        {
          conId: contract.conId,
          symbol: contract.symbol,
          secType: contract.secType as SecType,
          exchange: contract.exchange,
          primaryExch: contract.primaryExchange,
          currency: contract.currency,
        },
        "",
        true,
        false,
      ),
    onIbError: (code) => (code === NOT_SUBSCRIBED ? { kind: "not-subscribed" } : undefined),
    // IB ends a snapshot only when its ticks are in (seconds, at times): the first of them already shows
    // the request was read, which is what the pacer waits for.
    listen: (done, _fail, answered) => {
      const prices: Prices = {};
      let delayed = false;
      const onPrice = (id: number, tickType: number, price: number) => {
        if (id !== reqId) return;
        answered();
        const field = FIELD_BY_TICK[tickType];
        // IB sends -1 (or 0) for "no price"; such a tick carries nothing.
        if (field === undefined || !(price > 0)) return;
        prices[field] = price;
        if (tickType >= TickType.DELAYED_BID) delayed = true;
      };
      const onType = (id: number, marketDataType: number) => {
        if (id !== reqId) return;
        answered();
        if (marketDataType >= MarketDataType.DELAYED) delayed = true;
      };
      const onEnd = (id: number) => {
        if (id === reqId) done({ kind: "quote", prices, delayed });
      };
      conn.api.on(EventName.tickPrice, onPrice);
      conn.api.on(EventName.marketDataType, onType);
      conn.api.on(EventName.tickSnapshotEnd, onEnd);
      return () => {
        conn.api.off(EventName.tickPrice, onPrice);
        conn.api.off(EventName.marketDataType, onType);
        conn.api.off(EventName.tickSnapshotEnd, onEnd);
      };
    },
  });
}

function toQuote(
  contract: SnapshotContract,
  outcome: QuoteOutcome & { kind: "quote" },
  at: Date,
): SnapshotQuote {
  return { conId: contract.conId, ...outcome.prices, time: at.toISOString(), delayed: outcome.delayed };
}
