// The desired state as committed at a ref of the ops repository: one function for every command of the
// loop (propose, keep-existing-plan, apply on merge and its re-derivation), so that they all agree on an
// account's portfolio and on its intent hash, whichever layout the repository uses.
import type { AccountIntent, AccountIntentResult, OpsIntent, OpsTree } from "../config/ops-intent.js";
import { invalidAccountError, layoutError, PORTFOLIO_PATH, readOpsIntent } from "../config/ops-intent.js";
import { InputError } from "../errors.js";
import type { GitRepo } from "../git/git-repo.js";

export { PORTFOLIO_PATH };
export type { AccountIntent };

/** The repository's files at `ref`, read from the clone's git objects (nothing is checked out). */
export function gitTree(repo: GitRepo, ref: string): OpsTree {
  return {
    readFile: (path) => repo.readFile(ref, path),
    readFolder: (folder, wanted) => repo.readFolder(ref, folder, wanted),
  };
}

function shortRef(ref: string): string {
  return /^[0-9a-f]{40}$/.test(ref) ? ref.slice(0, 12) : ref;
}

/** Every account at `ref`; throws when the repository as a whole cannot be read (no layout, or both). */
export async function readIntentsAt(repo: GitRepo, ref: string): Promise<OpsIntent> {
  const intent = await readOpsIntent(gitTree(repo, ref));
  if (intent.problems.length > 0) throw layoutError(intent.problems, `at ${shortRef(ref)}`);
  return intent;
}

/**
 * One account's intent at `ref`, validated; every problem is named with its file and line, at once. In a
 * portfolio.yaml repository, its one account (whether it is `account` is for the caller to compare).
 * Undefined when a many-account repository has no file for the account (any more).
 */
export async function findAccountIntentAt(
  repo: GitRepo,
  ref: string,
  account: string,
): Promise<AccountIntent | undefined> {
  const intents = await readIntentsAt(repo, ref);
  const found =
    intents.layout === "portfolio"
      ? intents.accounts[0]
      : intents.accounts.find((entry) => entry.account === account);
  return found === undefined ? undefined : intentOrThrow(found, ref);
}

/** As findAccountIntentAt, for a ref that must hold the account. */
export async function readAccountIntentAt(
  repo: GitRepo,
  ref: string,
  account: string,
): Promise<AccountIntent> {
  const found = await findAccountIntentAt(repo, ref, account);
  if (found === undefined) {
    throw new InputError(`the ops repository at ${shortRef(ref)} has no account ${account}`, {
      hint: `add accounts/${account}.yaml naming its model, in a pull request`,
    });
  }
  return found;
}

/** The intent of an account that could be read, or an InputError listing every problem it has. */
export function intentOrThrow(entry: AccountIntentResult, ref: string): AccountIntent {
  if (entry.ok) return entry.intent;
  const files = entry.files.join(" and ");
  throw invalidAccountError(
    entry,
    `at ${shortRef(ref)}`,
    `fix ${files} on main in a pull request (\`folioctl validate\` shows the same problems)`,
  );
}

/** The files an account's portfolio is read from, as messages name them. */
export function intentFiles(intent: Pick<AccountIntent, "files">): string {
  return intent.files.join(" with ");
}
