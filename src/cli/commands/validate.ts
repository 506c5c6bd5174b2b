import type { Command } from "commander";
import type { CliContext } from "../context.js";
import type { RunAction } from "../main.js";
import type { ValidateOptions } from "../validate.js";

// `folioctl validate [files...]`: the check that runs on every intent pull request.
export function registerValidateCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("validate")
    .description(
      "check the ops repository (portfolio.yaml, or every accounts/ and models/ file) or the given portfolio files; every problem with file:line:col",
    )
    .argument("[files...]", "portfolio files to check (default: the repository in the working directory)")
    .option("--json", "print the result as JSON on stdout")
    .addHelpText(
      "after",
      "\nExit codes: 0 every file is valid, 1 a file is invalid, 64 wrong command line.\n" +
        "With GITHUB_ACTIONS=true, problems are also printed as ::error annotations.",
    )
    .action((files: string[], options: ValidateOptions) =>
      run(async () => (await import("../validate.js")).validateFiles(files, options, ctx)),
    );
}
