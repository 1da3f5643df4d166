// The host hands a bot an m.room.encrypted event only when the bot's device could not decrypt it, after
// waiting for the key and asking the sender's device for it. Silence would look like a broken bot: the
// sender is told, in their language, what happened and what to do. Once per encryption session and room,
// so a neighbor whose session never reached the bot gets one answer, not one per message.
import type { BotContext, MatrixEvent } from "./contract.ts";
import { say } from "./speak.ts";

const rememberedSessions = 1_000;

export function undecryptableReply(): (event: MatrixEvent, context: BotContext) => Promise<void> {
  const answered = new Set<string>();
  return async (event, context) => {
    const session = `${event.room_id} ${String(event.content.session_id ?? event.event_id)}`;
    if (answered.has(session)) return;
    if (answered.size >= rememberedSessions) answered.clear();
    answered.add(session);
    const language = context.community.languageOf(event.sender);
    await context.actions.sendMessage(event.room_id, say(language, "framework.undecryptable"), { replyTo: event.event_id });
  };
}
