// Reads at most `maxBytes + 1` bytes, so that a huge file, a device or a pipe that never ends is
// refused without being read into memory.
import { open } from "node:fs/promises";

export type ReadResult =
  { ok: true; bytes: Buffer } | { ok: false; problem: { message: string; hint: string } };

const CHUNK = 64 * 1024;

export async function readFileBounded(file: string, maxBytes: number): Promise<ReadResult> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    return { ok: false, problem: describeOpenError(error) };
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) return { ok: false, problem: describeOpenError({ code: "EISDIR" }) };
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= maxBytes) {
      const chunk = Buffer.alloc(CHUNK);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    // Over the limit: decodeYamlText reports the size; a prefix past the limit is enough to say so.
    return { ok: true, bytes: Buffer.concat(chunks) };
  } catch (error) {
    return { ok: false, problem: describeOpenError(error) };
  } finally {
    await handle.close();
  }
}

function describeOpenError(error: unknown): { message: string; hint: string } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? "error";
  switch (code) {
    case "ENOENT":
      return {
        message: "cannot read the file: it does not exist",
        hint: "run folioctl in the ops repository or pass the path: folioctl validate path/to/portfolio.yaml",
      };
    case "EISDIR":
      return {
        message: "cannot read the file: it is a directory",
        hint: "pass the portfolio.yaml file inside it",
      };
    case "EACCES":
    case "EPERM":
      return { message: "cannot read the file: permission denied", hint: "check the file's permissions" };
    default:
      return { message: `cannot read the file (${code})`, hint: "check that the path names a readable file" };
  }
}
