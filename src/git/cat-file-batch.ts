// Reads objects through one `git cat-file --batch` process instead of a `cat-file -t` and a `show` per
// object. Batch input is one object name per line, so a name that a line cannot carry is refused here
// and read the slow way by the caller.
import { GitError } from "../errors.js";

/** An object as `cat-file --batch` printed it, or null when git said it is missing. */
export interface BatchObject {
  id: string;
  type: string;
  content: Buffer;
}

/**
 * Whether `spec` survives as one line of batch input: git splits lines at LF and strips a CR before it,
 * so names holding either are passed as argv instead (git older than 2.38 has no `-z` for batch input).
 */
export function fitsBatchLine(spec: string): boolean {
  return !spec.includes("\n") && !spec.includes("\r");
}

/** Splits `cat-file --batch` output into one entry per input line, in order. */
export function parseBatch(output: Buffer, count: number): (BatchObject | null)[] {
  const objects: (BatchObject | null)[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const end = output.indexOf(0x0a, offset);
    if (end === -1) throw truncated();
    const header = output.subarray(offset, end).toString("utf8");
    offset = end + 1;
    // "<object> <type> <size>" for an object; "<name> missing" (or "ambiguous") when there is none.
    const found = /^([0-9a-f]{40}|[0-9a-f]{64}) ([a-z]+) (\d+)$/.exec(header);
    if (found?.[1] === undefined || found[2] === undefined || found[3] === undefined) {
      if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
        objects.push(null);
        continue;
      }
      throw new GitError(`git cat-file printed "${header}", which folioctl cannot read`, {
        hint: "check the clone with `git fsck` and the git version (2.20 or later)",
      });
    }
    const size = Number(found[3]);
    // The content is followed by a newline of its own.
    if (offset + size + 1 > output.length) throw truncated();
    objects.push({
      id: found[1],
      type: found[2],
      content: Buffer.from(output.subarray(offset, offset + size)),
    });
    offset += size + 1;
  }
  return objects;
}

function truncated(): GitError {
  return new GitError("git cat-file stopped before printing every object asked for", {
    hint: "check the clone with `git fsck`",
  });
}
