import { describe, expect, it } from "vitest";
import { buildSearchQuery, normalizeText, searchDocument, tokenize } from "../../src/search";

describe("normalizeText", () => {
  it("applies NFKC and collapses whitespace", () => {
    expect(normalizeText("  ＧＰＵ\u3000加速\n\tⅢ  ")).toBe("GPU 加速 III");
  });
});

describe("tokenize / searchDocument", () => {
  it("cuts CJK runs into overlapping bigrams and keeps spaced-script words whole, lower-cased", () => {
    expect(searchDocument("梯度下降法的收敛条件")).toBe("梯度 度下 下降 降法 法的 的收 收敛 敛条 条件");
    expect(searchDocument("Stochastic Gradient-Descent, 2nd ed.")).toBe("stochastic gradient descent 2nd ed");
  });

  it("separates mixed runs by script and indexes a lone CJK character as itself", () => {
    expect(searchDocument("用GPU加速 的")).toBe("用 gpu 加速 的");
    expect(tokenize("GPU加速")).toEqual([
      { text: "gpu", cjk: false },
      { text: "加速", cjk: true },
    ]);
  });

  it("treats kana and hangul like Han, and drops punctuation and markup characters", () => {
    expect(searchDocument("機械学習とは <script>alert(1)</script>")).toBe(
      "機械 械学 学習 習と とは script alert 1 script",
    );
    expect(searchDocument("한국어")).toBe("한국 국어");
  });

  it("keeps characters outside the BMP whole", () => {
    expect(searchDocument("𠀀𠀁")).toBe("𠀀𠀁");
  });

  it("is empty for empty or null text", () => {
    expect(searchDocument(null)).toBe("");
    expect(searchDocument(" ,.; ")).toBe("");
  });
});

describe("buildSearchQuery", () => {
  it("requires every token and matches the last as a prefix", () => {
    expect(buildSearchQuery("Gradient descent")?.tsquery).toBe("gradient & descent:*");
    expect(buildSearchQuery("stoch")?.tsquery).toBe("stoch:*");
  });

  it("searches a Chinese phrase by its bigrams", () => {
    expect(buildSearchQuery("梯度下降")?.tsquery).toBe("梯度 & 度下 & 下降:*");
  });

  it("matches a lone CJK character as the start of a bigram", () => {
    expect(buildSearchQuery("梯 descent")?.tsquery).toBe("梯:* & descent:*");
  });

  it("offers the Latin words for trigram similarity only when there are enough letters", () => {
    expect(buildSearchQuery("algoritm")?.fuzzyText).toBe("algoritm");
    expect(buildSearchQuery("神经网络 deep learning")?.fuzzyText).toBe("deep learning");
    expect(buildSearchQuery("收敛")?.fuzzyText).toBeNull();
    expect(buildSearchQuery("ml")?.fuzzyText).toBeNull();
  });

  it("is null when nothing is searchable, so no operator characters ever reach to_tsquery", () => {
    expect(buildSearchQuery("&|!():*'")).toBeNull();
    expect(buildSearchQuery("a&b | !c")?.tsquery).toBe("a & b & c:*");
  });
});
