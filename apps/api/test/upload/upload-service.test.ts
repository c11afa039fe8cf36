import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUploadService, type UploadPart } from "../../src/services/upload-service";
import { createTestApp, type TestApp } from "../support/app";
import { registerUser } from "../support/auth";
import { fixture } from "../support/multipart";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function* form(file: Buffer): AsyncGenerator<UploadPart> {
  yield { type: "field", fieldname: "title", value: "Counted", valueTruncated: false };
  yield { type: "file", fieldname: "file", filename: "counted.pdf", file: Readable.from([file]) };
}

describe("UploadService.onBytesStored", () => {
  it("reports the size of each stored upload until unsubscribed, and nothing for refused ones", async () => {
    const user = await registerUser(t.app);
    const service = createUploadService({ ...t.deps, logger: t.app.log });
    const seen: number[] = [];
    const unsubscribe = service.onBytesStored((bytes) => seen.push(bytes));
    const pdf = fixture("handout-5-pages.pdf");

    await service.upload(user.id, form(pdf));
    await expect(service.upload(user.id, form(Buffer.from("not a pdf")))).rejects.toMatchObject({
      code: "UNSUPPORTED_FILE_TYPE",
    });
    unsubscribe();
    await service.upload(user.id, form(pdf));

    expect(seen).toEqual([pdf.length]);
  });
});
