import { describe, expect, it } from "vitest";
import { createHighlighter, type HighlightTerms } from "../../src/search";

const buildSnippet = (text: string, terms: HighlightTerms) => createHighlighter(terms)(text);

describe("createHighlighter", () => {
  it("marks words that start with a matched stem", () => {
    expect(buildSnippet("Stochastic gradient descent converges.", { stems: ["gradient"], cjk: [] })).toBe(
      "Stochastic <mark>gradient</mark> descent converges.",
    );
    expect(buildSnippet("We learned it", { stems: ["learn"], cjk: [] })).toBe("We <mark>learned</mark> it");
  });

  it("marks only words that start with a stem, in any case, and takes stems literally", () => {
    expect(buildSnippet("Gradients undescended descent", { stems: ["gradient", "descent"], cjk: [] })).toBe(
      "<mark>Gradients</mark> undescended <mark>descent</mark>",
    );
    // A version number lexeme: its dot is not a wildcard.
    expect(buildSnippet("v1x2 and v1.2", { stems: ["v1.2"], cjk: [] })).toBe("v1x2 and <mark>v1.2</mark>");
    // Not a word start: the Latin part of a mixed run.
    expect(buildSnippet("梯度descent", { stems: ["descent"], cjk: [] })).toBe("梯度descent");
  });

  it("marks overlapping occurrences of a CJK term as one", () => {
    expect(buildSnippet("哈哈哈笑", { stems: [], cjk: ["哈哈"] })).toBe("<mark>哈哈哈</mark>笑");
    expect(buildSnippet("下降 gradient 梯度", { stems: ["gradient"], cjk: ["梯度"] })).toBe(
      "下降 <mark>gradient</mark> <mark>梯度</mark>",
    );
  });

  it("marks CJK bigrams wherever they occur, merging overlaps into one mark", () => {
    expect(buildSnippet("梯度下降法的收敛条件", { stems: [], cjk: ["收敛"] })).toBe(
      "梯度下降法的<mark>收敛</mark>条件",
    );
    expect(buildSnippet("梯度下降法", { stems: [], cjk: ["梯度", "度下", "下降"] })).toBe("<mark>梯度下降</mark>法");
  });

  it("escapes everything but the marks", () => {
    expect(buildSnippet('<script>alert("x")</script> & descent', { stems: ["descent"], cjk: [] })).toBe(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <mark>descent</mark>",
    );
    expect(buildSnippet("<b>descent</b>", { stems: ["b"], cjk: [] })).toBe(
      "&lt;<mark>b</mark>&gt;descent&lt;/<mark>b</mark>&gt;",
    );
  });

  it("keeps about 160 characters around the first match, cut at word edges, with ellipses", () => {
    const before = "alpha ".repeat(60);
    const after = " omega".repeat(60);
    const snippet = buildSnippet(`${before}gradient${after}`, { stems: ["gradient"], cjk: [] });
    expect(snippet.startsWith("…")).toBe(true);
    expect(snippet.endsWith("…")).toBe(true);
    expect(snippet).toContain("<mark>gradient</mark>");
    const visible = snippet.replace(/<\/?mark>/g, "").replace(/…/g, "");
    expect(visible.length).toBeGreaterThan(120);
    expect(visible.length).toBeLessThanOrEqual(160);
    // No word cut in half at either edge.
    expect(
      visible
        .trim()
        .split(" ")
        .every((word) => ["alpha", "omega", "gradient"].includes(word)),
    ).toBe(true);
  });

  it("shows the start of the text when nothing can be marked", () => {
    const text = "x".repeat(300);
    const snippet = buildSnippet(text, { stems: ["y"], cjk: [] });
    expect(snippet).toBe(`${"x".repeat(160)}…`);
  });

  it("never splits a surrogate pair", () => {
    const text = `${"𠀀".repeat(120)}收敛${"𠀀".repeat(120)}`;
    const snippet = buildSnippet(text, { stems: [], cjk: ["收敛"] });
    expect(snippet).toContain("<mark>收敛</mark>");
    expect(snippet.replace(/<\/?mark>|…/g, "")).toMatch(/^(?:[\u{20000}]|收|敛)+$/u);
  });
});
