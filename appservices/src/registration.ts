// The appservice registration Synapse reads (app_service_config_files). Built from code so the user
// namespace always matches exactly the bots the host runs.

export interface NamespaceEntry {
  exclusive: boolean;
  regex: string;
}

export interface AppserviceRegistration {
  id: string;
  url: string;
  as_token: string;
  hs_token: string;
  sender_localpart: string;
  rate_limited: boolean;
  receive_ephemeral: boolean;
  "org.matrix.msc3202": boolean;
  "io.element.msc4190": boolean;
  namespaces: {
    users: NamespaceEntry[];
    aliases: NamespaceEntry[];
    rooms: NamespaceEntry[];
  };
}

export interface RegistrationInput {
  id: string;
  serverName: string;
  url: string;
  asToken: string;
  hsToken: string;
  senderLocalpart: string;
  botLocalparts: readonly string[];
  /** Aliases of the rooms the appservice creates (the neighborhood's space and rooms). */
  aliasLocalparts?: readonly string[];
}

/** Escapes the characters that are special in both JavaScript and Python (Synapse) regexes. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function buildRegistration(input: RegistrationInput): AppserviceRegistration {
  const localparts = [input.senderLocalpart, ...input.botLocalparts].map(escapeRegex);
  return {
    id: input.id,
    url: input.url,
    as_token: input.asToken,
    hs_token: input.hsToken,
    sender_localpart: input.senderLocalpart,
    // Bots must be able to answer twenty neighbors at once; the bot framework rate-limits per user instead.
    rate_limited: false,
    // Encryption (botCrypto.ts): to-device messages come only to appservices that receive ephemeral events;
    // MSC3202 adds device lists and key counts; MSC4190 lets the appservice create its bots' devices.
    receive_ephemeral: true,
    "org.matrix.msc3202": true,
    "io.element.msc4190": true,
    namespaces: {
      // Exactly our users on this server: no neighbor can register a name a bot might later need.
      users: [{ exclusive: true, regex: `^@(?:${localparts.join("|")}):${escapeRegex(input.serverName)}$` }],
      // Synapse lets appservice users create aliases only inside the appservice's alias namespace; it
      // also keeps neighbors from taking #lobby before provisioning does.
      aliases: input.aliasLocalparts?.length
        ? [{ exclusive: true, regex: `^#(?:${input.aliasLocalparts.map(escapeRegex).join("|")}):${escapeRegex(input.serverName)}$` }]
        : [],
      rooms: [],
    },
  };
}
