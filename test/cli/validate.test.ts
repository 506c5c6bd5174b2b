import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.js";

// Through the built binary, as a workflow or a user runs it.
const CORPUS = "test/fixtures/portfolios/invalid";
const VALID = "test/fixtures/portfolios/valid";
const OVER_100 = `${CORPUS}/target-weight-over-100.yaml`;
const ERROR_LINE = /^(.+?):(?:(\d+):(\d+):)? error: (.+)$/;

interface Expected {
  line: number;
  column: number;
  path: string;
  message: string;
  hint?: string;
}
const expected = JSON.parse(readFileSync(`${CORPUS}/expected.json`, "utf8")) as Record<string, Expected[]>;

function formatted(file: string, e: Expected): string {
  const where = e.line > 0 ? `${file}:${e.line}:${e.column}` : file;
  return `${where}: error: ${e.path === "" ? "" : `${e.path}: `}${e.message}`;
}

describe("folioctl validate", () => {
  it("checks ./portfolio.yaml by default and prints one ok line", async () => {
    const run = await runCli(["validate"]);
    expect(run).toEqual({
      code: 0,
      stdout: "portfolio.yaml: ok (account DU1234567, 3 targets)\n",
      stderr: "",
    });
  });

  describe("in a directory of its own", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "folioctl-validate-"));
      copyFileSync(`${VALID}/minimal.yaml`, join(dir, "portfolio.yaml"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("resolves files against the working directory", async () => {
      const run = await runCli(["validate"], { cwd: dir });
      expect(run.stdout).toBe("portfolio.yaml: ok (account DU1234567, 1 target)\n");
      expect(run.code).toBe(0);
    });

    it("exits 1 with a fix when there is no portfolio.yaml to check", async () => {
      const run = await runCli(["validate", "nope.yaml"], { cwd: dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        "nope.yaml: error: cannot read the file: it does not exist\n" +
          "  hint: run folioctl in the ops repository or pass the path: folioctl validate path/to/portfolio.yaml\n",
      );
    });
  });

  it("prints file:line:col: error: path: message, then the hint, and exits 1", async () => {
    const run = await runCli(["validate", OVER_100]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `${OVER_100}:11:13: error: targets[2].weight: must be at most 100 (got 140)\n` +
        "  hint: percent of net liquidation value; allowed: greater than 0 and at most 100\n",
    );
  });

  it("says weights are percent when they were written as fractions of one", async () => {
    const file = `${CORPUS}/weights-written-as-fractions.yaml`;
    const run = await runCli(["validate", file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `${file}:4:1: error: targets: target weights (0.95) plus cash.weight (0.05) total 1, not 100\n` +
        "  hint: weights are percent: 0.4 means 0.4%, write 40 for 40%\n",
    );
  });

  it("prints what the README's example shows for the shipped portfolio.yaml with its two mistakes", async () => {
    const readme = readFileSync("README.md", "utf8");
    const section = readme.slice(readme.indexOf("### Checking a portfolio"));
    const shown = /```\n([\s\S]*?)```/.exec(section)?.[1];
    const broken = readFileSync("portfolio.yaml", "utf8")
      .replace("    weight: 40 #", "    weigth: 40 #")
      .replace("{ symbol: VNQ, weight: 20 }", "{ symbol: VNQ, weight: 140 }");
    const cwd = mkdtempSync(join(tmpdir(), "folioctl-readme-"));
    try {
      writeFileSync(join(cwd, "portfolio.yaml"), broken);
      const run = await runCli(["validate"], { cwd });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(shown);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("checks several files, reports each, and exits 1 when any is invalid", async () => {
    const run = await runCli(["validate", "portfolio.yaml", OVER_100, `${VALID}/every-key.yaml`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      "portfolio.yaml: ok (account DU1234567, 3 targets)\n" +
        `${VALID}/every-key.yaml: ok (account U7654321, 4 targets)\n`,
    );
    expect(run.stderr).toContain(`${OVER_100}:11:13: error:`);
  });

  it("rejects every corpus file with its expected lines, and never prints a stack", async () => {
    const names = readdirSync(CORPUS).filter((name) => name.endsWith(".yaml"));
    const files = names.map((name) => `${CORPUS}/${name}`);
    const run = await runCli(["validate", ...files]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    const lines = run.stderr.split("\n").filter((line) => line !== "");
    const errorLines = lines.filter((line) => !line.startsWith("  hint: "));
    for (const line of errorLines) expect(line).toMatch(ERROR_LINE);
    const wanted = names.flatMap((name) =>
      (expected[name] ?? []).map((e) => formatted(`${CORPUS}/${name}`, e)),
    );
    expect(errorLines).toEqual(wanted);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it("adds ::error annotations for GitHub Actions, on stdout, with the runner's escaping", async () => {
    const file = `${CORPUS}/many-problems.yaml`;
    const run = await runCli(["validate", file], { env: { GITHUB_ACTIONS: "true" } });
    expect(run.code).toBe(1);
    const annotations = run.stdout.split("\n").filter((line) => line !== "");
    expect(annotations).toHaveLength(expected["many-problems.yaml"]?.length ?? -1);
    expect(annotations[0]).toBe(
      `::error file=${file},line=2,col=10::account: must be an IB account id, such as DU1234567 or U1234567 (got "du1234567")` +
        "%0Ahint: write it in capitals: `DU1234567`",
    );
    for (const annotation of annotations)
      expect(annotation).toMatch(/^::error file=[^,]+,line=\d+,col=\d+::[^\n]+$/);
    // The plain lines stay on stderr for people reading the log.
    expect(run.stderr).toContain(`${file}:2:10: error: account:`);
  });

  it("escapes commas and colons in the file name of an annotation, and leaves out line 0", async () => {
    const run = await runCli(["validate", "no,such:file.yaml"], { env: { GITHUB_ACTIONS: "true" } });
    expect(run.stdout).toBe(
      "::error file=no%2Csuch%3Afile.yaml::cannot read the file: it does not exist%0Ahint: run folioctl in the ops " +
        "repository or pass the path: folioctl validate path/to/portfolio.yaml\n",
    );
  });

  it("prints no annotations outside GitHub Actions", async () => {
    const run = await runCli(["validate", OVER_100]);
    expect(run.stdout + run.stderr).not.toContain("::error");
  });

  it("--json prints every file's result on stdout and nothing on stderr", async () => {
    const run = await runCli(["validate", "--json", "portfolio.yaml", OVER_100, `${CORPUS}/empty.yaml`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({
      files: [
        { file: "portfolio.yaml", valid: true, errors: [] },
        {
          file: OVER_100,
          valid: false,
          errors: [
            {
              line: 11,
              column: 13,
              path: "targets[2].weight",
              message: "must be at most 100 (got 140)",
              hint: "percent of net liquidation value; allowed: greater than 0 and at most 100",
            },
          ],
        },
        {
          file: `${CORPUS}/empty.yaml`,
          valid: false,
          errors: [
            {
              line: 0,
              column: 0,
              path: "",
              message: "the file is empty",
              hint: "start from the example portfolio.yaml in the folioctl README",
            },
          ],
        },
      ],
    });
  });

  it("--json exits 0 when every file is valid, and keeps annotations off stdout", async () => {
    const ok = await runCli(["validate", "--json"], { env: { GITHUB_ACTIONS: "true" } });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ files: [{ file: "portfolio.yaml", valid: true, errors: [] }] });
    const bad = await runCli(["validate", "--json", OVER_100], { env: { GITHUB_ACTIONS: "true" } });
    expect(JSON.parse(bad.stdout)).toMatchObject({ files: [{ valid: false }] });
    expect(bad.stderr).toMatch(/^::error file=.+,line=11,col=13::targets\[2\]\.weight: must be at most 100/);
  });

  it("exits 64 on a wrong command line", async () => {
    const unknown = await runCli(["validate", "--strict"]);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain("unknown option '--strict'");
    const empty = await runCli(["validate", ""]);
    expect(empty.code).toBe(64);
    expect(empty.stderr).toContain("folioctl: error: an empty file name was given");
  });

  it("documents its exit codes in --help", async () => {
    const run = await runCli(["validate", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "Exit codes: 0 every file is valid, 1 a file is invalid, 64 wrong command line.",
    );
  });
});
