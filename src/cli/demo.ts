import type { Command } from "commander";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { CliContext } from "./context.js";
import type { RunAction } from "./main.js";

// `npm start`: the main job on the example portfolio.
export function registerDemoCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("demo")
    .description("run the main job on the example portfolio (what `npm start` does)")
    .action(() =>
      run(async () => {
        const file = fileURLToPath(new URL("../../portfolio.yaml", import.meta.url));
        ctx.stdout.write(await readFile(file, "utf8"));
        return 0;
      }),
    );
}
