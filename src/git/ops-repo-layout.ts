// Where things live in the ops repository. The account id ends up in branch names, ref names and paths,
// so it is checked here once instead of trusting every caller to have validated portfolio.yaml.
import { InputError } from "../errors.js";

const ACCOUNT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const LEDGER_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.json$/;

export function assertAccountId(account: string): string {
  // A plan file is JSON from outside: a missing account must not pass as the text "undefined".
  if (typeof account !== "string" || !ACCOUNT.test(account)) {
    throw new InputError(`"${account}" is not a usable account id for branch, ref and file names`, {
      hint: "use the IB account id from portfolio.yaml, for example DU1234567 (letters, digits, - and _)",
    });
  }
  return account;
}

/** The bot branch that carries the account's proposed plan. */
export function planBranch(account: string): string {
  return `${PLAN_BRANCH_PREFIX}${assertAccountId(account)}`;
}

/** The account of a bot branch (`folioctl/rebalance/<account>`), or undefined for any other branch. */
export function accountOfPlanBranch(branch: string): string | undefined {
  const account = branch.startsWith(PLAN_BRANCH_PREFIX) ? branch.slice(PLAN_BRANCH_PREFIX.length) : "";
  return ACCOUNT.test(account) ? account : undefined;
}

const PLAN_BRANCH_PREFIX = "folioctl/rebalance/";

export function planPath(account: string): string {
  return `plans/${assertAccountId(account)}.plan.json`;
}

/** The ref whose existence on the remote means "an apply is running for this account". */
export function lockRef(account: string): string {
  return `refs/folioctl/locks/${assertAccountId(account)}`;
}

/** `ledger/<account>`: the account's execution records on main. */
export function ledgerFolder(account: string): string {
  return `ledger/${assertAccountId(account)}`;
}

export function ledgerPath(account: string, fileName: string): string {
  if (!LEDGER_FILE.test(fileName) || fileName.includes("..")) {
    throw new InputError(`"${fileName}" is not a valid ledger file name`, {
      hint: "ledger files are single .json names of letters, digits, '.', '-' and '_'",
    });
  }
  return `${ledgerFolder(account)}/${fileName}`;
}
