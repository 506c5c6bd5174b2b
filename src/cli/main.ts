import { Command, CommanderError } from "commander";
import { FolioctlError } from "../errors.js";
import { TOOL_VERSION } from "../version.js";
import type { CliContext } from "./context.js";
import { EXIT } from "./exit-codes.js";
import { registerDemoCommand } from "./demo.js";
import { registerValidateCommand } from "./validate.js";
import { registerInitCommand } from "./init.js";
import { registerUnlockCommand } from "./unlock.js";
import { registerGatewaySimCommand } from "./gateway-sim.js";
import { registerPlanCommand } from "./plan.js";
import { registerApplyCommand } from "./apply.js";
import { registerSnapshotCommand } from "./snapshot.js";
import { registerProposeCommand } from "./propose.js";
import { registerPreviewCommand } from "./preview.js";

type Register = (program: Command, ctx: CliContext, run: RunAction) => void;
/** Wraps a command body so that its exit code and errors are handled in one place. */
export type RunAction = (body: () => Promise<number>) => Promise<void>;

// One line per command; each file does its own argument parsing.
const commands: Register[] = [
  registerDemoCommand,
  registerValidateCommand,
  registerInitCommand,
  registerUnlockCommand,
  registerGatewaySimCommand,
  registerPlanCommand,
  registerApplyCommand,
  registerSnapshotCommand,
  registerProposeCommand,
  registerPreviewCommand,
];

export async function main(argv: string[], ctx: Partial<CliContext> = {}): Promise<number> {
  const context: CliContext = {
    stdout: ctx.stdout ?? process.stdout,
    stderr: ctx.stderr ?? process.stderr,
    env: ctx.env ?? process.env,
    cwd: ctx.cwd ?? process.cwd(),
    debug: ctx.debug ?? (argv.includes("--debug") || ctx.env?.["FOLIOCTL_DEBUG"] === "1"),
    ...(ctx.sleep === undefined ? {} : { sleep: ctx.sleep }),
  };
  let exitCode: number = EXIT.ok;
  const run: RunAction = async (body) => {
    exitCode = await body();
  };

  const program = new Command("folioctl")
    .description("Keep an Interactive Brokers account at the allocation written in git.")
    .version(TOOL_VERSION)
    .option("--debug", "show stack traces for errors")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    });
  for (const register of commands) register(program, context, run);
  program.commands.forEach((command) => command.exitOverride());

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    return reportError(error, context);
  }
}

function reportError(error: unknown, ctx: CliContext): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message; help and version are successes.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return EXIT.ok;
    if (error.code === "commander.help") return EXIT.ok;
    return EXIT.usage;
  }
  if (error instanceof FolioctlError) {
    ctx.stderr.write(`folioctl: error: ${error.message}\n`);
    if (error.hint) ctx.stderr.write(`  hint: ${error.hint}\n`);
    if (ctx.debug && error.stack) ctx.stderr.write(`${error.stack}\n`);
    else ctx.stderr.write("  (run with --debug for details)\n");
    return error.exitCode;
  }
  // Anything else is a bug in folioctl, not in the user's input: always show the stack.
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  ctx.stderr.write(`folioctl: internal error: ${text}\n`);
  ctx.stderr.write("  This is a bug in folioctl; nothing further was sent to the broker.\n");
  return EXIT.error;
}
