// The words of the Lobby's pinned norms: the block's own text, a line per norm, and how it changes.

import type { RichText } from "../framework/contract.ts";
import { bulletList, heading, message, paragraph } from "../framework/richText.ts";
import type { Speaker } from "../framework/speak.ts";

export function normsMessage(norms: string, speak: Speaker): RichText {
  const norm = norms
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  return message(
    heading(speak.say("porch.norms.heading")),
    bulletList(norm),
    paragraph(speak.say("porch.norms.howTheyChange", { example: '!propose norms "…"' })),
  );
}
