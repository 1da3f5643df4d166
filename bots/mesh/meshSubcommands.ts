// The words after `!mesh`: status, node, adopt, unadopt, silence, unsilence. Each is a command as data
// (typed arguments, aliases in other languages, run); `!mesh` itself (meshCommand.ts) looks them up by
// name or alias. Each decides an outcome (meshOutcomes.ts, exported for tests) and says it to the
// neighbor who asked, in their language (meshWords.ts).

import type { RichText } from "../framework/contract.ts";
import type { CommandRequest } from "../framework/defineCommand.ts";
import { defineCommand, type Command } from "../framework/defineCommand.ts";
import { duration, optional, rest, text, userId } from "../framework/commandArguments.ts";
import { permissionRules } from "../framework/permissions.ts";
import { speakerFor, words } from "../framework/speak.ts";
import { nodesOf } from "./incident.ts";
import { aliasesOf } from "./meshCommandWords.ts";
import type { MeshReply } from "./meshOutcomes.ts";
import { nodeIsKnown, nodeView, statusView } from "./meshReports.ts";
import { meshState, uplinkOutage, type MeshState } from "./meshState.ts";
import { meshReplyWords } from "./meshWords.ts";
import { sameNode } from "./nodeNames.ts";

const minute = 60 * 1000;
const nodeArgument = text("node", { maxLength: 100 });

/** Who may silence a node: whoever looks after it, the box operators, and moderators of the room asked in. */
async function mayManage(node: string, request: CommandRequest): Promise<boolean> {
  const { sender, context } = request;
  if (meshState(context).owners.of(node).includes(sender)) return true;
  if (await permissionRules.operator.allows(request)) return true;
  return permissionRules.moderator.allows(request);
}

async function mayActForOthers(request: CommandRequest): Promise<boolean> {
  return (await permissionRules.moderator.allows(request)) || (await permissionRules.operator.allows(request));
}

export function adoptNode(state: MeshState, node: string, sender: string): MeshReply {
  if (!state.owners.add(node, sender)) return { kind: "alreadyOwner", node };
  return { kind: "adopted", node, knownNode: nodeIsKnown(node, state) };
}

export function unadoptNode(state: MeshState, node: string, who: string, sender: string, mayActForOthers: boolean): MeshReply {
  if (who !== sender && !mayActForOthers) return { kind: "unadoptRefused" };
  const self = who === sender;
  return state.owners.remove(node, who) ? { kind: "unadopted", node, who, self } : { kind: "notOwner", node, who, self };
}

export function silenceNode(state: MeshState, silence: { node: string; lasts: number; by: string; reason?: string | undefined }, now: number): MeshReply {
  const { node, lasts, by, reason } = silence;
  state.silences.set({ node, since: now, until: now + lasts, by, ...(reason === undefined ? {} : { reason }) });
  const openIncidents = state.book.allFiring().filter((incident) => nodesOf(incident).some((name) => sameNode(name, node))).length;
  return { kind: "silenced", node, lasts, until: now + lasts, openIncidents };
}

export function unsilenceNode(state: MeshState, node: string, now: number): MeshReply {
  return state.silences.remove(node, now) === undefined ? { kind: "notSilenced", node } : { kind: "unsilenced", node };
}

/** The outcome said to the neighbor who asked, in their language. */
function answer(request: CommandRequest, reply: MeshReply): RichText {
  return meshReplyWords(speakerFor(request.context, request.sender), reply, meshSubcommands);
}

const adopt = defineCommand({
  name: "adopt",
  aliases: aliasesOf("adopt"),
  summary: words("mesh.adopt.summary"),
  args: [nodeArgument],
  permission: "anyone",
  run: ({ args, ...request }) => answer(request, adoptNode(meshState(request.context), args.node, request.sender)),
});

const unadopt = defineCommand({
  name: "unadopt",
  aliases: aliasesOf("unadopt"),
  summary: words("mesh.unadopt.summary"),
  args: [nodeArgument, optional(userId("who"))],
  permission: "anyone",
  run: async ({ args, ...request }) => {
    const who = args.who ?? request.sender;
    const forOthers = who !== request.sender && (await mayActForOthers(request));
    return answer(request, unadoptNode(meshState(request.context), args.node, who, request.sender, forOthers));
  },
});

const silence = defineCommand({
  name: "silence",
  aliases: aliasesOf("silence"),
  summary: words("mesh.silence.summary"),
  details: words("mesh.silence.details"),
  args: [nodeArgument, duration("for", { min: minute, max: 30 * 24 * 60 * minute }), optional(rest("reason", { maxLength: 200 }))],
  permission: "anyone",
  run: async ({ args, ...request }) => {
    if (!(await mayManage(args.node, request))) return answer(request, { kind: "manageRefused", node: args.node, action: "silence" });
    const { context, sender } = request;
    return answer(request, silenceNode(meshState(context), { node: args.node, lasts: args.for, by: sender, reason: args.reason }, context.now()));
  },
});

const unsilence = defineCommand({
  name: "unsilence",
  aliases: aliasesOf("unsilence"),
  summary: words("mesh.unsilence.summary"),
  args: [nodeArgument],
  permission: "anyone",
  run: async ({ args, ...request }) => {
    if (!(await mayManage(args.node, request))) return answer(request, { kind: "manageRefused", node: args.node, action: "unsilence" });
    return answer(request, unsilenceNode(meshState(request.context), args.node, request.context.now()));
  },
});

const status = defineCommand({
  name: "status",
  aliases: aliasesOf("status"),
  summary: words("mesh.status.summary"),
  args: [],
  permission: "anyone",
  run: ({ ...request }) => {
    const { context } = request;
    return answer(request, { kind: "status", view: statusView(meshState(context), uplinkOutage(context), context.now()) });
  },
});

const node = defineCommand({
  name: "node",
  aliases: aliasesOf("node"),
  summary: words("mesh.node.summary"),
  args: [nodeArgument],
  permission: "anyone",
  run: ({ args, ...request }) => answer(request, { kind: "node", view: nodeView(args.node, meshState(request.context), request.context.now()) }),
});

export const meshSubcommands: readonly Command[] = [status, node, adopt, unadopt, silence, unsilence];

/** A subcommand by the word typed after `!mesh`, in any language. */
export function subcommandNamed(word: string): Command | undefined {
  return meshSubcommands.find((command) => command.name === word || command.aliases.includes(word));
}

/** What `!mesh` says when no subcommand ran: the menu, or why the arguments did not fit. */
export function meshAnswer(request: CommandRequest, reply: MeshReply): RichText {
  return answer(request, reply);
}
