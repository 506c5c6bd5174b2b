// The narration both loop demos share: numbered steps, checks that stop the demo when a step did not do
// what it should, and a command's output indented under it.
import type { Run } from "../test/gitops/support/loop-world.js";

export const out = (text = ""): void => void process.stdout.write(`${text}\n`);

export const indent = (text: string): string =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");

export class StepFailed extends Error {}

let stepNumber = 0;

export function step(title: string): void {
  out();
  out(`== ${++stepNumber}. ${title}`);
}

export function currentStep(): number {
  return stepNumber;
}

export function check(ok: boolean, what: string): void {
  if (!ok) throw new StepFailed(what);
  out(`  ok: ${what}`);
}

export function show(label: string, run: Run): void {
  out(`  $ folioctl ${label}   (exit ${run.code})`);
  if (run.stdout.trim() !== "") out(indent(run.stdout));
  if (run.stderr.trim() !== "") out(indent(run.stderr.trimEnd().replace(/^/gm, "stderr: ")));
}

/** Runs a demo in its world, says how it ended, and exits 0 only if every step did what it should. */
export async function runDemo(
  name: string,
  world: { stop(): Promise<void> },
  demo: () => Promise<void>,
  success: string,
): Promise<never> {
  let code = 0;
  try {
    await demo();
    out();
    out(success);
  } catch (error) {
    code = 1;
    const what = error instanceof StepFailed ? `step ${stepNumber} failed: ${error.message}` : String(error);
    process.stderr.write(`\n${name} FAILED: ${what}\n`);
    if (!(error instanceof StepFailed) && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
  } finally {
    await world.stop();
  }
  process.exit(code);
}
