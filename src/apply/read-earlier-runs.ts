// What earlier runs of the same plan sent, from their ledger records: IB forgets completed orders and
// executions after the day, the ledger does not. A record that exists but cannot be read stops the run:
// guessing that it sent nothing could send a leg twice.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { formatDiagnostic } from "../config/diagnostic.js";
import { readJsonFile, schemaDiagnostics } from "../config/json-document.js";
import { InputError } from "../errors.js";
import { validateLedger } from "../generated/ledger-validator.js";
import type { LedgerOrder, LedgerRecord } from "./ledger.js";

const validate = validateLedger;

/** Every order of every earlier record of this plan in `<dir>/<account>/`, oldest record first. */
export async function readEarlierRuns(
  dir: string,
  account: string,
  planHash: string,
): Promise<LedgerOrder[]> {
  const folder = join(dir, account);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw unreadable(folder, [`cannot list it (${(error as NodeJS.ErrnoException).code ?? "error"})`]);
  }

  const orders: LedgerOrder[] = [];
  for (const name of names.filter((n) => isRecordOfPlan(n, planHash)).sort(byRecordTime)) {
    const file = join(folder, name);
    const read = await readJsonFile(file, "ledger record");
    if (!read.ok) throw unreadable(file, read.errors.map(formatDiagnostic));
    if (!validate(read.value)) {
      throw unreadable(file, schemaDiagnostics(validate.errors ?? [], read.text, file).map(formatDiagnostic));
    }
    const record = read.value as unknown as LedgerRecord;
    if (record.planHash === planHash && record.account === account) orders.push(...record.orders);
  }
  return orders;
}

/** Records are named `<UTC time>-<hash 12>[-n].json`: the name picks a plan's, and sorts them by time. */
export function isRecordOfPlan(fileName: string, planHash: string): boolean {
  return new RegExp(`-${planHash.slice(0, 12)}(-\\d+)?\\.json$`).test(fileName);
}

/**
 * Oldest first: by the time in the name, then by the counter of the records of one second. A plain sort
 * would put `-2.json` before the second's first record (`.json`) and `-10` before `-2`.
 */
function byRecordTime(a: string, b: string): number {
  const [stampA, counterA] = recordKey(a);
  const [stampB, counterB] = recordKey(b);
  if (stampA !== stampB) return stampA < stampB ? -1 : 1;
  return counterA - counterB;
}

function recordKey(fileName: string): [string, number] {
  const match = /^(.*)-[0-9a-f]{12}(?:-(\d+))?\.json$/.exec(fileName);
  return [match?.[1] ?? fileName, Number(match?.[2] ?? 1)];
}

function unreadable(where: string, lines: string[]): InputError {
  return new InputError(
    `cannot read the earlier ledger record ${where}, so it is not known which legs an earlier run sent; nothing was sent:\n${lines.map((l) => `  ${l}`).join("\n")}`,
    {
      hint: "Restore the record from git (git checkout -- <file>) and run apply again. Never delete it to get past this: the legs it records would be sent a second time.",
    },
  );
}
