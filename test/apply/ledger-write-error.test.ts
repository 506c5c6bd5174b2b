// The error of a run whose record could not be written: it carries the record, names the folder and the
// file system's reason, and says what to do, which depends on whether orders may have gone out.
import { describe, expect, it } from "vitest";
import type { LedgerRecord } from "../../src/apply/ledger.js";
import { LedgerWriteError } from "../../src/apply/ledger-write-error.js";
import { FolioctlError } from "../../src/errors.js";

const record = (outcome: LedgerRecord["outcome"]) => ({ outcome, account: "DU1234567" }) as LedgerRecord;
const denied = Object.assign(new Error("EACCES: permission denied, mkdir '/ledger/DU1234567'"), {
  code: "EACCES",
});

describe("LedgerWriteError", () => {
  it("carries the record and names the folder and the file system's error code", () => {
    const applied = record("applied");
    const error = new LedgerWriteError(applied, "/ledger/DU1234567", denied);
    expect(error).toBeInstanceOf(FolioctlError);
    expect(error.name).toBe("LedgerWriteError");
    expect(error.exitCode).toBe(1);
    expect(error.record).toBe(applied);
    expect(error.cause).toBe(denied);
    expect(error.message).toBe(
      "the record of this run (applied) could not be written in /ledger/DU1234567: EACCES",
    );
  });

  it("names the error's message when it has no code", () => {
    const error = new LedgerWriteError(record("partial"), "/ledger/DU1234567", new Error("disk on fire"));
    expect(error.message).toBe(
      "the record of this run (partial) could not be written in /ledger/DU1234567: disk on fire",
    );
  });

  it("says to keep the printed record when orders may have gone out, and that nothing was sent when refused", () => {
    for (const outcome of ["applied", "already-applied", "partial", "error"] as const) {
      const { hint } = new LedgerWriteError(record(outcome), "/l", denied);
      expect(hint, outcome).toBe(
        "Keep the record printed above: it is this run's only copy. Fix --ledger-dir (a writable folder), then run the same apply again: it finds its orders at IB by their orderRef and sends none twice.",
      );
    }
    expect(new LedgerWriteError(record("refused"), "/l", denied).hint).toBe(
      "Nothing was sent; the record is printed above. Fix --ledger-dir (a writable folder), then run the same apply again.",
    );
  });
});
