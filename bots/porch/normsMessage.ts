// The words of the Lobby's pinned norms: the block's own text, a line per norm, and how it changes.

import type { RichText } from "../framework/contract.ts";
import { bulletList, code, heading, message, paragraph } from "../framework/richText.ts";

export function normsMessage(norms: string): RichText {
  const norm = norms.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  return message(
    heading("Our block's norms"),
    bulletList(norm),
    paragraph("Everyone here can have a say in them: they change only by a proposal the block passes in Governance, like ", code('!propose norms "…"'), ". This message is kept up to date."),
  );
}
