// Where the installed Element Web release lives, one answer for the installer, the element server
// (`run`) and the production nginx site: DATA_DIR/element-web, unless the neighborhood file names its
// own unpacked release in `element_web_dir`.
import { existsSync } from "node:fs";
import { join } from "node:path";

export function elementWebRoot(dataDir: string): string {
  return join(dataDir, "element-web");
}

/** The Element Web directory to serve: `element_web_dir` if set, else the installed release if there is one. */
export function servedElementDir(neighborhood: { dataDir: string; element_web_dir?: string | undefined }): string | undefined {
  if (neighborhood.element_web_dir) return neighborhood.element_web_dir;
  const installed = elementWebRoot(neighborhood.dataDir);
  return existsSync(join(installed, "index.html")) ? installed : undefined;
}
