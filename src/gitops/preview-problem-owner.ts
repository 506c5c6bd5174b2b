// Which group's preview run comments on a problem of a pull request's files. With account groups every
// group's runner previews the same pull request; a file that cannot be read would otherwise get one copy
// of the same "not valid" comment from each of them. Every run computes the same owner from the same
// files, so exactly one comments on each problem and the others stay silent about it.
import { DEFAULT_GROUP, groupsOf } from "../config/account-groups.js";
import type { Diagnostic } from "../config/diagnostic.js";
import { ACCOUNTS_FOLDER, type OpsIntent } from "../config/ops-intent.js";

const ACCOUNT_FILE = new RegExp(`^${ACCOUNTS_FOLDER}/([A-Za-z0-9][A-Za-z0-9_-]*)\\.yaml$`);
// A look at the `group:` line alone, for a file whose YAML or schema is broken elsewhere. As in YAML, a
// comment starts only after white space (`advisor#x` is one name).
const GROUP_LINE = /^group:[ \t]*(["']?)([a-z][a-z0-9-]*)\1(?:[ \t]+#.*|[ \t]*)$/m;

/**
 * The group whose run reports a problem: for a problem in an account file, the group its `group:` line
 * names when that line can be read (the account's group on main when it cannot), so that the runner
 * of the login the account is under reports it; for any other file (a model, which may drive accounts
 * of several groups, a stray file, the layout) and for a group main has no job for, `default`, or the
 * alphabetically first group on main when no account is in `default`.
 */
export async function problemOwners(
  problems: Diagnostic[],
  head: { readFile: (path: string) => Promise<string | undefined> },
  main: OpsIntent,
): Promise<Map<Diagnostic, string>> {
  const groups = groupsOf(main);
  const fallback = groups.includes(DEFAULT_GROUP) ? DEFAULT_GROUP : (groups[0] ?? DEFAULT_GROUP);
  const byFile = new Map<string, string>();
  const owners = new Map<Diagnostic, string>();
  for (const problem of problems) {
    let owner = byFile.get(problem.file);
    if (owner === undefined) {
      const candidates = await accountFileGroups(problem.file, head, main);
      owner = candidates.find((group) => groups.includes(group)) ?? fallback;
      byFile.set(problem.file, owner);
    }
    owners.set(problem, owner);
  }
  return owners;
}

/** The groups an account file may belong to, surest first: its own `group:` line, then main's file. */
async function accountFileGroups(
  file: string,
  head: { readFile: (path: string) => Promise<string | undefined> },
  main: OpsIntent,
): Promise<string[]> {
  const account = ACCOUNT_FILE.exec(file)?.[1];
  if (account === undefined) return [];
  const text = await head.readFile(file);
  const named = text === undefined ? undefined : GROUP_LINE.exec(text);
  // A file without a `group:` line is in `default`, unless its line is there but unreadable.
  const own = named?.[2] ?? (text !== undefined && !/^group:/m.test(text) ? DEFAULT_GROUP : undefined);
  const onMain = main.accounts.find((entry) => entry.account === account);
  const mainGroup = onMain === undefined ? undefined : onMain.ok ? onMain.intent.group : onMain.group;
  return [own, mainGroup].flatMap((group) => (group === undefined ? [] : [group]));
}
