// The words after `!mesh`: adopt, unadopt, silence, unsilence, status, node. Each is a command as data
// (typed arguments, run); `!mesh` itself (meshCommand.ts) looks them up by name.

import type { CommandRequest } from "../framework/defineCommand.ts";
import { defineCommand, type Command } from "../framework/defineCommand.ts";
import { duration, optional, rest, text, userId } from "../framework/commandArguments.ts";
import { formatDuration } from "../framework/durations.ts";
import { permissionRules } from "../framework/permissions.ts";
import type { RichText } from "../framework/contract.ts";
import { bold, bulletList, code, message, rich } from "../framework/richText.ts";
import { nodesOf } from "./incident.ts";
import { sameNode } from "./nodeNames.ts";
import { formatTime } from "./meshMessages.ts";
import { nodeIsKnown, nodeReport, statusReport } from "./meshReports.ts";
import { meshState, uplinkOutage } from "./meshState.ts";

const minute = 60 * 1000;
const nodeArgument = text("node", { maxLength: 100 });

/** Who may silence a node: whoever looks after it, the box operators, and moderators of the room asked in. */
async function mayManage(node: string, request: CommandRequest): Promise<boolean> {
  const { sender, context } = request;
  if (meshState(context).owners.of(node).includes(sender)) return true;
  if (await permissionRules.operator.allows(request)) return true;
  return permissionRules.moderator.allows(request);
}

function notAllowed(node: string, action: string) {
  return message(
    `Only the node's owners (`, code(`!mesh adopt ${node}`), `), the box operators and room moderators can ${action} ${node}.`,
  );
}

const adopt = defineCommand({
  name: "adopt",
  summary: "Say you look after a node: you are mentioned in its alerts and told by private message",
  args: [nodeArgument],
  permission: "anyone",
  run: ({ args, sender, context }) => {
    const state = meshState(context);
    if (!state.owners.add(args.node, sender)) return message("You already look after ", bold(args.node), ".");
    const hint = nodeIsKnown(args.node, state)
      ? ""
      : " I haven't had an alert about a node by that name yet, so check it is spelled as on the map.";
    return message(
      "Thanks! You now look after ", bold(args.node),
      `: I'll mention you in its alerts and tell you in a private chat.${hint}`,
    );
  },
});

const unadopt = defineCommand({
  name: "unadopt",
  summary: "Stop looking after a node (moderators may name someone else)",
  args: [nodeArgument, optional(userId("who"))],
  permission: "anyone",
  run: async (invocation) => {
    const { args, sender, context } = invocation;
    const who = args.who ?? sender;
    if (who !== sender && !(await permissionRules.moderator.allows(invocation)) && !(await permissionRules.operator.allows(invocation))) {
      return message("Only room moderators and the box operators can remove someone else as a node's owner.");
    }
    const removed = meshState(context).owners.remove(args.node, who);
    const subject = who === sender ? "You" : who;
    if (!removed) return message(`${subject} ${who === sender ? "don't" : "doesn't"} look after `, bold(args.node), ".");
    return message(`${subject} no longer ${who === sender ? "look" : "looks"} after `, bold(args.node), ".");
  },
});

const silence = defineCommand({
  name: "silence",
  summary: "Hold back a node's alerts for a while (its owners, moderators, operators)",
  details: "Alerts about the node, and links that end at it, are still recorded but not posted. If a problem is still there when the silence ends, it is posted then.",
  args: [nodeArgument, duration("for", { min: minute, max: 30 * 24 * 60 * minute }), optional(rest("reason", { maxLength: 200 }))],
  permission: "anyone",
  run: async (invocation) => {
    const { args, sender, context } = invocation;
    if (!(await mayManage(args.node, invocation))) return notAllowed(args.node, "silence");
    const now = context.now();
    const state = meshState(context);
    state.silences.set({
      node: args.node,
      since: now,
      until: now + args.for,
      by: sender,
      ...(args.reason === undefined ? {} : { reason: args.reason }),
    });
    const open = state.book.allFiring().filter((incident) => nodesOf(incident).some((name) => sameNode(name, args.node))).length;
    return message(
      "Alerts about ", bold(args.node), ` are held back for ${formatDuration(args.for)}, until ${formatTime(now + args.for)}.`,
      open > 0 ? ` It has ${open} open incident${open === 1 ? "" : "s"}.` : "",
      " ", code(`!mesh unsilence ${args.node}`), " ends it early.",
    );
  },
});

const unsilence = defineCommand({
  name: "unsilence",
  summary: "End a node's silence now",
  args: [nodeArgument],
  permission: "anyone",
  run: async (invocation) => {
    const { args, context } = invocation;
    if (!(await mayManage(args.node, invocation))) return notAllowed(args.node, "unsilence");
    const removed = meshState(context).silences.remove(args.node, context.now());
    if (removed === undefined) return message(bold(args.node), " is not silenced.");
    return message("Alerts about ", bold(args.node), " are posted again; anything still failing shows up in a moment.");
  },
});

const status = defineCommand({
  name: "status",
  summary: "Open incidents, silences and the internet connection",
  args: [],
  permission: "anyone",
  run: ({ context }) => statusReport(meshState(context), uplinkOutage(context), context.now()),
});

const node = defineCommand({
  name: "node",
  summary: "One node: its incidents, owners and silence",
  args: [nodeArgument],
  permission: "anyone",
  run: ({ args, context }) => nodeReport(args.node, meshState(context), context.now()),
});

export const meshSubcommands: readonly Command[] = [status, node, adopt, unadopt, silence, unsilence];

/** "!mesh silence <node> <for> [reason…]" */
export function subcommandUsage(command: Command): string {
  return `!mesh ${command.usage.slice(1)}`;
}

export function subcommandList(): RichText {
  return bulletList(meshSubcommands.map((command) => rich(code(subcommandUsage(command)), ` — ${command.summary}`)));
}
