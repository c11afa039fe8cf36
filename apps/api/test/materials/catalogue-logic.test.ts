import { describe, expect, it } from "vitest";
import { totalPages } from "../../src/services/paging";
import { parsePending } from "../../src/services/view-counter";

describe("totalPages", () => {
  it.each([
    [0, 20, 0],
    [1, 20, 1],
    [20, 20, 1],
    [21, 20, 2],
    [1000, 7, 143],
  ])("total %i, page size %i: %i pages", (total, size, pages) => {
    expect(totalPages(total, size)).toBe(pages);
  });
});

describe("parsePending", () => {
  it("reads HGETALL's flat field/value list", () => {
    expect(parsePending(["7", "3", "12", "1"])).toEqual(
      new Map([
        [7, 3],
        [12, 1],
      ]),
    );
  });

  it("ignores fields that are not material ids and amounts that are not positive integers", () => {
    expect(parsePending(["x", "3", "5", "0", "6", "-2", "8", "1.5", "9", "2", "10"])).toEqual(new Map([[9, 2]]));
  });
});
