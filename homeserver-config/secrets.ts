// Secrets are generated once, kept in files only their owner can read (0600), and never printed.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SECRET_NAMES = [
  "registration_shared_secret",
  "macaroon_secret_key",
  "form_secret",
  "appservice_as_token",
  "appservice_hs_token",
  // Bearer token for the bots' webhooks (mesh alerts from the monitor or an Alertmanager).
  "webhook_token",
  "operator_password",
  // Encrypts the bots' crypto store (their devices' identity keys and sessions) at rest.
  "bot_crypto_passphrase",
] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export type Secrets = Readonly<Record<SecretName, string>> & { readonly dir: string };

export function secretPath(dir: string, name: SecretName): string {
  return join(dir, name);
}

/** Creates any missing secret (existing ones are never replaced) and returns them all. */
export function ensureSecrets(dir: string): Secrets {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const values = Object.fromEntries(
    SECRET_NAMES.map((name) => {
      const path = secretPath(dir, name);
      if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
      chmodSync(path, 0o600);
      return [name, readFileSync(path, "utf8").trim()];
    }),
  ) as Record<SecretName, string>;
  return { ...values, dir };
}
