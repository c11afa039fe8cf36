import { createRequire } from "node:module";
import PDFDocument from "pdfkit";
import { utf16Hex, writePdfObjects } from "../pdf-writer";

const PDF_DATE = new Date("2026-01-05T09:00:00Z");

interface Slide {
  title: string;
  bullets: string[];
}

const LECTURE_SLIDES: Slide[] = [
  { title: "机器学习导论", bullets: ["第一讲：什么是机器学习", "主讲：张教授", "二〇二六年春季学期"] },
  { title: "监督学习", bullets: ["训练集与测试集", "损失函数与梯度下降", "过拟合与正则化"] },
  { title: "课后作业", bullets: ["阅读教材第一章", "完成线性回归练习", "下周二前提交"] },
];

/** A filled circle of radius 5 centred on (x, y), from four Bézier arcs. */
function bulletDot(x: number, y: number): string {
  const k = 5 * 0.5523;
  return [
    `${x + 5} ${y} m`,
    `${x + 5} ${y + k} ${x + k} ${y + 5} ${x} ${y + 5} c`,
    `${x - k} ${y + 5} ${x - 5} ${y + k} ${x - 5} ${y} c`,
    `${x - 5} ${y - k} ${x - k} ${y - 5} ${x} ${y - 5} c`,
    `${x + k} ${y - 5} ${x + 5} ${y - k} ${x + 5} ${y} c`,
    "f",
  ].join("\n");
}

/** One landscape A4 slide: white Chinese title on a dark blue bar, three black bullet lines, an orange bar chart. */
function slideContent(slide: Slide): string {
  const lines = ["0.1216 0.3059 0.4745 rg", "0 485.2756 841.8898 110 re f", "1 1 1 rg"];
  lines.push(`BT /F1 44 Tf 1 0 0 1 50 520.2756 Tm ${utf16Hex(slide.title)} Tj ET`, "0 0 0 rg");
  slide.bullets.forEach((bullet, index) => {
    const baseline = 395.2756 - index * 60;
    lines.push(bulletDot(66, baseline + 9), `BT /F1 28 Tf 1 0 0 1 80 ${baseline} Tm ${utf16Hex(bullet)} Tj ET`);
  });
  lines.push("0.8784 0.4824 0.2235 rg");
  [90, 150, 60, 210, 120].forEach((height, index) => {
    lines.push(`${511.8898 + index * 55} 80 40 ${height} re f`);
  });
  return lines.join("\n");
}

/**
 * lecture-cjk.pdf: three landscape slides in Chinese set in STSong-Light, one of the CJK fonts PDF
 * readers are expected to supply, so the font is named but NOT embedded (as in many real course PDFs).
 * A renderer needs a CJK font of its own to draw the text. Written by hand: PDF libraries embed fonts.
 */
export function lectureCjkPdf(): Buffer {
  const pageIds = LECTURE_SLIDES.map((_, index) => 7 + index * 2);
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pageIds.length} >>`,
    `<< /Title ${utf16Hex(`\ufeff${LECTURE_SLIDES[0]?.title} 第一讲`)} /Producer (learning-hub test media) >>`,
    "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [5 0 R] >>",
    "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /DW 1000 /FontDescriptor 6 0 R" +
      " /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> >>",
    // No /FontFile*: the font is not embedded.
    "<< /Type /FontDescriptor /FontName /STSongStd-Light /Flags 6 /FontBBox [-25 -254 1000 880]" +
      " /ItalicAngle 0 /Ascent 752 /Descent -271 /CapHeight 737 /StemV 58 >>",
    ...LECTURE_SLIDES.flatMap((slide, index) => [
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 841.8898 595.2756] /Contents ${8 + index * 2} 0 R` +
        " /Resources << /Font << /F1 4 0 R >> >> >>",
      { dictionary: "<< >>", stream: slideContent(slide) },
    ]),
  ];
  return writePdfObjects(objects, { root: 1, info: 3 });
}

const require = createRequire(import.meta.url);

/** Latin fonts without CJK glyphs (DejaVu Sans and Serif, from npm), for tests of a machine without a CJK font. */
export const LATIN_FONT_FILES = ["DejaVuSans.ttf", "DejaVuSerif.ttf"].map((file) =>
  require.resolve(`dejavu-fonts-ttf/ttf/${file}`),
);

/**
 * handout-5-pages.pdf: five portrait A4 pages of Latin, Greek and math text in DejaVu Sans, embedded
 * (subset) by pdfkit, so it renders the same everywhere.
 */
export function handoutPdf(): Promise<Buffer> {
  const document = new PDFDocument({
    size: "A4",
    margin: 56,
    info: { Title: "Linear Algebra handout", CreationDate: PDF_DATE },
  });
  const chunks: Buffer[] = [];
  document.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    document.on("end", () => resolve(Buffer.concat(chunks)));
    document.on("error", reject);
  });
  document.registerFont("DejaVu Sans", require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"));
  document.registerFont("DejaVu Sans Bold", require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"));
  for (let page = 1; page <= 5; page++) {
    if (page > 1) document.addPage();
    document.font("DejaVu Sans Bold").fontSize(18).text(`Linear Algebra, page ${page}`).moveDown(0.6);
    document.font("DejaVu Sans").fontSize(11);
    for (let row = 0; row < 25; row++) {
      document.text(`${row + 1}. Eigenvalues λ satisfy det(A − λI) = 0; ∑ λ = tr A, ∏ λ = det A, ‖x‖ ≤ ∞ (${row}).`, {
        lineGap: 4,
      });
    }
  }
  document.end();
  return finished;
}
