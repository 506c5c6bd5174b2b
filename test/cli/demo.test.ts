import { describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.js";

describe("folioctl demo", () => {
  it("loads the example portfolio through the loader and prints what it understood", async () => {
    const run = await runCli(["demo"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^portfolio\.yaml is valid \(sha256 [0-9a-f]{12}\)\n/);
    expect(run.stdout).toContain("account        DU1234567\n");
    expect(run.stdout).toContain("base currency  USD\n");
    expect(run.stdout).toContain("VTI        40%  USD       SMART (ARCA)  756733\n");
    expect(run.stdout).toContain("BND        35%  USD       SMART         -\n");
    expect(run.stdout).toContain("cash           5%, at least 500 USD\n");
    expect(run.stdout).toContain(
      "out of band when |weight - target| > min(1 percentage points, 25% of target)",
    );
    expect(run.stdout).toContain("mode           full, rebalance to target\n");
  });
});
