// The community CA as an iPhone/iPad configuration profile: iOS installs a root certificate from a
// .mobileconfig (a plist with one com.apple.security.root payload); the person then turns on full
// trust in Settings → General → About → Certificate Trust Settings.
import { createHash, X509Certificate } from "node:crypto";
import type { Language } from "../../../bots/framework/languages.ts";
import { sayPlain } from "../../../bots/framework/speak.ts";

export const MOBILECONFIG_TYPE = "application/x-apple-aspen-config";

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** UUIDs derived from the certificate, so the same CA always gives the same profile (iOS replaces rather than duplicates it). */
function uuidFrom(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`.toUpperCase();
}

/** The profile's name as iOS shows it while installing, and the join page's instructions name it. */
export function profileName(blockName: string, language: Language): string {
  return sayPlain(language, "join.profile.name", { block: blockName });
}

/** The profile's words are in `language`, the join page's. */
export function caMobileconfig(caPem: string, blockName: string, language: Language = "en"): string {
  const certificate = new X509Certificate(caPem);
  const der = certificate.raw.toString("base64");
  const id = certificate.fingerprint256.replace(/:/g, "").toLowerCase().slice(0, 16);
  const name = escapeXml(profileName(blockName, language));
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>PayloadContent</key>
  <array>
    <dict>
      <key>PayloadCertificateFileName</key>
      <string>community-ca.cer</string>
      <key>PayloadContent</key>
      <data>${der}</data>
      <key>PayloadDescription</key>
      <string>${escapeXml(sayPlain(language, "join.profile.description"))}</string>
      <key>PayloadDisplayName</key>
      <string>${name}</string>
      <key>PayloadIdentifier</key>
      <string>org.blockshare.ca.${id}.root</string>
      <key>PayloadType</key>
      <string>com.apple.security.root</string>
      <key>PayloadUUID</key>
      <string>${uuidFrom(`root:${id}`)}</string>
      <key>PayloadVersion</key>
      <integer>1</integer>
    </dict>
  </array>
  <key>PayloadDisplayName</key>
  <string>${name}</string>
  <key>PayloadIdentifier</key>
  <string>org.blockshare.ca.${id}</string>
  <key>PayloadRemovalDisallowed</key>
  <false/>
  <key>PayloadType</key>
  <string>Configuration</string>
  <key>PayloadUUID</key>
  <string>${uuidFrom(`profile:${id}`)}</string>
  <key>PayloadVersion</key>
  <integer>1</integer>
</dict>
</plist>
`;
}
