// What a command may touch of the outside world. main() builds it from the process; tests can run a
// command in-process with their own streams and environment.

export interface OutputStream {
  write(text: string): unknown;
  /** True when this stream is a terminal: colour and live progress lines only then. */
  isTTY?: boolean;
}

export interface CliContext {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** --debug: print stacks for errors. */
  debug: boolean;
  /** How commands wait before asking GitHub again (default: a timer); tests move a fake clock instead. */
  sleep?: (ms: number) => Promise<void>;
}

/** Commands return their exit code; they throw FolioctlError for failures the user can fix. */
export type CommandResult = Promise<number>;
