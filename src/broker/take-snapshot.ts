// Builds the snapshot document (actual state) for one portfolio from any Broker: the account's cash,
// positions, the contracts its targets name, the currency pairs conversions may trade (fx.mode:
// convert), and a quote for everything that has to be valued or traded.
import { BrokerError } from "../errors.js";
import type { Portfolio, Target } from "../core/portfolio.js";
import type { Snapshot, SnapshotContract, SnapshotPosition, SnapshotQuote } from "../core/snapshot.js";
import type { AccountValues, Broker, BrokerOrder, BrokerSession } from "./broker.js";
import { resolveCurrencyPairs } from "./resolve-currency-pairs.js";

/** The gateway is logged in to the portfolio's account; say which accounts it has otherwise. */
export function checkAccountManaged(session: BrokerSession, account: string): void {
  if (session.managedAccounts.includes(account)) return;
  const have = session.managedAccounts.length > 0 ? session.managedAccounts.join(", ") : "none";
  throw new BrokerError(`IB Gateway is not logged in to account ${account}; it manages: ${have}`, {
    hint: "Set `account:` in portfolio.yaml to one of those, or log the gateway in to that account.",
  });
}

export async function takeSnapshot(broker: Broker, portfolio: Portfolio, now: () => Date): Promise<Snapshot> {
  const account = await readAccount(broker, portfolio);
  const targetContracts = await Promise.all(portfolio.targets.map((t) => resolveTarget(broker, t)));
  const known = new Set(targetContracts.map((c) => c.conId));
  // Held positions outside the targets are valued too: they are part of net liquidation.
  const others = await Promise.all(
    account.positions.filter((p) => !known.has(p.conId)).map((p) => resolveConId(broker, p.conId, p.symbol)),
  );
  const pairs = await resolveCurrencyPairs(broker, portfolio, account.values.cash);
  const contracts = [...targetContracts, ...others, ...pairs];
  const quotes = await broker.quotes(contracts);
  return assembleSnapshot(portfolio.account, account, contracts, quotes, now);
}

/** What a snapshot reads of the account itself, whatever contracts it then quotes. */
export interface AccountReading {
  values: AccountValues;
  positions: SnapshotPosition[];
  /** Open orders of every account and client of this login, as IB reports them. */
  openOrders: BrokerOrder[];
}

/** Cash, positions and open orders of the portfolio's account, in its base currency (or a BrokerError). */
export async function readAccount(broker: Broker, portfolio: Portfolio): Promise<AccountReading> {
  const account = portfolio.account;
  const [values, positions, openOrders] = await Promise.all([
    broker.accountValues(account),
    broker.positions(account),
    broker.openOrders(),
  ]);
  if (values.baseCurrency !== portfolio.baseCurrency) {
    throw new BrokerError(
      `account ${account} has base currency ${values.baseCurrency}, but portfolio.yaml says ${portfolio.baseCurrency}`,
      {
        hint: `Set \`baseCurrency: ${values.baseCurrency}\` in portfolio.yaml; weights are valued in the account's base currency.`,
      },
    );
  }
  return { values, positions, openOrders };
}

/** The snapshot document from what was read: the account's own open orders only. */
export function assembleSnapshot(
  account: string,
  reading: AccountReading,
  contracts: SnapshotContract[],
  quotes: SnapshotQuote[],
  now: () => Date,
): Snapshot {
  const { values, positions, openOrders } = reading;
  return {
    account,
    baseCurrency: values.baseCurrency,
    asOf: now().toISOString(),
    exchangeRates: values.exchangeRates,
    cash: values.cash,
    netLiquidation: values.netLiquidation,
    positions,
    quotes,
    contracts,
    openOrders: openOrders
      .filter((o) => o.account === account)
      .map((o) => ({
        orderId: o.orderId,
        permId: o.permId,
        conId: o.conId,
        symbol: o.symbol,
        side: o.side,
        quantity: o.quantity,
        filled: o.filled,
        orderType: o.orderType,
        ...(o.limitPrice === undefined ? {} : { limitPrice: o.limitPrice }),
        orderRef: o.orderRef,
        status: o.status,
      })),
  };
}

async function resolveTarget(broker: Broker, target: Target): Promise<SnapshotContract> {
  if (target.conId !== undefined) {
    const contract = await resolveConId(broker, target.conId, target.symbol);
    if (contract.symbol !== target.symbol) {
      throw new BrokerError(`conId ${target.conId} is ${contract.symbol} at IB, not ${target.symbol}`, {
        hint: `Correct \`conId\` or \`symbol\` of the target ${target.symbol} in portfolio.yaml.`,
      });
    }
    return contract;
  }
  const matches = await broker.contractDetails({
    symbol: target.symbol,
    secType: target.secType,
    exchange: target.exchange,
    currency: target.currency,
    ...(target.primaryExchange === undefined ? {} : { primaryExchange: target.primaryExchange }),
  });
  if (matches.length === 0) {
    throw new BrokerError(
      `IB has no ${target.secType} contract ${target.symbol} in ${target.currency} on ${target.exchange}`,
      {
        hint: `Check the symbol, currency and exchange of ${target.symbol} in portfolio.yaml, or pin it with \`conId\`.`,
      },
    );
  }
  if (matches.length > 1) {
    const list = matches
      .map((c) => `conId ${c.conId} (${c.primaryExchange ?? c.exchange}, ${c.currency})`)
      .join("; ");
    throw new BrokerError(`${target.symbol} is ambiguous at IB: ${list}`, {
      hint: `Pin the one you mean with \`conId:\` (or \`primaryExchange:\`) on the target ${target.symbol}.`,
    });
  }
  return matches[0] as SnapshotContract;
}

async function resolveConId(broker: Broker, conId: number, symbol: string): Promise<SnapshotContract> {
  const [contract] = await broker.contractDetails({ conId, secType: "", exchange: "" });
  if (!contract) {
    throw new BrokerError(`IB has no contract with conId ${conId} (${symbol})`, {
      hint: `Check the conId of ${symbol}; IB's contract search shows the right one.`,
    });
  }
  return contract;
}
