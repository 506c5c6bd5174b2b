import { ignoreClosedOutput } from "./closed-output.js";
import { Command, CommanderError } from "commander";
import { FolioctlError, UsageError } from "../errors.js";
import { TOOL_VERSION } from "../version.js";
import type { CliContext } from "./context.js";
import { EXIT } from "./exit-codes.js";
// Only the command lines are loaded up front (for parsing and --help); each command's action imports
// its own modules (octokit, @stoqey/ib, simple-git, the validators) when it runs.
import { registerDemoCommand } from "./commands/demo.js";
import { registerValidateCommand } from "./commands/validate.js";
import { registerInitCommand } from "./commands/init.js";
import { registerUnlockCommand } from "./commands/unlock.js";
import { registerGatewaySimCommand } from "./commands/gateway-sim.js";
import { registerPlanCommand } from "./commands/plan.js";
import { registerApplyCommand } from "./commands/apply.js";
import { registerSnapshotCommand } from "./commands/snapshot.js";
import { registerProposeCommand } from "./commands/propose.js";
import { registerPreviewCommand } from "./commands/preview.js";

type Register = (program: Command, ctx: CliContext, run: RunAction) => void;
/** Wraps a command body so that its exit code and errors are handled in one place. */
export type RunAction = (body: () => Promise<number>) => Promise<void>;

// One line per command; each file in commands/ declares its own options and arguments.
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
    sleep: ctx.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
  if (context.stdout === process.stdout) ignoreClosedOutput(process.stdout);
  if (context.stderr === process.stderr) ignoreClosedOutput(process.stderr);
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
      // Commander's own messages ("error: unknown option ...") look like every other folioctl error.
      outputError: (text, write) => write(`folioctl: ${text}`),
    });
  for (const register of commands) register(program, context, run);
  for (const command of program.commands) {
    command.exitOverride().showHelpAfterError(`(run \`folioctl ${command.name()} --help\` for usage)`);
  }

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    return reportError(error, context);
  }
}

function reportError(error: unknown, ctx: CliContext): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message. Help that was asked for and the version are successes; the
    // usage it prints unasked (no command at all, `help` for an unknown one) is a wrong command line.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return EXIT.ok;
    if (error.code === "commander.help" && error.exitCode === 0) return EXIT.ok;
    return EXIT.usage;
  }
  if (error instanceof FolioctlError) {
    ctx.stderr.write(`folioctl: error: ${error.message}\n`);
    if (error.hint) ctx.stderr.write(`  hint: ${error.hint}\n`);
    if (ctx.debug && error.stack) ctx.stderr.write(`${error.stack}\n`);
    // A wrong command line is said in full by the message and its hint; a stack would add nothing.
    else if (!(error instanceof UsageError)) ctx.stderr.write("  (run with --debug for details)\n");
    return error.exitCode;
  }
  // Anything else is a bug in folioctl, not in the user's input: always show the stack.
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  ctx.stderr.write(`folioctl: internal error: ${text}\n`);
  ctx.stderr.write("  This is a bug in folioctl; nothing further was sent to the broker.\n");
  return EXIT.error;
}
