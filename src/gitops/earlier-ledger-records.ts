// apply --on-merge runs in a fresh checkout, and the ledger of an earlier run of the same plan lives on
// main, committed by that run. IB forgets completed orders and executions after the day; the ledger on
// main does not, so a re-run on another day must see it to keep "never twice".
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { GitRepo } from "../git/git-repo.js";
import { isRecordOfPlan } from "../apply/read-earlier-runs.js";
import { ledgerFolder, ledgerPath } from "../git/ops-repo-layout.js";

/**
 * Copies this plan's ledger records from main as it is now (fetched after the lock was taken, so that a
 * record committed by the previous holder is there) into `<dir>/<account>/`, for apply's earlier-runs
 * check. Returns `dir`. A record that cannot be read fails the run: apply then sends nothing.
 */
export async function copyEarlierLedgerRecords(
  repo: GitRepo,
  account: string,
  planHash: string,
  dir: string,
): Promise<string> {
  const main = await repo.fetch();
  const folder = join(dir, account);
  await mkdir(folder, { recursive: true });
  const names = await repo.listFiles(main, ledgerFolder(account));
  for (const name of names.filter((n) => isRecordOfPlan(n, planHash))) {
    const bytes = await repo.readFile(main, ledgerPath(account, name));
    if (bytes !== null) await writeFile(join(folder, name), bytes);
  }
  return dir;
}
