// join_signup_ratio_p95: 20 neighbors sign up through the join page at once (from the first request to
// the account being ready: the page's POST /join/signup answering success), over 20 raw registrations
// straight to Synapse's client API at once (UIA m.login.registration_token, as Element would), p95 of
// each set, in the same run and Synapse.
//
// The block comes from the test harness, which relaxes Synapse's rate limits (rc_registration, rc_login…):
// both sets meet the same Synapse, so the ratio measures what the page adds, not Synapse's limits. The
// page's own per-address limiter is left as it is: its default burst lets 20 sign-ups from one address
// through at once (a sign-up evening behind one mesh NAT address), so all 20 come from loopback.
//
// Between sets the Porch bot's welcomes to the last set are awaited, so no set shares Synapse with the
// previous one's aftermath. A third set, printed only, makes the raw registration plus the two calls the
// page adds after it (the display name, then logout) straight to Synapse, each timed: it says whether a
// gap is the page or those calls. A sign-up the page refuses (e.g. its 15 s wait on each Synapse call
// running out on a loaded machine) fails the benchmark after every set is printed: no figure is made up.
import { performance } from "node:perf_hooks";
import { registerNeighbor, startTestNeighborhood, type TestNeighborhood } from "../test/harness/testNeighborhood.ts";
import { percentile } from "./percentile.ts";

const NEIGHBORS = 20;
const PASSWORD = "lemon tree by the gate";
// Welcomes to a set of 20 take seconds on a loaded machine; past this the next set starts anyway.
const SETTLE_MS = 120_000;
const failures: string[] = [];

export async function measureJoinSignup(): Promise<Record<string, number>> {
  const block = await startTestNeighborhood({ name: "Bench Block" });
  try {
    const clientUrl = block.running.clientUrl;
    // Warm Synapse (password hashing, auto-join) before either set is timed; not through the page, whose
    // per-address burst is for the 20 measured sign-ups.
    const warmToken = await block.newToken(2);
    for (const name of ["warm0", "warm1"]) await registerNeighbor(clientUrl, name, PASSWORD, warmToken);

    await settled(block, ["warm0", "warm1"]);
    const raw = await timeAll(block, "raw", (name, token) => registerNeighbor(clientUrl, name, PASSWORD, token));
    const page = await timeAll(block, "page", (name, token) => signUpThroughPage(block, name, token));
    const phases: Phases = { register: [], displayName: [], logout: [] };
    const rawWithExtras = await timeAll(block, "extra", (name, token) => registerLikeThePage(clientUrl, name, token, phases));

    const ms = (samples: number[]) => `p50 ${percentile(samples, 50).toFixed(0)} ms, p95 ${percentile(samples, 95).toFixed(0)} ms`;
    console.log(`  raw registration ${ms(raw)}; join page ${ms(page)}`);
    console.log(
      `  raw + the page's two extra calls ${ms(rawWithExtras)}: register ${ms(phases.register)}, ` +
        `display name ${ms(phases.displayName)}, logout ${ms(phases.logout)}`,
    );
    // Every set runs and is printed before a refusal fails the benchmark, so a failure still says why.
    if (failures.length > 0) throw new Error(failures.join("; "));
    return { join_signup_ratio_p95: percentile(page, 95) / percentile(raw, 95) };
  } finally {
    await block.stop();
  }
}

/**
 * Runs NEIGHBORS sign-ups at once, each with a fresh username and one shared token; their times in ms.
 * Then waits for the Porch bot's welcomes to them, so that the next set does not share Synapse with them.
 */
async function timeAll(block: TestNeighborhood, prefix: string, signUp: (name: string, token: string) => Promise<unknown>): Promise<number[]> {
  const token = await block.newToken(NEIGHBORS);
  const names = Array.from({ length: NEIGHBORS }, (_, i) => `${prefix}${i}`);
  const outcomes = await Promise.all(
    names.map(async (name) => {
      const started = performance.now();
      const refused = await signUp(name, token).then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      return { ms: performance.now() - started, refused };
    }),
  );
  await settled(block, names);
  const refusals = outcomes.filter((outcome) => outcome.refused !== undefined);
  if (refusals.length > 0) {
    const times = outcomes.map((outcome) => `${outcome.ms.toFixed(0)}${outcome.refused ? "!" : ""}`).join(" ");
    console.log(`  ${prefix}: ${refusals.length} of ${NEIGHBORS} refused, e.g. ${refusals[0]!.refused}; times in ms (! refused): ${times}`);
    failures.push(`${refusals.length} of ${NEIGHBORS} ${prefix} sign-ups refused: ${refusals[0]!.refused}`);
  }
  return outcomes.map((outcome) => outcome.ms);
}

/** Waits (bounded) until the Porch bot has welcomed each of these neighbors in the Lobby. */
async function settled(block: TestNeighborhood, localparts: readonly string[]): Promise<void> {
  const { clientUrl, operatorToken, rooms, neighborhood } = block.running;
  const lobby = encodeURIComponent(rooms.get("lobby")!);
  const porch = `@porch:${neighborhood.server_name}`;
  const userIds = localparts.map((localpart) => `@${localpart}:${neighborhood.server_name}`);
  const deadline = Date.now() + SETTLE_MS;
  while (Date.now() < deadline) {
    const response = await fetch(`${clientUrl}/_matrix/client/v3/rooms/${lobby}/messages?dir=b&limit=200`, {
      headers: { authorization: `Bearer ${operatorToken}` },
    });
    const { chunk = [] } = (await response.json()) as { chunk?: { sender: string; content: { body?: unknown } }[] };
    const welcomes = chunk.filter((event) => event.sender === porch).map((event) => String(event.content.body));
    if (userIds.every((userId) => welcomes.some((body) => body.includes(userId)))) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  console.log(`  (the Porch bot had not welcomed all of ${localparts[0]}… after ${SETTLE_MS / 1000} s; going on)`);
}

async function signUpThroughPage(block: TestNeighborhood, username: string, token: string): Promise<void> {
  const response = await fetch(`${block.running.element.url}/join/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, displayName: `Neighbor ${username}`, password: PASSWORD, token, acceptNorms: true }),
  });
  const body = (await response.json()) as { ok?: boolean; message?: string };
  if (response.status !== 200 || body.ok !== true) throw new Error(`the join page refused ${username}: ${response.status} ${body.message ?? ""}`);
}

interface Phases {
  register: number[];
  displayName: number[];
  logout: number[];
}

/** What synapseSignup.ts does, made directly: registration, the display name, then logout, each timed. */
async function registerLikeThePage(clientUrl: string, username: string, token: string, phases: Phases): Promise<void> {
  let started = performance.now();
  const lap = (into: number[]) => {
    const now = performance.now();
    into.push(now - started);
    started = now;
  };
  const { user_id, access_token } = await registerNeighbor(clientUrl, username, PASSWORD, token);
  lap(phases.register);
  const call = async (path: string, method: string, body: unknown) => {
    const response = await fetch(`${clientUrl}/_matrix/client/v3/${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${access_token}` },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path} for ${username}: ${response.status} ${await response.text()}`);
  };
  await call(`profile/${encodeURIComponent(user_id)}/displayname`, "PUT", { displayname: `Neighbor ${username}` });
  lap(phases.displayName);
  await call("logout", "POST", {});
  lap(phases.logout);
}
