// render_ratio: a bot's reply said through the message catalogs (say: the neighbor's language, ICU
// MessageFormat, RichText) over the same reply built as a plain template (richText pieces, as the bots
// built their sentences before the catalogs), for the 50 replies neighbors see most, same run.
// The templates are made from the English messages once, before timing: literal text, the values in
// their places, the tags as richText's builders; exactly what a hand-written `message(...)` call does.
import { performance } from "node:perf_hooks";
import {
  isArgumentElement,
  isLiteralElement,
  isPluralElement,
  isPoundElement,
  isSelectElement,
  isTagElement,
  parse,
  type MessageFormatElement,
} from "@formatjs/icu-messageformat-parser";
import type { RichText } from "../bots/framework/contract.ts";
import { catalogFor, type MessageKey } from "../bots/framework/languages.ts";
import { bold, code, italic, mention, message, rich, type Inline } from "../bots/framework/richText.ts";
import { say, type MessageValues } from "../bots/framework/speak.ts";

/** The replies neighbors see most, with the values they usually carry (an empty list: none). */
export const commonReplies: ReadonlyArray<readonly [MessageKey, MessageValues]> = [
  ["framework.unknownCommand", { command: "!ofer", help: "!help" }],
  ["framework.slowDown", {}],
  ["framework.notACommand", { help: "help" }],
  ["framework.badArguments", { problem: rich(code("count"), " must be a whole number."), usage: "!offer <count> <title…>" }],
  ["framework.notAllowed", { whoMay: "the box operators", command: "!silence" }],
  ["framework.tooLong", { limit: 2000 }],
  ["framework.failed", { command: "!offer" }],
  ["argument.missing", { name: "title" }],
  ["argument.invalid", { name: "count", accepts: "a whole number from 1 to 20" }],
  ["argument.unexpected", { extra: "please" }],
  ["argument.wholeNumber.between", { min: 1, max: 20 }],
  ["argument.text", { max: 200 }],
  ["argument.rest", { max: 1000 }],
  ["argument.userId", {}],
  ["help.usage", { usage: "!offer <count> <title…>" }],
  ["help.more", { usage: "!help <command>" }],
  ["help.moreDirect", { usage: "!help <command>" }],
  ["help.restricted", { whoMay: "room moderators", commands: rich(code("!close"), ", ", code("!pin")) }],
  ["help.anyoneMay", {}],
  ["help.onlyMay", { whoMay: "the box operators" }],
  ["help.optional", {}],
  ["help.summary", {}],
  ["language.current", { language: "English", usage: "!language <code>", choices: rich(code("en"), " and ", code("es")) }],
  ["language.changed", { language: "Español" }],
  ["language.unknown", { asked: "klingon", choices: rich(code("en"), " and ", code("es")) }],
  ["language.summary", {}],
  ["permission.moderator", { level: 50 }],
  ["permission.operator", {}],
  ["porch.welcome.hello", { block: "Maple Street", neighbor: mention("@ana:maple.mesh", "Ana") }],
  ["porch.welcome.lobby", {}],
  ["porch.welcome.sharing", {}],
  ["porch.welcome.governance", {}],
  ["porch.welcome.meshAlerts", {}],
  ["porch.welcome.commands", {}],
  ["porch.welcome.language", {}],
  ["porch.welcome.offline", {}],
  ["porch.welcomeBack", { neighbor: mention("@ana:maple.mesh", "Ana") }],
  ["porch.aboutCommand.what", { block: "Maple Street" }],
  ["porch.aboutCommand.server", { serverName: "maple.mesh", publicUrl: "https://maple.mesh:8443" }],
  ["porch.aboutCommand.operators", { operators: mention("@admin:maple.mesh") }],
  ["porch.aboutCommand.noOperators", {}],
  ["porch.aboutCommand.summary", {}],
  ["porch.overview.intro", {}],
  ["porch.overview.inRooms", { rooms: "Sharing" }],
  ["porch.overview.direct", { bot: mention("@share:maple.mesh", "Sharing board") }],
  ["porch.overview.anyBot", {}],
  ["porch.overview.mine", {}],
  ["porch.norms.heading", {}],
  ["porch.norms.howTheyChange", { example: '!propose norms "…"' }],
  ["porch.about", {}],
];

type Template = (values: MessageValues) => RichText;
const tagBuilders: Record<string, (...pieces: Inline[]) => RichText> = { b: bold, i: italic, code: (...pieces) => code(rich(...pieces).text) };

/** The plain template a developer would have written for this English message (plural and select: their `other`). */
function templateOf(elements: readonly MessageFormatElement[]): (values: MessageValues) => Inline[] {
  const parts = elements.map((element): ((values: MessageValues) => Inline) => {
    if (isLiteralElement(element)) return () => element.value;
    if (isPoundElement(element)) return () => "#";
    if (isTagElement(element)) {
      const inner = templateOf(element.children);
      const build = tagBuilders[element.value] ?? rich;
      return (values) => build(...inner(values));
    }
    if (isPluralElement(element) || isSelectElement(element)) {
      const other = templateOf(element.options.other?.value ?? []);
      return (values) => other(values);
    }
    const name = element.value;
    const plain = isArgumentElement(element);
    return (values) => {
      const value = values[name];
      return plain ? (value as Inline) : String(value);
    };
  });
  return (values) => parts.map((part) => part(values));
}

function timeLoop(rounds: number, once: () => void): number {
  const started = performance.now();
  for (let round = 0; round < rounds; round++) once();
  return performance.now() - started;
}

export function measureRenderRatio(rounds = 2_000): Record<string, number> {
  if (commonReplies.length !== 50) throw new Error(`render_ratio needs the 50 most common replies; the list has ${commonReplies.length}`);
  const english = catalogFor("en");
  const templates: Array<readonly [Template, MessageValues]> = commonReplies.map(([key, values]) => {
    const template = templateOf(parse(english[key]));
    return [(given) => message(...template(given)), values] as const;
  });
  const catalog = () => {
    for (const [key, values] of commonReplies) say("en", key, values, "UTC");
  };
  const plain = () => {
    for (const [template, values] of templates) template(values);
  };
  // Warm both paths (message compilation, JIT), then alternate sets so drift hits both alike.
  timeLoop(200, catalog);
  timeLoop(200, plain);
  let catalogMs = 0;
  let plainMs = 0;
  for (let set = 0; set < 10; set++) {
    catalogMs += timeLoop(rounds / 10, catalog);
    plainMs += timeLoop(rounds / 10, plain);
  }
  return { render_ratio: catalogMs / plainMs };
}
