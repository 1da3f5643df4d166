// The map's "recent alerts" on disk, so a restarted monitor still lists what it said before — and a link
// in an old Mesh alerts message (`#alert=<fingerprint>`) still opens its alert. Written atomically
// after each change (alerts are rare); a file that cannot be read is set aside and the list starts empty.
import { existsSync, readFileSync, renameSync } from "node:fs";
import type { RecentAlert } from "../monitor.ts";
import { writeFileAtomically } from "../rules/ruleStateFile.ts";
import { isJsonObject } from "../../../common/jsonObject.ts";

const FORMAT = "blockshare-mesh-recent-alerts";
const VERSION = 1;

function textRecord(value: unknown, where: string): Record<string, string> {
  if (!isJsonObject(value)) throw new Error(`${where} is not an object`);
  for (const [key, item] of Object.entries(value)) if (typeof item !== "string") throw new Error(`${where}.${key} is not text`);
  return value as Record<string, string>;
}

function readAlert(value: unknown, where: string): RecentAlert {
  if (!isJsonObject(value)) throw new Error(`${where} is not an object`);
  for (const key of ["fingerprint", "startsAt", "endsAt", "at"]) if (typeof value[key] !== "string") throw new Error(`${where}.${key} is not text`);
  if (value.status !== "firing" && value.status !== "resolved") throw new Error(`${where}.status is not firing or resolved`);
  const labels = textRecord(value.labels, `${where}.labels`);
  if (labels.alertname === undefined || labels.severity === undefined || labels.source === undefined)
    throw new Error(`${where}.labels lacks alertname, severity or source`);
  const annotations = textRecord(value.annotations, `${where}.annotations`);
  return {
    fingerprint: value.fingerprint as string,
    status: value.status,
    labels: labels as RecentAlert["labels"],
    annotations: {
      summary: annotations.summary ?? "",
      description: annotations.description ?? "",
      resolved_summary: annotations.resolved_summary ?? annotations.summary ?? "",
    },
    startsAt: value.startsAt as string,
    endsAt: value.endsAt as string,
    at: value.at as string,
  };
}

/** The saved list, newest first; empty when there is none yet or it cannot be read (then it is kept
 * as `<file>.unreadable` and the reason logged). */
export function loadRecentAlerts(file: string, log: (message: string) => void = () => {}): RecentAlert[] {
  if (!existsSync(file)) return [];
  try {
    const raw: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (!isJsonObject(raw) || raw.format !== FORMAT || raw.version !== VERSION) throw new Error(`is not a ${FORMAT} version ${VERSION} file`);
    if (!Array.isArray(raw.alerts)) throw new Error("alerts is not a list");
    return raw.alerts.map((alert, i) => readAlert(alert, `alerts[${i}]`));
  } catch (error) {
    log(`mesh-monitor: ignoring the saved recent alerts ${file}: ${(error as Error).message}; the list starts empty (kept as ${file}.unreadable)`);
    try {
      renameSync(file, `${file}.unreadable`);
    } catch {
      // Leave it; the next save replaces it.
    }
    return [];
  }
}

/** One write at a time, each of the list as it was when asked. */
export class RecentAlertsSaver {
  private writing: Promise<void> = Promise.resolve();
  private readonly file: string;
  private readonly log: (message: string) => void;

  constructor(file: string, log: (message: string) => void) {
    this.file = file;
    this.log = log;
  }

  save(alerts: readonly RecentAlert[]): void {
    const text = JSON.stringify({ format: FORMAT, version: VERSION, alerts });
    this.writing = this.writing
      .then(() => writeFileAtomically(this.file, text))
      .catch((error: unknown) => this.log(`mesh-monitor: could not save the recent alerts to ${this.file}: ${(error as Error).message}`));
  }

  flushed(): Promise<void> {
    return this.writing;
  }
}
