import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src";

/** A logger writing JSON lines into an array. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { lines, logger: createLogger({ logLevel: "info" }, destination) };
}

describe("createLogger", () => {
  it("redacts secrets, also in a child logger's lines", () => {
    const { lines, logger } = capture();
    logger.child({ service: "worker" }).info({ password: "hunter2", user: { refresh_token: "r" } }, "signed in");
    expect(lines[0]).toMatchObject({
      service: "worker",
      password: "[redacted]",
      user: { refresh_token: "[redacted]" },
    });
  });

  it("serializes `err` as an Error whatever was thrown", () => {
    const { lines, logger } = capture();
    logger.error({ err: new Error("disk full") }, "failed");
    logger.error({ err: "a string" }, "failed");
    expect(lines[0]?.err).toMatchObject({ type: "Error", message: "disk full" });
    expect(lines[1]?.err).toMatchObject({ type: "Error", message: "a string", stack: expect.any(String) });
  });

  it("keeps a failed query's parameters out of the line", () => {
    const { lines, logger } = capture();
    const error = Object.assign(new Error("Failed query: insert into users\nparams: secret-hash,a@b.c"), {
      params: ["secret-hash"],
    });
    logger.error({ err: error }, "failed");
    expect(JSON.stringify(lines[0])).not.toContain("secret-hash");
  });
});
