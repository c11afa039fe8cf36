import { describe, expect, it } from "vitest";
import { MAX_FIELD_BYTES, UploadForm } from "../../src/services/upload-form";

const field = (fieldname: string, value: unknown, valueTruncated = false) => ({ fieldname, value, valueTruncated });

describe("UploadForm", () => {
  it("accepts a title and description and trims the title", () => {
    const form = new UploadForm();
    form.add(field("title", "  Linear algebra  "));
    form.add(field("description", "Week 1"));
    expect(form.problems()).toEqual([]);
    expect(form.finalProblems(true)).toEqual([]);
    expect(form.title).toBe("Linear algebra");
    expect(form.description).toBe("Week 1");
  });

  it("has nothing to say about fields still missing until the end", () => {
    const form = new UploadForm();
    expect(form.problems()).toEqual([]);
    expect(form.finalProblems(false)).toEqual([
      { field: "file", reason: "is required" },
      { field: "title", reason: "is required" },
    ]);
  });

  it("counts characters, not UTF-16 units, against the 255 limit", () => {
    const fits = new UploadForm();
    fits.add(field("title", "😀".repeat(255)));
    expect(fits.problems()).toEqual([]);
    const tooLong = new UploadForm();
    tooLong.add(field("title", "a".repeat(256)));
    expect(tooLong.problems()).toEqual([{ field: "title", reason: "must be at most 255 characters" }]);
  });

  it("refuses control characters: none in the title, only tabs and line breaks in the description", () => {
    const form = new UploadForm();
    form.add(field("title", "Week\u00001"));
    form.add(field("description", "Bad\u001bescape"));
    expect(form.problems()).toEqual([
      { field: "title", reason: "must not contain control characters" },
      { field: "description", reason: "must not contain control characters" },
    ]);
    for (const title of ["tab\there", "line\nbreak", "del\u007f", "c1\u0085"]) {
      const single = new UploadForm();
      single.add(field("title", title));
      expect(single.problems(), JSON.stringify(title)).toEqual([
        { field: "title", reason: "must not contain control characters" },
      ]);
    }
    const multi = new UploadForm();
    multi.add(field("title", "Week 1 – Ünïcode ✓"));
    multi.add(field("description", "Line one\r\n\tLine two\n"));
    expect(multi.problems()).toEqual([]);
  });

  it("refuses empty, truncated, non-text and repeated fields", () => {
    const form = new UploadForm();
    form.add(field("title", " "));
    form.add(field("description", "x", true));
    expect(form.problems()).toEqual([
      { field: "description", reason: `must be at most ${MAX_FIELD_BYTES} bytes` },
      { field: "title", reason: "must not be empty" },
    ]);

    const repeated = new UploadForm();
    repeated.add(field("title", "one"));
    repeated.add(field("title", "two"));
    repeated.add(field("description", { json: true }));
    expect(repeated.problems()).toEqual([
      { field: "title", reason: "must be sent only once" },
      { field: "description", reason: "must be text" },
    ]);
  });

  it("ignores unknown fields and stores an empty description as none", () => {
    const form = new UploadForm();
    form.add(field("tags", "a,b"));
    form.add(field("title", "T"));
    form.add(field("description", ""));
    expect(form.finalProblems(true)).toEqual([]);
    expect(form.description).toBeNull();
  });
});
