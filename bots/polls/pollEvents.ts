// MSC3381 poll events: the names Element sends today (unstable) and the stable ones, read both ways,
// and the start/end contents built the way matrix-js-sdk serializes them (PollStartEvent, PollEndEvent).

import type { MatrixEvent } from "../framework/contract.ts";
import type { PollOption, StoredResponse } from "./pollModel.ts";

export const pollStartType = "org.matrix.msc3381.poll.start";
export const pollResponseType = "org.matrix.msc3381.poll.response";
export const pollEndType = "org.matrix.msc3381.poll.end";
export const textFallbackKey = "org.matrix.msc1767.text";
export const disclosedKind = "org.matrix.msc3381.poll.disclosed";
export const undisclosedKind = "org.matrix.msc3381.poll.undisclosed";

const responseTypes: ReadonlySet<string> = new Set([pollResponseType, "m.poll.response"]);
const endTypes: ReadonlySet<string> = new Set([pollEndType, "m.poll.end"]);

export interface StartContentInput {
  question: string;
  options: readonly PollOption[];
  maxSelections: number;
  hidden: boolean;
}

export function pollStartContent(input: StartContentInput): Record<string, unknown> {
  return {
    [pollStartType]: {
      question: { [textFallbackKey]: input.question },
      kind: input.hidden ? undisclosedKind : disclosedKind,
      max_selections: input.maxSelections,
      answers: input.options.map((option) => ({ id: option.id, [textFallbackKey]: option.label })),
    },
    // Clients without polls show this: the question and numbered answers, as js-sdk writes it.
    [textFallbackKey]: `${input.question}\n${input.options.map((option, index) => `${index + 1}. ${option.label}`).join("\n")}`,
  };
}

export function pollEndContent(startEventId: string, closingText: string): Record<string, unknown> {
  return {
    "m.relates_to": { rel_type: "m.reference", event_id: startEventId },
    [pollEndType]: {},
    [textFallbackKey]: closingText,
    body: closingText,
    msgtype: "m.text",
  };
}

function referencedEvent(event: MatrixEvent): string | undefined {
  const relation = event.content["m.relates_to"];
  if (typeof relation !== "object" || relation === null) return undefined;
  const { rel_type: relType, event_id: eventId } = relation as Record<string, unknown>;
  return relType === "m.reference" && typeof eventId === "string" ? eventId : undefined;
}

/** A response's answer ids under either name, or undefined when they are malformed (a spoiled vote). */
function responseAnswers(event: MatrixEvent): string[] | undefined {
  const block = event.content[pollResponseType] ?? event.content["m.poll.response"];
  const answers = typeof block === "object" && block !== null ? (block as Record<string, unknown>).answers : event.content["m.selections"];
  if (!Array.isArray(answers)) return undefined;
  // A plain loop: this runs once per response, and a tally reads thousands.
  for (let index = 0; index < answers.length; index += 1) if (typeof answers[index] !== "string") return undefined;
  return answers as string[];
}

/** A response as stored, plus the poll start event it answers. */
export interface ReadResponse extends StoredResponse {
  startEventId: string;
}

export function readPollResponse(event: MatrixEvent): ReadResponse | undefined {
  if (!responseTypes.has(event.type)) return undefined;
  const startEventId = referencedEvent(event);
  if (startEventId === undefined) return undefined;
  return { startEventId, eventId: event.event_id, sender: event.sender, ts: event.origin_server_ts, answers: responseAnswers(event) };
}

/** The start event an end event refers to, when it is one. */
export function readPollEnd(event: MatrixEvent): string | undefined {
  return endTypes.has(event.type) ? referencedEvent(event) : undefined;
}

/** The event a redaction removes: top-level `redacts` before room version 11, `content.redacts` from it on. */
export function readRedactedEventId(event: MatrixEvent): string | undefined {
  if (event.type !== "m.room.redaction") return undefined;
  const topLevel = (event as unknown as Record<string, unknown>).redacts;
  const redacts = event.content.redacts ?? topLevel;
  return typeof redacts === "string" ? redacts : undefined;
}
