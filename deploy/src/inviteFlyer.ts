// The invite flyer as a PDF page (A4 or Letter): the block's name, a QR code of the join link, the link
// written out, the community CA's fingerprint and three steps. pdfkit lays it out; the QR code is drawn
// as vector squares from qrcode's module matrix, so it stays sharp at any printer's resolution.
//
// Text is set in DejaVu Sans (from the dejavu-fonts-ttf package, embedded as a subset): it covers Latin,
// Greek, Cyrillic, Hebrew, Arabic, Armenian and Georgian block names, which pdfkit's built-in Helvetica
// (Latin-1 only) would not. Names in scripts DejaVu lacks (Chinese, Japanese, Korean, Indic scripts)
// print as empty boxes on the flyer; the link and the QR code still work.
//
// Its words come from the catalogs (web.json, "flyer."), in the language the flyer is made in.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import type { Language, MessageKey } from "../../bots/framework/languages.ts";
import { sayPlain } from "../../bots/framework/speak.ts";

export type PaperSize = "A4" | "LETTER";

export interface FlyerContent {
  blockName: string;
  link: string;
  /** The community CA's SHA-256 fingerprint ("AB:CD:…"), or undefined when the block has none yet. */
  caFingerprint: string | undefined;
  /** How long and for how many people the invite works, in a few words (in `language`). */
  validity: string;
  /** The flyer's language: the block's, unless the operator chose another. */
  language: Language;
}

const fontDir = join(dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")), "ttf");
const fonts = {
  regular: join(fontDir, "DejaVuSans.ttf"),
  bold: join(fontDir, "DejaVuSans-Bold.ttf"),
  mono: join(fontDir, "DejaVuSansMono.ttf"),
};

/** The three steps: a title and a sentence each. */
export const flyerSteps: readonly (readonly [MessageKey, MessageKey])[] = [
  ["flyer.step.link", "flyer.step.linkText"],
  ["flyer.step.trust", "flyer.step.trustText"],
  ["flyer.step.account", "flyer.step.accountText"],
];

/** The fingerprint in two lines of 16 bytes: short enough to compare by eye, big enough to read. */
export function fingerprintLines(fingerprint: string): [string, string] {
  const bytes = fingerprint.split(":");
  return [bytes.slice(0, 16).join(":"), bytes.slice(16).join(":")];
}

export function flyerPdf(content: FlyerContent, size: PaperSize): Promise<Buffer> {
  const margin = 54;
  const say = (key: MessageKey) => sayPlain(content.language, key, { block: content.blockName, link: content.link });
  const doc = new PDFDocument({
    size,
    margin,
    lang: content.language,
    info: { Title: say("flyer.title"), Subject: say("flyer.subject"), Creator: "BlockShare" },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  doc.registerFont("regular", fonts.regular).registerFont("bold", fonts.bold).registerFont("mono", fonts.mono);

  const width = doc.page.width - 2 * margin;
  const centered = { width, align: "center" } as const;
  let y = margin;
  const write = (font: keyof typeof fonts, fontSize: number, text: string, options: PDFKit.Mixins.TextOptions = centered, gap = 6) => {
    doc.font(font).fontSize(fontSize).text(text, margin, y, options);
    y = doc.y + gap;
  };

  write("bold", 28, say("flyer.title"), centered, 4);
  write("regular", 13, say("flyer.tagline"), centered, 14);

  const qrSize = 250;
  drawQrCode(doc, content.link, (doc.page.width - qrSize) / 2, y, qrSize);
  y += qrSize + 8;
  write("mono", 11, content.link, { ...centered, link: content.link }, 16);

  doc.font("bold").fontSize(11);
  if (content.caFingerprint) {
    write("bold", 11, say("flyer.fingerprint"), centered, 2);
    for (const line of fingerprintLines(content.caFingerprint)) write("mono", 10.5, line, centered, 0);
  } else {
    write("bold", 11, say("flyer.noFingerprint"), centered, 2);
    write("regular", 10.5, say("flyer.noFingerprintAdvice"), centered, 0);
  }
  y += 18;

  flyerSteps.forEach(([title, text], index) => {
    doc
      .font("bold")
      .fontSize(22)
      .text(String(index + 1), margin, y, { width: 30 });
    const top = y;
    doc
      .font("bold")
      .fontSize(13)
      .text(say(title), margin + 36, top + 2, { width: width - 36 });
    doc
      .font("regular")
      .fontSize(11.5)
      .text(say(text), margin + 36, doc.y + 1, { width: width - 36 });
    y = Math.max(doc.y, top + 28) + 12;
  });

  y += 4;
  write("regular", 9.5, `${content.validity} ${say("flyer.revoke")}`.trim(), centered, 0);
  doc.end();
  return done;
}

/** Draws the QR code (error correction M, with its quiet zone of 4 modules) as one filled path. */
function drawQrCode(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const quiet = 4;
  const cell = size / (modules.size + 2 * quiet);
  for (let row = 0; row < modules.size; row++) {
    for (let column = 0; column < modules.size; column++) {
      // A hair wider than a module: neighbors overlap, so no renderer shows seams between them.
      if (modules.get(row, column)) doc.rect(x + (column + quiet) * cell, y + (row + quiet) * cell, cell + 0.1, cell + 0.1);
    }
  }
  doc.fillColor("#000000").fill();
}
