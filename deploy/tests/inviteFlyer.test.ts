// `blockshare invite`: the flyer a neighbor gets handed. Its PNG's QR code decodes (zbarimg) to the join
// link, whose token signs up a real account on a real Synapse and is listed like any other; the PDFs render
// (pdftoppm) in A4 and Letter and hold the block's name, the link and the community CA's fingerprint.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createCommunityCa, federationPaths } from "../../homeserver-config/communityCa.ts";
import { fingerprintLines, flyerPdf, flyerSteps } from "../src/inviteFlyer.ts";
import { validity } from "../src/inviteCommand.ts";
import { say, sayPlain } from "../../bots/framework/speak.ts";
import { parse, stringify } from "yaml";
import { flyerPng } from "../src/inviteFlyerPng.ts";
import { joinLink, tokenInFragment } from "../src/joinLink.ts";
import { registerNeighbor, startTestNeighborhood, type TestNeighborhood } from "../../test/harness/testNeighborhood.ts";

const cli = join(import.meta.dirname, "..", "src", "cli.ts");
const run = promisify(execFile);

async function blockshare(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function tool(command: string, ...args: string[]): Promise<string> {
  return (await run(command, args, { timeout: 60_000 })).stdout;
}

test("the join link is plain HTTP on the Element port for run, on port 80 behind nginx, with the token in the fragment", () => {
  const site = { public_url: "https://chat.maple.mesh:8443/", reverse_proxy: false, ports: { element: 8080 } };
  assert.equal(joinLink(site, "abc234"), "http://chat.maple.mesh:8080/join#token=abc234");
  assert.equal(joinLink({ ...site, reverse_proxy: true }, "abc234"), "http://chat.maple.mesh/join#token=abc234");
  assert.equal(joinLink({ public_url: "http://10.0.0.5:8008", reverse_proxy: false, ports: { element: 8080 } }, "t"), "http://10.0.0.5:8080/join#token=t");
  assert.equal(tokenInFragment(new URL(joinLink(site, "abc234")).hash), "abc234");
  assert.equal(tokenInFragment(""), undefined);
});

test("without poppler's pdftoppm the PNG is the QR code alone, and says why", async () => {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-invite-png-"));
  const link = "http://10.0.0.5:8080/join#token=abcdefghjkmnpqrs";
  writeFileSync(join(dir, "a4.pdf"), await flyerPdf({ blockName: "Elm", link, caFingerprint: undefined, validity: "", language: "en" }, "A4"));
  const path = process.env.PATH;
  process.env.PATH = dir;
  try {
    const png = await flyerPng(join(dir, "a4.pdf"), join(dir, "flyer.png"), link);
    assert.deepEqual(png, { kind: "qr code only", reason: "pdftoppm is not installed (Debian: apt-get install poppler-utils)" });
  } finally {
    process.env.PATH = path;
  }
  assert.equal((await tool("zbarimg", "--quiet", "--raw", join(dir, "flyer.png"))).trim(), link);
});

test("how long an invite works, in the flyer's language, its last day in the block's time zone", () => {
  // 03:00 UTC on December 10 is still December 9 in New York.
  const token = { uses_allowed: 2, expiry_time: Date.UTC(2026, 11, 10, 3) };
  assert.equal(validity(token, "en", "America/New_York"), "This invite lets up to 2 people sign up until December 9, 2026.");
  assert.equal(validity(token, "en", "UTC"), "This invite lets up to 2 people sign up until December 10, 2026.");
  assert.equal(validity({ uses_allowed: 1, expiry_time: null }, "en", "UTC"), "This invite lets one person sign up.");
  assert.equal(validity({ uses_allowed: null, expiry_time: null }, "en", "UTC"), "This invite lets any number of people sign up.");
  const spanish = validity(token, "es", "America/New_York");
  assert.equal(spanish, say("es", "flyer.validityUntil", { uses: 2, until: new Date(token.expiry_time) }, "America/New_York").text);
  assert.ok(spanish.includes(new Intl.DateTimeFormat("es", { timeZone: "America/New_York", dateStyle: "long" }).format(token.expiry_time)), spanish);
  assert.equal(validity({ uses_allowed: null, expiry_time: null }, "es", "UTC"), sayPlain("es", "flyer.validity", { uses: 0 }));
});

test("a flyer made in Spanish says everything in Spanish, from the catalog", async () => {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-invite-es-"));
  const link = "http://10.0.0.5:8080/join#token=abcdefghjkmnpqrs";
  const file = join(dir, "es.pdf");
  writeFileSync(file, await flyerPdf({ blockName: "Calle Arce", link, caFingerprint: undefined, validity: "", language: "es" }, "A4"));
  const text = (await tool("pdftotext", file, "-")).replace(/\s+/g, " ");
  for (const key of ["flyer.tagline", "flyer.noFingerprint", ...flyerSteps.map(([title]) => title)] as const) {
    assert.ok(text.includes(sayPlain("es", key)), `${key}: ${text}`);
  }
  assert.ok(text.includes(sayPlain("es", "flyer.title", { block: "Calle Arce" })));
  assert.doesNotMatch(text, /Open the link|Trust your block/);
});

describe("invite on a running block", () => {
  let block: TestNeighborhood;
  let out: string;
  before(async () => {
    block = await startTestNeighborhood({ name: "Maple Street", bots: [] });
    out = mkdtempSync(join(tmpdir(), "blockshare-invites-"));
  });
  after(async () => {
    await block?.stop();
  });

  const tokenCount = async () => (await blockshare("token", "list", "--all", "--config", block.file)).stdout.trim().split("\n").length;

  test("bad options get a plain message naming what is accepted, and create no token", async () => {
    const before = await tokenCount();
    const file = join(out, "not-a-directory");
    writeFileSync(file, "x");
    const cases: [string[], RegExp][] = [
      [["--uses", "-1"], /--uses must be a whole number from 0 to 999999 \(got "-1"\)/],
      [["--expires", "x"], /--expires must be a whole number from 0 to 999999 \(got "x"\)/],
      [["--out", file], /--out must be a directory \(an existing one, or a new one to create\): .*not-a-directory is a file/],
      [["--language", "klingon"], /--language must be one of en, es \(got "klingon"\)/],
    ];
    for (const [args, message] of cases) {
      const result = await blockshare("invite", ...args, "--config", block.file);
      assert.equal(result.code, 1, args.join(" "));
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, "no stack trace");
    }
    assert.equal(await tokenCount(), before);
  });

  test("a Spanish-speaking block's flyer is in Spanish, PDF and PNG; --language en makes an English one", async () => {
    const original = readFileSync(block.file, "utf8");
    writeFileSync(block.file, stringify({ ...parse(original), language: "es" }));
    try {
      const spanish = join(out, "spanish");
      const made = await blockshare("invite", "--out", spanish, "--config", block.file);
      assert.equal(made.code, 0, made.stderr);
      const a4 = readdirSync(spanish).find((name) => name.endsWith("-a4.pdf"))!;
      const text = (await tool("pdftotext", join(spanish, a4), "-")).replace(/\s+/g, " ");
      assert.ok(text.includes(sayPlain("es", "flyer.title", { block: "Maple Street" })), text);
      assert.ok(text.includes(sayPlain("es", "flyer.step.account")), text);
      assert.ok(text.includes(sayPlain("es", "flyer.revoke")), text);
      // The PNG is the A4 page: a real image of it, and its QR code is still the link.
      const png = join(spanish, readdirSync(spanish).find((name) => name.endsWith(".png"))!);
      assert.ok(readFileSync(png).length > 50_000, "the whole page, not the QR code alone");
      const link = /Join link: (\S+)/.exec(made.stdout)?.[1];
      assert.equal((await tool("zbarimg", "--quiet", "--raw", png)).trim(), link);

      const english = join(out, "english");
      const chosen = await blockshare("invite", "--language", "en", "--out", english, "--config", block.file);
      assert.equal(chosen.code, 0, chosen.stderr);
      const englishText = await tool("pdftotext", join(english, readdirSync(english).find((name) => name.endsWith("-letter.pdf"))!), "-");
      assert.match(englishText, /Join Maple Street/);
      assert.match(englishText, /Create your account/);
    } finally {
      writeFileSync(block.file, original);
    }
  });

  test("without a community CA the flyer says there is no fingerprint yet and the command says how to create one", async () => {
    const dir = join(out, "no-ca");
    const result = await blockshare("invite", "--out", dir, "--config", block.file);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /no community CA yet/);
    assert.match(result.stdout, /deploy\/blockshare ca create/);
    const a4 = readdirSync(dir).find((name) => name.endsWith("-a4.pdf"))!;
    const text = await tool("pdftotext", join(dir, a4), "-");
    assert.match(text, /no certificate fingerprint yet/);
  });

  test("the flyer's QR code signs up a neighbor, its PDFs hold the name, link and CA fingerprint in A4 and Letter", async () => {
    const ca = createCommunityCa(federationPaths(block.running.neighborhood.dataDir), "Maple mesh");
    const dir = join(out, "flyers");
    const result = await blockshare("invite", "--uses", "2", "--expires", "3", "--out", dir, "--config", block.file);
    assert.equal(result.code, 0, result.stderr);
    const link = /Join link: (\S+)/.exec(result.stdout)?.[1];
    assert.ok(link, result.stdout);
    const { element } = block.running.neighborhood.ports;
    assert.match(link, new RegExp(`^http://127\\.0\\.0\\.1:${element}/join#token=[a-z2-9]{16}$`));
    const token = tokenInFragment(new URL(link).hash)!;
    const files = {
      a4: join(dir, `invite-${token}-a4.pdf`),
      letter: join(dir, `invite-${token}-letter.pdf`),
      png: join(dir, `invite-${token}.png`),
    };
    for (const file of Object.values(files)) assert.match(result.stdout, new RegExp(file.replaceAll(".", "\\.")));
    assert.match(result.stdout, new RegExp(ca.fingerprint256));

    // The PNG's QR code is the join link, and its token is an ordinary one: listed, and it signs up.
    assert.equal((await tool("zbarimg", "--quiet", "--raw", files.png)).trim(), link);
    assert.match((await blockshare("token", "list", "--config", block.file)).stdout, new RegExp(`${token}\\s+\\(2 of 2 uses left`));
    const neighbor = await registerNeighbor(block.running.clientUrl, "flyerneighbor", "a long enough passphrase", token);
    assert.match(neighbor.user_id, /^@flyerneighbor:/);
    assert.match((await blockshare("token", "list", "--config", block.file)).stdout, new RegExp(`${token}\\s+\\(1 of 2 uses left`));

    // Both PDFs render, at their paper's size, and read back with the name, the link and the fingerprint.
    const sizes = { a4: /Page size:\s+595\.28 x 841\.89 pts \(A4\)/, letter: /Page size:\s+612 x 792 pts \(letter\)/ };
    for (const paper of ["a4", "letter"] as const) {
      assert.match(await tool("pdfinfo", files[paper]), sizes[paper]);
      const rendered = join(dir, `rendered-${paper}`);
      await tool("pdftoppm", "-png", "-r", "50", "-singlefile", files[paper], rendered);
      assert.ok(existsSync(`${rendered}.png`), `${paper} renders`);
      const text = await tool("pdftotext", files[paper], "-");
      assert.match(text, /Join Maple Street/);
      assert.ok(text.includes(link), `${paper} holds the link`);
      for (const line of fingerprintLines(ca.fingerprint256)) assert.ok(text.includes(line), `${paper} holds the fingerprint: ${line}`);
      for (const step of ["Open the link", "Trust your block", "Create your account"]) assert.ok(text.includes(step), `${paper}: ${step}`);
    }
  });
});
