// `folioctl demo | head`: the reader closes the pipe after a few lines. The run still ends as it would
// have (exit 0 here), with no stack trace about the broken pipe.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/folioctl.js", import.meta.url));

it("runs to its end when the reader of its output stops after the first line", async () => {
  const child = spawn(process.execPath, [BIN, "demo"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // Like `head -1`: read the first chunk, then close our end of the pipe.
  child.stdout.once("data", () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  expect(stderr).not.toMatch(/EPIPE|Unhandled 'error' event|at .*\.js:\d+/);
  expect(code).toBe(0);
});
