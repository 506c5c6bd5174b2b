// Every apply on one machine shares the lock directory, and test files run in parallel processes that
// all apply for the same example account: each test file gets a lock directory of its own.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env["FOLIOCTL_LOCK_DIR"] = mkdtempSync(join(tmpdir(), "folioctl-test-locks-"));
