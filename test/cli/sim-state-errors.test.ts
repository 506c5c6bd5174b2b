import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.js";

// Through the built binary: a broken simulator state reads like a broken portfolio.yaml.
const dir = mkdtempSync(join(tmpdir(), "folioctl-sim-state-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("gateway-sim --state with a broken file", () => {
  it("names each problem at file:line:col with its field, what was written and how to fix it", async () => {
    const file = join(dir, "state.yaml");
    const example = readFileSync("examples/sim-state.yaml", "utf8");
    writeFileSync(file, example.replace("cash: { USD: 8000 }", 'cash: { USD: "8k" }'));
    const line = example.split("\n").findIndex((l) => l.includes("cash: { USD: 8000 }")) + 1;
    const run = await runCli(["gateway-sim", "--state", file, "--port", "0"]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      `${file}:${line}:18: error: accounts[0].cash.USD: must be a number (got "8k")\n` +
        "  hint: write a plain number without quotes, units or separators\n",
    );
    expect(run.stderr).not.toMatch(/must be number|instancePath|\n\s+at /);
  });
});
