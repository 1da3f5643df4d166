// What !about tells a neighbor: what BlockShare is, this neighborhood's server, and who runs the box.

import type { Neighborhood, RichText } from "../framework/contract.ts";
import type { Language } from "../framework/languages.ts";
import { link, mention, message, paragraph } from "../framework/richText.ts";
import { listOf, say } from "../framework/speak.ts";

export function aboutMessage(neighborhood: Neighborhood, language: Language): RichText {
  const operators = neighborhood.operators.map((operator) => mention(operator));
  return message(
    paragraph(say(language, "porch.aboutCommand.what", { block: neighborhood.name })),
    paragraph(say(language, "porch.aboutCommand.server", { serverName: neighborhood.serverName, publicUrl: link(neighborhood.publicUrl) })),
    paragraph(
      operators.length > 0
        ? say(language, "porch.aboutCommand.operators", { operators: listOf(language, operators) })
        : say(language, "porch.aboutCommand.noOperators"),
    ),
  );
}
