import type { PlanProblem } from "./plan.js";
import type { Portfolio, Target } from "./portfolio.js";
import type { Snapshot, SnapshotContract } from "./snapshot.js";

export interface ResolvedTarget {
  target: Target;
  /** Index in portfolio.targets, for messages. */
  index: number;
  contract: SnapshotContract;
}

/**
 * Finds each target's contract in the snapshot: by conId when the target pins one (and then the
 * contract must agree on symbol, currency and secType), else by symbol, currency and secType (and
 * primaryExchange when given). No match, or more than one, is a problem naming the symbol.
 */
export function resolveTargets(
  portfolio: Portfolio,
  snapshot: Snapshot,
): { resolved: ResolvedTarget[]; problems: PlanProblem[] } {
  const byConId = new Map<number, SnapshotContract>();
  for (const contract of snapshot.contracts) byConId.set(contract.conId, contract);
  // Built on the first target without a conId: when every target pins one, it is never needed.
  let byKey: Map<string, SnapshotContract[]> | undefined;
  const resolved: ResolvedTarget[] = [];
  const problems: PlanProblem[] = [];
  const owner = new Map<number, number>();

  portfolio.targets.forEach((target, index) => {
    let contract: SnapshotContract | undefined;
    if (target.conId !== undefined) {
      contract = byConId.get(target.conId);
      if (contract === undefined) {
        problems.push({
          code: "no-contract",
          document: "portfolio",
          field: `${whereOf(index)}.conId`,
          symbol: target.symbol,
          conId: target.conId,
          message: `${target.symbol}: conId ${target.conId} is not among the snapshot's contracts`,
          hint: "check the conId in TWS (contract details), or remove it to match by symbol, currency and secType",
        });
        return;
      }
      if (
        contract.symbol !== target.symbol ||
        contract.currency !== target.currency ||
        contract.secType !== target.secType
      ) {
        const differences = [
          contract.symbol !== target.symbol ? `symbol ${contract.symbol}` : "",
          contract.currency !== target.currency ? `currency ${contract.currency}` : "",
          contract.secType !== target.secType ? `secType ${contract.secType}` : "",
        ].filter(Boolean);
        problems.push({
          code: "contract-mismatch",
          document: "portfolio",
          field: `${whereOf(index)}.conId`,
          symbol: target.symbol,
          conId: target.conId,
          message: `${target.symbol}: conId ${target.conId} is ${contract.symbol} ${contract.currency} ${contract.secType} in the snapshot (${differences.join(", ")}), not ${labelOf(target)}`,
          hint: "fix the conId, or the symbol, currency and secType of the target, so that they name the same contract",
        });
        return;
      }
    } else {
      byKey ??= contractsByKey(snapshot);
      const candidates = (byKey.get(`${target.symbol}|${target.currency}|${target.secType}`) ?? []).filter(
        (c) => target.primaryExchange === undefined || c.primaryExchange === target.primaryExchange,
      );
      if (candidates.length === 0) {
        problems.push({
          code: "no-contract",
          document: "portfolio",
          field: whereOf(index),
          symbol: target.symbol,
          message: `${labelOf(target)}: no such contract in the snapshot${target.primaryExchange ? ` on ${target.primaryExchange}` : ""}`,
          hint: "check symbol, currency and secType (ETFs are STK), or pin the contract with conId",
        });
        return;
      }
      if (candidates.length > 1) {
        const list = [...candidates]
          .sort((a, b) => a.conId - b.conId)
          .map((c) => `conId ${c.conId}${c.primaryExchange ? ` on ${c.primaryExchange}` : ""}`)
          .join(", ");
        problems.push({
          code: "ambiguous-contract",
          document: "portfolio",
          field: whereOf(index),
          symbol: target.symbol,
          message: `${labelOf(target)} is ambiguous: ${candidates.length} contracts match (${list})`,
          hint: "pin the one you mean with conId (or set primaryExchange)",
        });
        return;
      }
      contract = candidates[0] as SnapshotContract;
    }
    const earlier = owner.get(contract.conId);
    if (earlier !== undefined) {
      problems.push({
        code: "duplicate-target",
        document: "portfolio",
        field: whereOf(index),
        symbol: target.symbol,
        conId: contract.conId,
        message: `${target.symbol}: targets[${earlier}] and ${whereOf(index)} are the same contract (conId ${contract.conId})`,
        hint: "list each contract once; merge the two weights into one target",
      });
      return;
    }
    owner.set(contract.conId, index);
    resolved.push({ target, index, contract });
  });
  return { resolved, problems };
}

// Only messages use these: written when there is a problem, not for each of 10,000 targets.
function whereOf(index: number): string {
  return `targets[${index}]`;
}

function labelOf(target: Target): string {
  return `${target.symbol} (${target.currency}, ${target.secType})`;
}

function contractsByKey(snapshot: Snapshot): Map<string, SnapshotContract[]> {
  const byKey = new Map<string, SnapshotContract[]>();
  for (const contract of snapshot.contracts) {
    const key = `${contract.symbol}|${contract.currency}|${contract.secType}`;
    // Appended in place, not copied per contract.
    const same = byKey.get(key);
    if (same === undefined) byKey.set(key, [contract]);
    else same.push(contract);
  }
  return byKey;
}
