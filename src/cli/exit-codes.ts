// Exit codes shared by every command. `plan` follows Terraform's -detailed-exitcode.
export const EXIT = {
  ok: 0,
  error: 1,
  /** plan: orders are planned. */
  changes: 2,
  /** apply: refused, nothing sent. */
  refused: 3,
  /** apply: some legs unfilled or rejected. */
  partial: 4,
  /** The command line is wrong (sysexits EX_USAGE). */
  usage: 64,
} as const;
