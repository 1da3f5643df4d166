// `blockshare invite`: a registration token (an ordinary one, listed and revoked like `token create`'s)
// handed out as a flyer: PDFs in A4 and Letter to print, a PNG to share in a chat. The flyer speaks the
// block's language (the neighborhood file's `language`), or the one `--language` names; what the command
// prints is for the operator, in English.
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describeToken } from "./firstNeighborsToken.ts";
import { registrationTokens, type RegistrationToken } from "./homeserverAdmin.ts";
import { communityCa, type CommunityCa } from "./inviteCommunityCa.ts";
import { flyerPdf, type FlyerContent } from "./inviteFlyer.ts";
import { flyerPng, type FlyerPng } from "./inviteFlyerPng.ts";
import { joinLink } from "./joinLink.ts";
import { openOperatorSession } from "./operatorSession.ts";
import { wholeNumber } from "./tokenCommands.ts";
import { UsageError } from "./usageError.ts";
import { readLanguage, supportedLanguages, type Language } from "../../bots/framework/languages.ts";
import { say, sayPlain } from "../../bots/framework/speak.ts";

const DAY_MS = 86_400_000;

export interface InviteOptions {
  uses?: string;
  expires?: string;
  out?: string;
  language?: string;
}

interface InviteRequest {
  usesAllowed: number | null;
  days: number | null;
  outDir: string | undefined;
  /** Undefined: the block's language. */
  language: Language | undefined;
}

/** Checks the options before anything is created, so a mistake costs no token. */
export function inviteRequest(options: InviteOptions): InviteRequest {
  const uses = wholeNumber("uses", options.uses, 10);
  const days = wholeNumber("expires", options.expires, 7);
  if (options.out !== undefined) {
    const out = resolve(options.out);
    if (existsSync(out) && !statSync(out).isDirectory()) {
      throw new UsageError(`--out must be a directory (an existing one, or a new one to create): ${out} is a file.`);
    }
  }
  const language = options.language === undefined ? undefined : readLanguage(options.language);
  if (options.language !== undefined && language === undefined) {
    throw new UsageError(`--language must be one of ${supportedLanguages.join(", ")} (got "${options.language}").`);
  }
  return {
    usesAllowed: uses === 0 ? null : uses,
    days: days === 0 ? null : days,
    outDir: options.out === undefined ? undefined : resolve(options.out),
    language,
  };
}

export interface WrittenInvite {
  token: RegistrationToken;
  link: string;
  ca: CommunityCa | undefined;
  files: { a4: string; letter: string; png: string };
  png: FlyerPng;
}

export async function inviteCommand(file: string, options: InviteOptions): Promise<void> {
  const request = inviteRequest(options);
  const session = openOperatorSession(file);
  const token = await registrationTokens.create(session.clientUrl, await session.adminToken(), {
    usesAllowed: request.usesAllowed,
    expiryTime: request.days === null ? null : Date.now() + request.days * DAY_MS,
  });
  const { neighborhood } = session;
  const invite = await writeInvite(token, {
    blockName: neighborhood.name,
    link: joinLink(neighborhood, token.token),
    ca: communityCa(neighborhood.dataDir),
    outDir: request.outDir ?? join(neighborhood.dataDir, "invites"),
    language: request.language ?? neighborhood.language,
    timeZone: neighborhood.time_zone,
  });
  console.log(describeInvite(neighborhood.name, invite));
}

async function writeInvite(
  token: RegistrationToken,
  flyer: { blockName: string; link: string; ca: CommunityCa | undefined; outDir: string; language: Language; timeZone: string },
): Promise<WrittenInvite> {
  const content: FlyerContent = {
    blockName: flyer.blockName,
    link: flyer.link,
    caFingerprint: flyer.ca?.fingerprint,
    validity: validity(token, flyer.language, flyer.timeZone),
    language: flyer.language,
  };
  mkdirSync(flyer.outDir, { recursive: true });
  const base = join(flyer.outDir, `invite-${token.token}`);
  const files = { a4: `${base}-a4.pdf`, letter: `${base}-letter.pdf`, png: `${base}.png` };
  writeFileSync(files.a4, await flyerPdf(content, "A4"));
  writeFileSync(files.letter, await flyerPdf(content, "LETTER"));
  const png = await flyerPng(files.a4, files.png, flyer.link);
  return { token, link: flyer.link, ca: flyer.ca, files, png };
}

/** For how many people and until when, the day in the block's time zone (0 uses: any number of people). */
export function validity(token: Pick<RegistrationToken, "uses_allowed" | "expiry_time">, language: Language, timeZone: string): string {
  const uses = token.uses_allowed ?? 0;
  return token.expiry_time === null
    ? sayPlain(language, "flyer.validity", { uses })
    : say(language, "flyer.validityUntil", { uses, until: new Date(token.expiry_time) }, timeZone).text;
}

export function describeInvite(blockName: string, invite: WrittenInvite): string {
  const lines = [
    `Invite to ${blockName}: registration token ${describeToken(invite.token)}`,
    `  Join link: ${invite.link}`,
    `  To print: ${invite.files.a4} (A4)`,
    `            ${invite.files.letter} (Letter)`,
    invite.png.kind === "flyer"
      ? `  To share in a chat: ${invite.files.png}`
      : `  To share in a chat: ${invite.files.png} (the QR code only: ${invite.png.reason})`,
    invite.ca
      ? `  Community CA fingerprint (SHA-256) on the flyer: ${invite.ca.fingerprint}`
      : [
          "  This block has no community CA yet, so the flyer has no fingerprint to compare (it says so).",
          "  The first block of a mesh creates one: deploy/blockshare ca create; a block joining a mesh trusts its CA: deploy/blockshare ca trust CA.pem",
        ].join("\n"),
    `  It is listed by deploy/blockshare token list; revoke it with: deploy/blockshare token revoke ${invite.token.token}`,
  ];
  return lines.join("\n");
}
