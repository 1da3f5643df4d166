// !close (author or moderator), !members (operator's voting list) and !remind (a neighbor's own reminders).

import type { BotContext, RichText } from "../framework/contract.ts";
import { optional, text, userId } from "../framework/commandArguments.ts";
import { defineCommand, type Command } from "../framework/defineCommand.ts";
import { moderatorPowerLevel } from "../framework/permissions.ts";
import { bulletList, code, joinPieces, mention, message, paragraph } from "../framework/richText.ts";
import { closePoll } from "./closePoll.ts";
import { isOwnMember } from "./eligibleVoters.ts";
import { pollNumber } from "./pollNumberArgument.ts";
import { loadPoll, membersList, saveMembersList, setRemindersOff } from "./pollStore.ts";

async function mayClose(context: BotContext, roomId: string, sender: string, author: string): Promise<boolean> {
  return sender === author || (await context.actions.powerLevel(roomId, sender)) >= moderatorPowerLevel;
}

function closeCommand(closing: Set<number>): Command {
  return defineCommand({
    name: "close",
    summary: "Close a poll now (its author or a moderator)",
    args: [pollNumber("poll")],
    permission: "anyone",
    run: async ({ args, sender, context }) => {
      const poll = loadPoll(context.store, args.poll);
      if (poll === undefined) return message(`There is no poll ${args.poll}. Send `, code("!polls"), " to see the open ones.");
      if (poll.status !== "open") return message(`Poll ${args.poll} is already closed.`);
      if (!(await mayClose(context, poll.roomId, sender, poll.author))) return message(`Only the author of poll ${args.poll} or a moderator of its room can close it early.`);
      const closed = await closePoll(context, args.poll, closing, { by: sender });
      return closed === undefined ? message(`Poll ${args.poll} is closing already.`) : undefined;
    },
  });
}

type MembersAction = (context: BotContext, user: string | undefined) => RichText;

const membersActions: Readonly<Record<string, MembersAction>> = {
  list(context) {
    const members = membersList(context.store);
    if (members.length === 0) return message("There is no members list, so each poll counts this block's members who are in its room when it opens.");
    return message(paragraph(`Members who vote (${members.length}):`), bulletList(members.map((member) => mention(member))));
  },
  add(context, user) {
    if (user === undefined) return message("Whom? E.g. ", code(`!members add @bea:${context.neighborhood.serverName}`));
    if (!isOwnMember(context, user)) return message(`Only members of this block (IDs ending in :${context.neighborhood.serverName}, not the bots) can be on the list.`);
    saveMembersList(context.store, [...membersList(context.store), user]);
    return message("Added ", mention(user), ". New polls count the members list instead of the room.");
  },
  remove(context, user) {
    if (user === undefined) return message("Whom? E.g. ", code(`!members remove @bea:${context.neighborhood.serverName}`));
    const members = membersList(context.store);
    if (!members.includes(user)) return message(mention(user), " is not on the list.");
    saveMembersList(context.store, members.filter((member) => member !== user));
    return message("Removed ", mention(user), ". Polls already open keep the voters they opened with.");
  },
};

const membersCommand = defineCommand({
  name: "members",
  summary: "The block's voting members list: list, add or remove (operators)",
  details: "When the list is empty, each poll counts this block's members joined in its room when it opens. When it has names, only they vote.",
  args: [text("action"), optional(userId("user"))],
  permission: "operator",
  run: ({ args, context }) => {
    const action = membersActions[args.action.toLowerCase()];
    return action === undefined
      ? message("Use ", joinPieces(Object.keys(membersActions).map((name) => code(`!members ${name}`)), ", "), ".")
      : action(context, args.user);
  },
});

const reminderSettings: Readonly<Record<string, boolean>> = { off: true, on: false };

const remindCommand = defineCommand({
  name: "remind",
  summary: "Turn off (or on) my reminders to vote, a day before a poll closes",
  args: [text("setting")],
  permission: "anyone",
  run: ({ args, sender, context }) => {
    const off = reminderSettings[args.setting.toLowerCase()];
    if (off === undefined) return message("Use ", code("!remind off"), " or ", code("!remind on"), ".");
    setRemindersOff(context.store, sender, off);
    return message(off ? "OK, no more reminders to vote." : "OK, I'll remind you a day before a poll closes if you haven't voted.");
  },
});

export function manageCommands(closing: Set<number>): readonly Command[] {
  return [closeCommand(closing), membersCommand, remindCommand];
}
