// The flyer as a PNG, for sharing in a chat: the A4 page rendered by poppler's pdftoppm, so the image
// and the printout are the same layout, with no browser and no second layout engine to keep in step.
// Without poppler-utils, the PNG is the QR code alone (qrcode draws it) and the caller says how to get
// the full flyer.
import { execFile } from "node:child_process";
import { renameSync } from "node:fs";
import { promisify } from "node:util";
import QRCode from "qrcode";

export type FlyerPng = { kind: "flyer" } | { kind: "qr code only"; reason: string };

/** Renders `pdfFile`'s first page to `pngFile` at 150 dpi (A4: 1240×1754 pixels). */
export async function flyerPng(pdfFile: string, pngFile: string, link: string): Promise<FlyerPng> {
  const prefix = pngFile.replace(/\.png$/, "");
  try {
    await promisify(execFile)("pdftoppm", ["-png", "-r", "150", "-singlefile", "-f", "1", "-l", "1", pdfFile, prefix], { timeout: 60_000 });
    if (`${prefix}.png` !== pngFile) renameSync(`${prefix}.png`, pngFile);
    return { kind: "flyer" };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    await QRCode.toFile(pngFile, link, { type: "png", errorCorrectionLevel: "M", margin: 4, width: 800 });
    return { kind: "qr code only", reason: "pdftoppm is not installed (Debian: apt-get install poppler-utils)" };
  }
}
