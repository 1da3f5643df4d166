// !close (author or moderator), !members (operator's voting list) and !remind (a neighbor's own
// reminders), with their Spanish names. Each decides an outcome (a catalog message for the asker) and
// the command says it in the asker's language.

import type { BotContext, RichText } from "../framework/contract.ts";
import { optional, text, userId } from "../framework/commandArguments.ts";
import { defineCommand, type Command } from "../framework/defineCommand.ts";
import { moderatorPowerLevel } from "../framework/permissions.ts";
import { bulletList, code, joinPieces, mention, message, paragraph } from "../framework/richText.ts";
import { supportedLanguages, type MessageKey } from "../framework/languages.ts";
import { sayPlain, speakerFor, words, type MessageRef, type Speaker } from "../framework/speak.ts";
import { closePoll } from "./closePoll.ts";
import { isOwnMember } from "./eligibleVoters.ts";
import { pollNumber } from "./pollNumberArgument.ts";
import { loadPoll, membersList, saveMembersList, setRemindersOff } from "./pollStore.ts";
import { problemMessage } from "./pollWords.ts";

async function mayClose(context: BotContext, roomId: string, sender: string, author: string): Promise<boolean> {
  return sender === author || (await context.actions.powerLevel(roomId, sender)) >= moderatorPowerLevel;
}

/** Why a !close is refused, or undefined when the poll closes (its results are the answer). */
async function closeRefusal(context: BotContext, number: number, sender: string, closing: Set<number>): Promise<MessageRef | undefined> {
  const poll = loadPoll(context.store, number);
  const values = { number: String(number) };
  if (poll === undefined) return words("polls.noPoll", values);
  if (poll.status !== "open") return words("polls.close.already", values);
  if (!(await mayClose(context, poll.roomId, sender, poll.author))) return words("polls.close.notAllowed", values);
  const closed = await closePoll(context, number, closing, { by: sender });
  return closed === undefined ? words("polls.close.closing", values) : undefined;
}

function closeCommand(closing: Set<number>): Command {
  return defineCommand({
    name: "close",
    aliases: ["cerrar"],
    summary: words("polls.close.summary"),
    args: [pollNumber("poll")],
    permission: "anyone",
    run: async ({ args, sender, context }) => {
      const refusal = await closeRefusal(context, args.poll, sender, closing);
      return refusal === undefined ? undefined : problemMessage(speakerFor(context, sender), refusal);
    },
  });
}

type MembersAction = (context: BotContext, speaker: Speaker, user: string | undefined) => RichText;

const membersActions: Readonly<Record<string, MembersAction>> = {
  list(context, speaker) {
    const members = membersList(context.store);
    if (members.length === 0) return message(speaker.say("polls.members.none"));
    return message(paragraph(speaker.say("polls.members.list", { count: members.length })), bulletList(members.map((member) => mention(member))));
  },
  add(context, speaker, user) {
    if (user === undefined)
      return message(speaker.say("polls.members.whom", { example: `!members ${speaker.plain(actionWords.add)} @bea:${context.neighborhood.serverName}` }));
    if (!isOwnMember(context, user)) return message(speaker.say("polls.members.notMember", { server: context.neighborhood.serverName }));
    saveMembersList(context.store, [...membersList(context.store), user]);
    return message(speaker.say("polls.members.added", { neighbor: mention(user) }));
  },
  remove(context, speaker, user) {
    if (user === undefined)
      return message(speaker.say("polls.members.whom", { example: `!members ${speaker.plain(actionWords.remove)} @bea:${context.neighborhood.serverName}` }));
    const members = membersList(context.store);
    if (!members.includes(user)) return message(speaker.say("polls.members.notOnList", { neighbor: mention(user) }));
    saveMembersList(
      context.store,
      members.filter((member) => member !== user),
    );
    return message(speaker.say("polls.members.removed", { neighbor: mention(user) }));
  },
};

/** Each action's word in the catalogs ("quitar" for remove): a neighbor types English or their language's, and is shown theirs. */
const actionWords: Readonly<Record<"list" | "add" | "remove", MessageKey>> = {
  list: "polls.members.word.list",
  add: "polls.members.word.add",
  remove: "polls.members.word.remove",
};

function actionOf(typed: string): MembersAction | undefined {
  const word = typed.toLowerCase();
  const name = Object.entries(actionWords).find(
    ([action, key]) => action === word || supportedLanguages.some((language) => sayPlain(language, key).toLowerCase() === word),
  )?.[0];
  return name === undefined ? undefined : membersActions[name];
}

const membersCommand = defineCommand({
  name: "members",
  aliases: ["miembros"],
  summary: words("polls.members.summary"),
  details: words("polls.members.details"),
  args: [text("action"), optional(userId("user"))],
  permission: "operator",
  run: ({ args, context, sender }) => {
    const speaker = speakerFor(context, sender);
    const action = actionOf(args.action);
    return action === undefined
      ? message(
          speaker.say("polls.members.use", {
            commands: joinPieces(
              Object.values(actionWords).map((key) => code(`!members ${speaker.plain(key)}`)),
              ", ",
            ),
          }),
        )
      : action(context, speaker, args.user);
  },
});

// Whether reminders are off, by what a neighbor typed ("off", or "no" in Spanish).
const reminderSettings: Readonly<Record<string, boolean>> = { off: true, on: false, no: true, sí: false, si: false };

const remindCommand = defineCommand({
  name: "remind",
  aliases: ["recordar"],
  summary: words("polls.remind.summary"),
  args: [text("setting")],
  permission: "anyone",
  run: ({ args, sender, context }) => {
    const speaker = speakerFor(context, sender);
    const off = reminderSettings[args.setting.toLowerCase()];
    if (off === undefined) return message(speaker.say("polls.remind.use"));
    setRemindersOff(context.store, sender, off);
    return message(speaker.say(off ? "polls.remind.off" : "polls.remind.on"));
  },
});

export function manageCommands(closing: Set<number>): readonly Command[] {
  return [closeCommand(closing), membersCommand, remindCommand];
}
