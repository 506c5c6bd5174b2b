// `--account ID` of the local commands (plan, apply): one account of the ops repository in the working
// directory, resolved from its account file and model exactly as the loop resolves it, with the same
// intent hash, so that a plan made here and one made by propose agree.
import { directoryTree } from "../config/directory-tree.js";
import { invalidAccountError, layoutError, readOpsIntent, type AccountIntent } from "../config/ops-intent.js";
import { UsageError } from "../errors.js";
import { accountArgument } from "./account-argument.js";
import type { CliContext } from "./context.js";

export async function localAccountIntent(typed: string, ctx: CliContext): Promise<AccountIntent> {
  const account = accountArgument(typed);
  const intents = await readOpsIntent(directoryTree(ctx.cwd));
  if (intents.problems.length > 0) throw layoutError(intents.problems, "here");
  const entry = intents.accounts.find((candidate) => candidate.account === account);
  if (entry === undefined) {
    const known = intents.accounts.map((candidate) => candidate.account).filter((id) => id !== "");
    throw new UsageError(`--account ${typed}: there is no such account in this repository`, {
      hint:
        known.length === 0
          ? "run folioctl in the ops repository (accounts/<ID>.yaml with models/<name>.yaml, or portfolio.yaml)"
          : `pass one of: ${known.join(", ")}`,
    });
  }
  if (!entry.ok) {
    throw invalidAccountError(
      entry,
      "",
      "fix the problems listed above (`folioctl validate` shows them too)",
    );
  }
  return entry.intent;
}
