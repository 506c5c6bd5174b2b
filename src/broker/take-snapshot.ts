// Builds the snapshot document (actual state) for one portfolio from any Broker: the account's cash,
// positions, the contracts its targets name, the currency pairs conversions may trade (fx.mode:
// convert), and a quote for everything that has to be valued or traded.
import { BrokerError } from "../errors.js";
import type { Portfolio, Target } from "../core/portfolio.js";
import type { Snapshot, SnapshotContract, SnapshotPosition, SnapshotQuote } from "../core/snapshot.js";
import type { AccountValues, Broker, BrokerOrder, BrokerSession, ContractLookup } from "./broker.js";
import { resolveCurrencyPairs } from "./resolve-currency-pairs.js";

/** The gateway is logged in to the portfolio's account; say which accounts it has otherwise. */
export function checkAccountManaged(session: BrokerSession, account: string): void {
  if (session.managedAccounts.includes(account)) return;
  throw new BrokerError(
    `IB Gateway is not logged in to account ${account}; it manages: ${managedList(session.managedAccounts)}`,
    {
      hint: "Set `account:` in portfolio.yaml to one of those, or log the gateway in to that account.",
    },
  );
}

/** An advisor's login manages hundreds: the message names the first few. */
const MANAGED_NAMED = 10;

/** Every account is one the gateway's login manages; the error names each one it does not. */
export function checkAccountsManaged(managedAccounts: readonly string[], accounts: readonly string[]): void {
  const managed = new Set(managedAccounts);
  const missing = accounts.filter((account) => !managed.has(account));
  if (missing.length === 0) return;
  const which = missing.length === 1 ? `account ${missing[0]}` : `accounts ${missing.join(", ")}`;
  throw new BrokerError(
    `IB Gateway is not logged in to ${which}; it manages: ${managedList(managedAccounts)}`,
    {
      hint: "Correct the account id, or log the gateway in to the login that manages it.",
    },
  );
}

function managedList(accounts: readonly string[]): string {
  if (accounts.length === 0) return "none";
  const named = accounts.slice(0, MANAGED_NAMED).join(", ");
  return accounts.length > MANAGED_NAMED ? `${named} and ${accounts.length - MANAGED_NAMED} more` : named;
}

export async function takeSnapshot(broker: Broker, portfolio: Portfolio, now: () => Date): Promise<Snapshot> {
  const account = await readAccount(broker, portfolio);
  const contracts = await accountContracts(broker, portfolio, account);
  const quotes = await broker.quotes(contracts);
  return assembleSnapshot(portfolio.account, account, contracts, quotes, now);
}

/**
 * The contracts an account's snapshot values or trades, in this order: its targets, the other
 * positions it holds (part of net liquidation), and the currency pairs conversions may trade.
 */
export async function accountContracts(
  lookup: ContractLookup,
  portfolio: Portfolio,
  reading: AccountReading,
): Promise<SnapshotContract[]> {
  const targetContracts = await Promise.all(portfolio.targets.map((t) => resolveTarget(lookup, t)));
  const known = new Set(targetContracts.map((c) => c.conId));
  const others = await Promise.all(
    reading.positions.filter((p) => !known.has(p.conId)).map((p) => resolveConId(lookup, p.conId, p.symbol)),
  );
  const pairs = await resolveCurrencyPairs(lookup, portfolio, reading.values.cash);
  return [...targetContracts, ...others, ...pairs];
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
  checkBaseCurrency(portfolio, values);
  return { values, positions, openOrders };
}

/** Weights are valued in the account's base currency: the portfolio must name the same one. */
export function checkBaseCurrency(portfolio: Portfolio, values: AccountValues): void {
  if (values.baseCurrency === portfolio.baseCurrency) return;
  throw new BrokerError(
    `account ${values.account} has base currency ${values.baseCurrency}, but portfolio.yaml says ${portfolio.baseCurrency}`,
    {
      hint: `Set \`baseCurrency: ${values.baseCurrency}\` in portfolio.yaml; weights are valued in the account's base currency.`,
    },
  );
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

async function resolveTarget(broker: ContractLookup, target: Target): Promise<SnapshotContract> {
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

async function resolveConId(
  broker: ContractLookup,
  conId: number,
  symbol: string,
): Promise<SnapshotContract> {
  const [contract] = await broker.contractDetails({ conId, secType: "", exchange: "" });
  if (!contract) {
    throw new BrokerError(`IB has no contract with conId ${conId} (${symbol})`, {
      hint: `Check the conId of ${symbol}; IB's contract search shows the right one.`,
    });
  }
  return contract;
}
