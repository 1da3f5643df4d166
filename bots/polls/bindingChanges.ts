// The short list of settings only a passed proposal may change, read from the proposal's own words
// ("set sharing.max_open_listings to 5", "add neighbor elm.mesh at 10.0.2.1", "remove neighbor elm.mesh",
// 'norms "Be kind. …"') and applied through context.community when it passes.

import type { Community, SharingLimits } from "../framework/contract.ts";
import { removeControlCharactersKeepingNewlines } from "../framework/controlCharacters.ts";
import { words, type MessageRef } from "../framework/speak.ts";
import type { AppliedChange, BindingChange } from "./pollModel.ts";

interface SharingSetting {
  setting: keyof SharingLimits;
  /** Why a value was refused: the setting's range, or yes/no. */
  refusal(name: string): MessageRef;
  read(word: string): number | boolean | undefined;
}

const wholeNumber = (min: number, max: number) => (word: string) => {
  if (!/^\d{1,6}$/.test(word)) return undefined;
  const value = Number(word);
  return value >= min && value <= max ? value : undefined;
};

const yesNoWords: Readonly<Record<string, boolean>> = { yes: true, true: true, on: true, sí: true, si: true, no: false, false: false, off: false };

export const sharingSettings: Readonly<Record<string, SharingSetting>> = {
  "sharing.max_open_listings": {
    setting: "maxOpenListings",
    refusal: (setting) => words("polls.problem.settingNumber", { setting, min: 1, max: 1000 }),
    read: wholeNumber(1, 1000),
  },
  "sharing.max_claims_per_week": {
    setting: "maxClaimsPerWeek",
    refusal: (setting) => words("polls.problem.settingNumber", { setting, min: 0, max: 1000 }),
    read: wholeNumber(0, 1000),
  },
  "sharing.pact_neighbors_may_claim": {
    setting: "pactNeighborsMayClaim",
    refusal: (setting) => words("polls.problem.settingYesNo", { setting }),
    read: (word) => yesNoWords[word.toLowerCase()],
  },
};

// host[:port], the way Matrix server names are written; or an IPv6 literal in brackets.
const serverNamePattern = /^(?:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/i;
const addressPattern = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]{2,45}|\[[0-9a-f:]{2,45}\]|[a-z0-9.-]{1,253})$/i;

export type BindingReading = { ok: true; change: BindingChange } | { ok: false; problem: MessageRef } | undefined;

/** The longest norms text a proposal may set; the neighborhood file's `norms` key has the same limit. */
export const normsMaxLength = 1000;

/** The block's norms as a proposal gives them: line breaks kept, control characters and runs of blank lines dropped. */
export function readNormsText(raw: string): { ok: true; text: string } | { ok: false; problem: MessageRef } {
  const text = removeControlCharactersKeepingNewlines(raw)
    .split("\n")
    .map((line) => line.trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (text === "") return { ok: false, problem: words("polls.problem.normsEmpty") };
  if (text.length > normsMaxLength) return { ok: false, problem: words("polls.problem.normsTooLong", { max: normsMaxLength, length: text.length }) };
  return { ok: true, text };
}

interface BindingReader {
  pattern: RegExp;
  /** Matched against the question as written (line breaks kept) rather than with its spaces collapsed. */
  asWritten?: boolean;
  read(match: RegExpMatchArray): BindingReading;
}

// "normas" is the Spanish word (the catalog's example uses it).
const normsLead = String.raw`(?:(?:set|change)\s+(?:the\s+)?(?:block'?s\s+)?norms\s+to|norms|normas)\s*:?\s*`;

const bindingReaders: readonly BindingReader[] = [
  // Before "set … to …", which would take 'set norms to "Kind"' for an unknown setting.
  {
    pattern: new RegExp(String.raw`^${normsLead}["“„]([\s\S]*)["”“]$`, "i"),
    asWritten: true,
    read(match) {
      const reading = readNormsText(match[1] ?? "");
      return reading.ok ? { ok: true, change: { kind: "norms", text: reading.text } } : reading;
    },
  },
  {
    // "norms", "norms: be kind", "set norms to be kind": meant as norms, but the text is not quoted.
    pattern: /^(?:(?:set|change)\s+(?:the\s+)?(?:block'?s\s+)?norms\s+to\b[\s\S]*|norm(?:a)?s\s*:[\s\S]*|norm(?:a)?s)$/i,
    asWritten: true,
    read: () => ({ ok: false, problem: words("polls.problem.normsUnquoted") }),
  },
  {
    pattern: /^set\s+(\S+)\s+to\s+(\S+)$/i,
    read(match) {
      const name = (match[1] ?? "").toLowerCase();
      const setting = sharingSettings[name];
      if (setting === undefined)
        return { ok: false, problem: words("polls.problem.unknownSetting", { setting: name, settings: Object.keys(sharingSettings).join(", ") }) };
      const value = setting.read(match[2] ?? "");
      if (value === undefined) return { ok: false, problem: setting.refusal(name) };
      return { ok: true, change: { kind: "sharing-limit", setting: setting.setting, value, name } };
    },
  },
  {
    pattern: /^add\s+(?:neighbou?r(?:ing)?\s+)?(?:block\s+)?(\S+)\s+at\s+(\S+)$/i,
    read(match) {
      const [serverName, address] = [match[1] ?? "", match[2] ?? ""];
      if (!serverNamePattern.test(serverName)) return { ok: false, problem: words("polls.problem.serverName", { server: serverName }) };
      if (!addressPattern.test(address)) return { ok: false, problem: words("polls.problem.address", { address }) };
      return { ok: true, change: { kind: "pact-add", member: { serverName: serverName.toLowerCase(), address } } };
    },
  },
  {
    pattern: /^remove\s+(?:neighbou?r(?:ing)?\s+)?(?:block\s+)?(\S+)$/i,
    read(match) {
      const serverName = match[1] ?? "";
      if (!serverNamePattern.test(serverName)) return { ok: false, problem: words("polls.problem.serverName", { server: serverName }) };
      return { ok: true, change: { kind: "pact-remove", serverName: serverName.toLowerCase() } };
    },
  },
];

/** A binding change when the proposal's words are one, a problem when they almost are, else undefined. */
export function readBindingChange(question: string): BindingReading {
  const asWritten = question.trim();
  const words = asWritten.replace(/\s+/g, " ");
  for (const reader of bindingReaders) {
    const match = (reader.asWritten === true ? asWritten : words).match(reader.pattern);
    if (match !== null) return reader.read(match);
  }
  return undefined;
}

type ChangeKind = BindingChange["kind"];
type ChangeOf<Kind extends ChangeKind> = Extract<BindingChange, { kind: Kind }>;

interface ChangeRule<Kind extends ChangeKind> {
  apply(change: ChangeOf<Kind>, community: Community): Promise<void>;
}

const changeRules: { [Kind in ChangeKind]: ChangeRule<Kind> } = {
  "sharing-limit": { apply: async (change, community) => community.setSharingLimits({ [change.setting]: change.value }) },
  "pact-add": { apply: (change, community) => community.changePact({ add: change.member }) },
  "pact-remove": { apply: (change, community) => community.changePact({ remove: change.serverName }) },
  norms: { apply: async (change, community) => community.setNorms(change.text) },
};

function ruleFor<Kind extends ChangeKind>(change: ChangeOf<Kind>): ChangeRule<Kind> {
  return changeRules[change.kind as Kind];
}

/** Applies a passed change; resolves to what happened, for the results and the decision log (never throws). */
export async function applyBindingChange(change: BindingChange, community: Community): Promise<AppliedChange> {
  try {
    await ruleFor(change).apply(change, community);
    return { ok: true, change };
  } catch (error) {
    return { ok: false, change, error: error instanceof Error ? error.message : String(error) };
  }
}
