// `folioctl init --accounts ID,ID --group NAME=ID,ID`: the accounts of a many-account ops repository and
// the group (one IB login, one runner and gateway) each belongs to. Accounts named in no --group are in
// the group `default`, which runs on the labels and secrets of a one-account repository.
import accountSchema from "../../schema/account.schema.json" with { type: "json" };
import { DEFAULT_GROUP } from "../config/account-files.js";
import { UsageError } from "../errors.js";
import { accountArgument } from "../cli/account-argument.js";

export interface InitGroup {
  name: string;
  accounts: string[];
}

const ACCOUNT = new RegExp(accountSchema.properties.account.pattern);
const GROUP = new RegExp(accountSchema.properties.group.pattern);

const listOf = (value: string): string[] =>
  value
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "")
    .map(accountArgument);

/**
 * The groups, `default` first (when it has accounts), then as given. Each account is in exactly one
 * group; every id is an IB account id; every group name is a slug a runner label and a secret can carry.
 */
export function parseAccountGroups(accounts: readonly string[], groups: readonly string[]): InitGroup[] {
  const grouped: InitGroup[] = [];
  const seen = new Map<string, string>();
  const claim = (account: string, group: string, option: string): void => {
    if (!ACCOUNT.test(account)) {
      throw new UsageError(`${option}: ${JSON.stringify(account)} is not an IB account id`, {
        hint: "use the ids IB shows, for example DU1234567 (paper) or U1234567 (live), separated by commas",
      });
    }
    const other = seen.get(account);
    if (other !== undefined && other !== group) {
      throw new UsageError(`account ${account} is in two groups, \`${other}\` and \`${group}\``, {
        hint: "an account belongs to the one login that holds it: name it in one --group only",
      });
    }
    seen.set(account, group);
  };
  for (const value of groups) {
    const match = /^([^=]*)=(.*)$/.exec(value);
    const name = match?.[1]?.trim() ?? "";
    if (match === null || !GROUP.test(name)) {
      throw new UsageError(`--group ${JSON.stringify(value)} is not NAME=ID,ID`, {
        hint: "name the group with lower-case letters, digits and - (starting with a letter), then its accounts: --group household=U1111111,U2222222",
      });
    }
    const ids = listOf(match[2] ?? "");
    if (ids.length === 0) {
      throw new UsageError(`--group ${name} names no account`, {
        hint: `list its accounts after the =: --group ${name}=U1111111,U2222222`,
      });
    }
    for (const id of ids) claim(id, name, `--group ${name}`);
    const existing = grouped.find((g) => g.name === name);
    if (existing) existing.accounts.push(...ids.filter((id) => !existing.accounts.includes(id)));
    else grouped.push({ name, accounts: [...new Set(ids)] });
  }
  const loose = [...new Set(accounts.flatMap(listOf))];
  for (const id of loose) claim(id, seen.get(id) ?? DEFAULT_GROUP, "--accounts");
  const ungrouped = loose.filter((id) => seen.get(id) === DEFAULT_GROUP);
  const explicitDefault = grouped.find((g) => g.name === DEFAULT_GROUP);
  if (explicitDefault)
    explicitDefault.accounts.push(...ungrouped.filter((id) => !explicitDefault.accounts.includes(id)));
  const all =
    explicitDefault || ungrouped.length === 0
      ? grouped
      : [{ name: DEFAULT_GROUP, accounts: ungrouped }, ...grouped];
  if (all.length === 0) {
    throw new UsageError("--accounts names no account", {
      hint: "list the accounts, separated by commas: --accounts U1111111,U2222222",
    });
  }
  return [...all].sort((a, b) => (a.name === DEFAULT_GROUP ? -1 : b.name === DEFAULT_GROUP ? 1 : 0));
}

/** Each runner's label: the default group keeps a one-account repository's labels. */
export function runnerLabel(group: string, role: "trade" | "preview"): string {
  const base = role === "trade" ? "folioctl" : "folioctl-preview";
  return group === DEFAULT_GROUP ? base : `${base}-${group}`;
}

/**
 * The secret that holds a group's gateway address. Secret names allow letters, digits and _ only, so
 * the group's dashes become underscores; the default group keeps a one-account repository's names.
 */
export function gatewaySecret(group: string, role: "trade" | "read-only"): string {
  const base = role === "trade" ? "FOLIOCTL_GATEWAY" : "FOLIOCTL_READONLY_GATEWAY";
  return group === DEFAULT_GROUP ? base : `${base}_${group.toUpperCase().replace(/-/g, "_")}`;
}
