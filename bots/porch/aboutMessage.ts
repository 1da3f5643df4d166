// What !about tells a neighbor: what BlockShare is, this neighborhood's server, and who runs the box.

import type { Neighborhood, RichText } from "../framework/contract.ts";
import { bold, code, joinPieces, link, mention, message, paragraph } from "../framework/richText.ts";

export function aboutMessage(neighborhood: Neighborhood): RichText {
  const operators = neighborhood.operators.map((operator) => mention(operator));
  return message(
    paragraph(
      bold("BlockShare"), " is ", bold(neighborhood.name), "'s own chat: it runs on a small computer in the neighborhood, ",
      "so neighbors can talk, share and decide things together, even when the internet is down.",
    ),
    paragraph("Server: ", code(neighborhood.serverName), ". To join from Element, use ", link(neighborhood.publicUrl), " as the homeserver."),
    paragraph(
      operators.length > 0
        ? ["This box is looked after by ", joinPieces(operators, ", "), ". Ask them if something isn't working."]
        : "No one is listed as running this box yet.",
    ),
  );
}
