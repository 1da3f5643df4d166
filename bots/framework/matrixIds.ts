// Matrix user IDs as the spec's grammar allows them (including historical localparts), so that
// commands only ever act on, and permissions only ever compare, full IDs like @alice:block.example.

const maxUserIdLength = 255;
// Historical localparts may hold any printable ASCII except ":" (spec: appendix, user identifiers).
const localpart = String.raw`[\x21-\x39\x3B-\x7E]+`;
const hostname = String.raw`[A-Za-z0-9.\-]{1,255}`;
const ipv6Literal = String.raw`\[[0-9A-Fa-f:.]{2,45}\]`;
const port = "(?::[0-9]{1,5})?";
const fullUserId = new RegExp(`^@${localpart}:(?:${ipv6Literal}|${hostname})${port}$`);

export function isFullUserId(candidate: string): boolean {
  return candidate.length <= maxUserIdLength && fullUserId.test(candidate);
}
