import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPlan, type SnapshotSource } from "../../src/plan/run-plan.js";
import type { Snapshot } from "../../src/core/snapshot.js";
import { REPO_ROOT } from "../support/run-cli.js";

const FIXTURES = join(REPO_ROOT, "test/fixtures/snapshots");
const snapshot = JSON.parse(readFileSync(join(FIXTURES, "three-etf.json"), "utf8")) as Snapshot;

function streams() {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
  };
}

describe("the planning pipeline", () => {
  it("plans from any snapshot source, as the gateway will provide one", async () => {
    const io = streams();
    const source: SnapshotSource = {
      describe: "gateway 127.0.0.1:4002",
      read: () => Promise.resolve({ ok: true, snapshot }),
    };
    const result = await runPlan({
      portfolioFile: join(FIXTURES, "portfolio.yaml"),
      snapshot: source,
      now: "2026-11-24T15:00:05Z",
      toolVersion: "9.9.9",
      format: "json",
      color: false,
      stdout: io.stdout,
      stderr: io.stderr,
    });
    expect(result.exitCode).toBe(2);
    expect(result.plan?.toolVersion).toBe("9.9.9");
    expect(JSON.parse(io.out.stdout)).toEqual(result.plan);
  });

  it("reports what the snapshot source says is wrong and exits 1", async () => {
    const io = streams();
    const source: SnapshotSource = {
      describe: "gateway 127.0.0.1:4002",
      read: () =>
        Promise.resolve({
          ok: false,
          errors: [
            {
              file: "gateway 127.0.0.1:4002",
              line: 0,
              column: 0,
              path: "",
              message: "not logged in",
              hint: "log in to IB Gateway",
            },
          ],
        }),
    };
    const result = await runPlan({
      portfolioFile: join(FIXTURES, "portfolio.yaml"),
      snapshot: source,
      now: "2026-11-24T15:00:05Z",
      toolVersion: "9.9.9",
      format: "text",
      color: false,
      stdout: io.stdout,
      stderr: io.stderr,
    });
    expect(result).toEqual({ exitCode: 1 });
    expect(io.out.stderr).toBe(
      "gateway 127.0.0.1:4002: error: not logged in\n  hint: log in to IB Gateway\n",
    );
  });
});
