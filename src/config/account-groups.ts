// Account groups: the accounts of one IB login, read and traded by the one self-hosted runner next to
// that login's gateway. `propose`, `preview` and `apply --on-merge` run once per group (a job matrix in
// the workflows) and each run touches only its own group's accounts: their gateway is the only one it
// can reach. An account whose file cannot be read has no known group: every group's `propose` and
// `apply` run takes it in and reports it, so that a broken file fails every run instead of silently
// none; `preview` comments on it once, from the group that src/gitops/preview-problem-owner.ts picks.
import { UsageError } from "../errors.js";
import { DEFAULT_GROUP } from "./account-files.js";
import type { AccountIntentResult, OpsIntent } from "./ops-intent.js";

export { DEFAULT_GROUP };

/** What a run was asked to cover: `--group` and `--account`, each repeatable; empty lists mean all. */
export interface AccountSelection {
  groups: readonly string[];
  accounts: readonly string[];
}

export const EVERY_ACCOUNT: AccountSelection = { groups: [], accounts: [] };

export function selectsAll(selection: AccountSelection): boolean {
  return selection.groups.length === 0 && selection.accounts.length === 0;
}

/** The group an entry belongs to, or undefined when its account file cannot be read. */
export function groupOf(entry: AccountIntentResult): string | undefined {
  return entry.ok ? entry.intent.group : entry.group;
}

/** Every group the repository's accounts name, sorted (`default` for those that name none). */
export function groupsOf(intent: OpsIntent): string[] {
  return [...new Set(intent.accounts.flatMap((entry) => groupOf(entry) ?? []))].sort();
}

/** Whether an account of `group` (undefined: unknown) is in the selection; accounts are checked apart. */
export function inGroups(group: string | undefined, selection: AccountSelection): boolean {
  return selection.groups.length === 0 || group === undefined || selection.groups.includes(group);
}

/**
 * The entries a run covers. A group or an account the repository does not have is a mistake on the
 * command line (a matrix entry for a group whose accounts moved away, a typo) and stops the run before
 * anything is read from a gateway or any pull request is touched.
 */
export function selectAccounts(
  intent: OpsIntent,
  selection: AccountSelection,
  where: string,
): AccountIntentResult[] {
  const groups = groupsOf(intent);
  for (const group of selection.groups) {
    if (groups.includes(group)) continue;
    throw new UsageError(`there is no account in group \`${group}\` ${where}`, {
      hint:
        `the groups are ${groups.map((g) => `\`${g}\``).join(", ") || "none"} (an account file without ` +
        `\`group:\` is in \`${DEFAULT_GROUP}\`); correct --group, or the job matrix of the workflows`,
    });
  }
  const ids = intent.accounts.map((entry) => entry.account);
  for (const account of selection.accounts) {
    const entry = intent.accounts.find((e) => e.account === account);
    if (entry === undefined) {
      throw new UsageError(`there is no account ${account} ${where}`, {
        hint: `the accounts are ${ids.join(", ") || "none"}; correct --account`,
      });
    }
    if (!inGroups(groupOf(entry), selection)) {
      throw new UsageError(
        `account ${account} is in group \`${groupOf(entry) ?? ""}\`, not in ${selection.groups.map((g) => `\`${g}\``).join(" or ")}`,
        { hint: "drop --account, or pass the account's own --group" },
      );
    }
  }
  return intent.accounts.filter(
    (entry) =>
      inGroups(groupOf(entry), selection) &&
      (selection.accounts.length === 0 || selection.accounts.includes(entry.account)),
  );
}
