// Gets a release tarball onto disk: streamed from an https URL into a file (hashing as it goes, progress
// on the log), or hashed in place when the operator brought one (offline installs).
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";

export interface DownloadOptions {
  /** Progress and messages; the installer passes its stderr log. */
  log: (line: string) => void;
  /** Refuse anything bigger (a release is ~40 MB). */
  maxBytes?: number;
  /** Give up when no byte arrives for this long (a slow mesh link is fine, a dead one is not). */
  idleTimeoutMs?: number;
  /** Aborts the download from outside (a stopping `run`, its overall time limit). */
  signal?: AbortSignal;
}

export interface ObtainedTarball {
  path: string;
  bytes: number;
  sha256: string;
}

const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

/** https anywhere; plain http only to this machine (a local test server or mirror): the checksum is
 * checked either way, but nothing should be fetched in clear over the mesh. */
export function checkDownloadUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`"${url}" is not a URL; expected an https:// URL of an Element Web release tarball`);
  }
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(parsed.hostname);
  if (parsed.protocol === "https:" || (parsed.protocol === "http:" && loopback)) return parsed;
  throw new Error(`refusing to download from ${url}: only https:// URLs (or http:// on this machine) are accepted`);
}

export async function downloadTarball(url: string, destination: string, options: DownloadOptions): Promise<ObtainedTarball> {
  const parsed = checkDownloadUrl(url);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const abort = new AbortController();
  const idleMs = options.idleTimeoutMs ?? 60_000;
  let idle = setTimeout(() => abort.abort(), idleMs);
  const outside = options.signal;
  const stopFromOutside = () => abort.abort();
  outside?.addEventListener("abort", stopFromOutside, { once: true });
  if (outside?.aborted) abort.abort();
  const why = () => (outside?.aborted ? `stopped (${describe(outside.reason)})` : `no answer for ${idleMs / 1000} s`);
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => abort.abort(), idleMs);
  };
  let out: WriteStream | undefined;
  try {
    let response: Response;
    try {
      response = await fetch(parsed, { redirect: "follow", signal: abort.signal });
    } catch (error) {
      throw new Error(
        `could not download ${url}: ${abort.signal.aborted ? why() : describe(error)}. Offline? Copy the tarball to this box and pass it as a local file.`,
      );
    }
    if (!response.ok || response.body === null) {
      throw new Error(`could not download ${url}: HTTP ${response.status} ${response.statusText}`);
    }
    checkDownloadUrl(response.url || url);
    const declared = Number(response.headers.get("content-length") ?? NaN);
    if (declared > maxBytes) throw new Error(`${url} is ${megabytes(declared)} MB, more than the ${megabytes(maxBytes)} MB an Element Web release can be`);
    const total = Number.isFinite(declared) ? declared : undefined;
    out = await openedFile(destination);
    const hash = createHash("sha256");
    let bytes = 0;
    let lastReport = 0;
    options.log(`Downloading ${url}${total === undefined ? "" : ` (${megabytes(total)} MB)`}`);
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        touch();
        bytes += chunk.byteLength;
        if (bytes > maxBytes) throw new Error(`${url} sent more than ${megabytes(maxBytes)} MB; stopped`);
        hash.update(chunk);
        if (!out.write(chunk)) await once(out, "drain");
        if (Date.now() - lastReport >= 1000) {
          lastReport = Date.now();
          options.log(progressLine(bytes, total));
        }
      }
    } catch (error) {
      if (abort.signal.aborted)
        throw new Error(outside?.aborted ? `download of ${url} ${why()}` : `download of ${url} stalled: no data for ${idleMs / 1000} s`);
      throw error;
    }
    out.end();
    await once(out, "finish");
    options.log(`${progressLine(bytes, total)}, done`);
    return { path: destination, bytes, sha256: hash.digest("hex") };
  } finally {
    clearTimeout(idle);
    outside?.removeEventListener("abort", stopFromOutside);
    out?.destroy();
  }
}

/** Copies a tarball the operator brought to `destination` and hashes the copy's bytes as they pass, so
 * what is verified is exactly what gets unpacked (the original may be on a USB stick that goes away). */
export async function copyLocalTarball(path: string, destination: string): Promise<ObtainedTarball> {
  const hash = createHash("sha256");
  let bytes = 0;
  const out = await openedFile(destination);
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      bytes += chunk.byteLength;
      hash.update(chunk);
      if (!out.write(chunk)) await once(out, "drain");
    }
    out.end();
    await once(out, "finish");
  } catch (error) {
    throw new Error(`cannot read the tarball ${path}: ${describe(error)}`);
  } finally {
    out.destroy();
  }
  return { path: destination, bytes, sha256: hash.digest("hex") };
}

function progressLine(bytes: number, total: number | undefined): string {
  return total === undefined || total === 0
    ? `  ${megabytes(bytes)} MB`
    : `  ${megabytes(bytes)} of ${megabytes(total)} MB (${Math.floor((100 * bytes) / total)}%)`;
}

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}

/** A write stream whose file is already open: destroying one still opening would open it later, after
 * the staging folder is gone, and crash the process with ENOENT. */
async function openedFile(path: string): Promise<WriteStream> {
  const out = createWriteStream(path, { mode: 0o600 });
  await once(out, "open");
  return out;
}
