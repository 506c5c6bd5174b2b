import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/config/diagnostic.js";
import {
  formatDiagnostic,
  formatDiagnosticWithHint,
  formatGithubAnnotation,
} from "../../src/config/diagnostic.js";

const weight: Diagnostic = {
  file: "portfolio.yaml",
  line: 12,
  column: 7,
  path: "targets[2].weight",
  message: "must be at most 100 (got 140)",
  hint: "lower it",
};

describe("formatting diagnostics", () => {
  it("writes the compiler-style line of the issue", () => {
    expect(formatDiagnostic(weight)).toBe(
      "portfolio.yaml:12:7: error: targets[2].weight: must be at most 100 (got 140)",
    );
  });

  it("leaves out the position when there is none and the path when it is the whole file", () => {
    expect(
      formatDiagnostic({ file: "p.yaml", line: 0, column: 0, path: "", message: "the file is empty" }),
    ).toBe("p.yaml: error: the file is empty");
  });

  it("puts the hint on its own indented line", () => {
    expect(formatDiagnosticWithHint(weight)).toBe(`${formatDiagnostic(weight)}\n  hint: lower it\n`);
    expect(formatDiagnosticWithHint({ ...weight, hint: undefined })).toBe(`${formatDiagnostic(weight)}\n`);
  });

  it("writes a GitHub annotation with the message and hint escaped as the runner expects", () => {
    expect(formatGithubAnnotation(weight)).toBe(
      "::error file=portfolio.yaml,line=12,col=7::targets[2].weight: must be at most 100 (got 140)%0Ahint: lower it",
    );
    const odd: Diagnostic = {
      file: "a,b:c%.yaml",
      line: 0,
      column: 0,
      path: "",
      message: "100% off\r\nnext",
    };
    expect(formatGithubAnnotation(odd)).toBe("::error file=a%2Cb%3Ac%25.yaml::100%25 off%0D%0Anext");
  });
});
