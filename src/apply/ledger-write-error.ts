// A run whose record could not be written: its orders may have gone out, so the record must not be lost
// with the error. It travels with the error, and the CLI prints it before saying what went wrong.
import { FolioctlError } from "../errors.js";
import type { LedgerRecord } from "./ledger.js";

export class LedgerWriteError extends FolioctlError {
  override name = "LedgerWriteError";

  constructor(
    readonly record: LedgerRecord,
    folder: string,
    cause: unknown,
  ) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    super(`the record of this run (${record.outcome}) could not be written in ${folder}: ${reason}`, {
      cause,
      hint:
        record.outcome === "refused"
          ? "Nothing was sent; the record is printed above. Fix --ledger-dir (a writable folder), then run the same apply again."
          : "Keep the record printed above: it is this run's only copy. Fix --ledger-dir (a writable folder), then run the same apply again: it finds its orders at IB by their orderRef and sends none twice.",
    });
  }
}
