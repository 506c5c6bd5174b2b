// A reader that stops early (`folioctl demo | head`, a pager that quits) closes the pipe, and every
// later write to it fails with EPIPE. That is no error of the run: the rest of the output has nowhere
// to go, but the run itself goes on to its end (an apply must finish its orders and write its ledger
// record), and its exit code still says how it went. Without a listener, Node.js turns the failed
// write into an uncaught exception with a stack trace.
import type { Writable } from "node:stream";

const watched = new WeakSet<Writable>();

export function ignoreClosedOutput(stream: Writable): void {
  if (watched.has(stream)) return;
  watched.add(stream);
  stream.on("error", (error: NodeJS.ErrnoException) => {
    // Once the pipe is gone, Node.js destroys the stream: later writes report that instead.
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
    throw error;
  });
}
