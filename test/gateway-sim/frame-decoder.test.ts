// The simulator's incremental reader: whatever the fragmentation, the same hello and messages come out.
import { describe, expect, it } from "vitest";
import { encodeFrame, FrameDecoder } from "../../src/gateway-sim/wire/frame.js";
import type { FrameEvent } from "../../src/gateway-sim/wire/frame.js";

function hello(range: string): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(range.length, 0);
  return Buffer.concat([Buffer.from("API\0", "latin1"), length, Buffer.from(range, "latin1")]);
}

function feed(decoder: FrameDecoder, bytes: Buffer, chunkSize: number): FrameEvent[] {
  const events: FrameEvent[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    events.push(...decoder.push(bytes.subarray(offset, offset + chunkSize)));
  }
  return events;
}

describe("frame decoder", () => {
  it("reads a 4 MiB message split into thousands of small chunks, and the message after it", () => {
    const big = "x".repeat(4 * 1024 * 1024 - 100);
    const bytes = Buffer.concat([
      hello("v100..193"),
      encodeFrame(["71", "2", "4", ""]),
      encodeFrame(["62", big, "é-end"]),
      encodeFrame(["49", "1"]),
    ]);
    // 1000 is prime to 4: frame headers straddle chunk boundaries.
    const events = feed(new FrameDecoder(), bytes, 1000);
    expect(events.map((e) => e.kind)).toEqual(["hello", "message", "message", "message"]);
    expect(events[0]).toEqual({
      kind: "hello",
      hello: { minVersion: 100, maxVersion: 193, connectOptions: "" },
    });
    expect(events[1]).toEqual({ kind: "message", fields: ["71", "2", "4", ""] });
    const large = events[2];
    expect(large?.kind === "message" && large.fields.length).toBe(3);
    expect(large?.kind === "message" && large.fields[1] === big).toBe(true);
    expect(large?.kind === "message" && large.fields[2]).toBe("é-end");
    expect(events[3]).toEqual({ kind: "message", fields: ["49", "1"] });
  });

  it("gives the same events one byte at a time as in one chunk", () => {
    const bytes = Buffer.concat([
      hello("v100..176 +PACEAPI"),
      encodeFrame(["49", "1"]),
      encodeFrame(["17", "1"]),
    ]);
    expect(feed(new FrameDecoder(), bytes, 1)).toEqual(new FrameDecoder().push(bytes));
  });

  it("refuses a frame longer than the client library accepts as soon as its header arrives", () => {
    const header = Buffer.alloc(4);
    header.writeInt32BE(0x1000000, 0);
    const events = feed(new FrameDecoder(), Buffer.concat([hello("v100..193"), header]), 3);
    expect(events.at(-1)).toEqual({ kind: "invalid", reason: "bad frame length 16777216" });
  });
});
