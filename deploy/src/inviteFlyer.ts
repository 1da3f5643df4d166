// The invite flyer as a PDF page (A4 or Letter): the block's name, a QR code of the join link, the link
// written out, the community CA's fingerprint and three steps. pdfkit lays it out; the QR code is drawn
// as vector squares from qrcode's module matrix, so it stays sharp at any printer's resolution.
//
// Text is set in DejaVu Sans (from the dejavu-fonts-ttf package, embedded as a subset): it covers Latin,
// Greek, Cyrillic, Hebrew, Arabic, Armenian and Georgian block names, which pdfkit's built-in Helvetica
// (Latin-1 only) would not. Names in scripts DejaVu lacks (Chinese, Japanese, Korean, Indic scripts)
// print as empty boxes on the flyer; the link and the QR code still work.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";

export type PaperSize = "A4" | "LETTER";

export interface FlyerContent {
  blockName: string;
  link: string;
  /** The community CA's SHA-256 fingerprint ("AB:CD:…"), or undefined when the block has none yet. */
  caFingerprint: string | undefined;
  /** How long and for how many people the invite works, in a few words. */
  validity: string;
}

const fontDir = join(dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")), "ttf");
const fonts = {
  regular: join(fontDir, "DejaVuSans.ttf"),
  bold: join(fontDir, "DejaVuSans-Bold.ttf"),
  mono: join(fontDir, "DejaVuSansMono.ttf"),
};

export const flyerSteps = [
  ["Open the link", "Join the mesh wifi, then scan the code with your phone's camera (or type the link)."],
  ["Trust your block", "Install your block's certificate from the page. First check that its fingerprint matches the one on this flyer."],
  ["Create your account", "Choose a name and a password on the page, then open the Element X app and sign in."],
] as const;

/** The fingerprint in two lines of 16 bytes: short enough to compare by eye, big enough to read. */
export function fingerprintLines(fingerprint: string): [string, string] {
  const bytes = fingerprint.split(":");
  return [bytes.slice(0, 16).join(":"), bytes.slice(16).join(":")];
}

export function flyerPdf(content: FlyerContent, size: PaperSize): Promise<Buffer> {
  const margin = 54;
  const doc = new PDFDocument({
    size,
    margin,
    info: { Title: `Join ${content.blockName}`, Subject: `Invite to ${content.blockName}: ${content.link}`, Creator: "BlockShare" },
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

  write("bold", 28, `Join ${content.blockName}`, centered, 4);
  write("regular", 13, "Our block's own chat: on the mesh wifi, even when the internet is down.", centered, 14);

  const qrSize = 250;
  drawQrCode(doc, content.link, (doc.page.width - qrSize) / 2, y, qrSize);
  y += qrSize + 8;
  write("mono", 11, content.link, { ...centered, link: content.link }, 16);

  doc.font("bold").fontSize(11);
  if (content.caFingerprint) {
    write("bold", 11, "Your block's certificate fingerprint (SHA-256), for step 2:", centered, 2);
    for (const line of fingerprintLines(content.caFingerprint)) write("mono", 10.5, line, centered, 0);
  } else {
    write("bold", 11, "Your block has no certificate fingerprint yet.", centered, 2);
    write("regular", 10.5, "Ask the person who runs the block before you trust any certificate in step 2.", centered, 0);
  }
  y += 18;

  flyerSteps.forEach(([title, text], index) => {
    doc.font("bold").fontSize(22).text(String(index + 1), margin, y, { width: 30 });
    const top = y;
    doc.font("bold").fontSize(13).text(title, margin + 36, top + 2, { width: width - 36 });
    doc.font("regular").fontSize(11.5).text(text, margin + 36, doc.y + 1, { width: width - 36 });
    y = Math.max(doc.y, top + 28) + 12;
  });

  y += 4;
  write("regular", 9.5, `${content.validity} Lost or no longer needed? The block's operator can revoke it.`, centered, 0);
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
