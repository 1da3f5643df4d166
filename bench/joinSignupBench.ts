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
// A third set, printed only, makes the raw registration plus the two calls the page adds after it (the
// display name, then logout) straight to Synapse: it says whether the gap is the page or those calls.
import { performance } from "node:perf_hooks";
import { registerNeighbor, startTestNeighborhood, type TestNeighborhood } from "../test/harness/testNeighborhood.ts";
import { percentile } from "./percentile.ts";

const NEIGHBORS = 20;
const PASSWORD = "lemon tree by the gate";

export async function measureJoinSignup(): Promise<Record<string, number>> {
  const block = await startTestNeighborhood({ name: "Bench Block" });
  try {
    const clientUrl = block.running.clientUrl;
    // Warm Synapse (password hashing, auto-join) before either set is timed; not through the page, whose
    // per-address burst is for the 20 measured sign-ups.
    const warmToken = await block.newToken(2);
    for (const name of ["warm0", "warm1"]) await registerNeighbor(clientUrl, name, PASSWORD, warmToken);

    const raw = await timeAll(block, "raw", (name, token) => registerNeighbor(clientUrl, name, PASSWORD, token));
    const page = await timeAll(block, "page", (name, token) => signUpThroughPage(block, name, token));
    const rawWithExtras = await timeAll(block, "extra", (name, token) => registerLikeThePage(clientUrl, name, token));

    const ms = (samples: number[]) => `p50 ${percentile(samples, 50).toFixed(0)} ms, p95 ${percentile(samples, 95).toFixed(0)} ms`;
    console.log(`  raw registration ${ms(raw)}; join page ${ms(page)}; raw + display name + logout ${ms(rawWithExtras)}`);
    return { join_signup_ratio_p95: percentile(page, 95) / percentile(raw, 95) };
  } finally {
    await block.stop();
  }
}

/** Runs NEIGHBORS sign-ups at once, each with a fresh username and one shared token; their times in ms. */
async function timeAll(block: TestNeighborhood, prefix: string, signUp: (name: string, token: string) => Promise<unknown>): Promise<number[]> {
  const token = await block.newToken(NEIGHBORS);
  return Promise.all(
    Array.from({ length: NEIGHBORS }, async (_, i) => {
      const started = performance.now();
      await signUp(`${prefix}${i}`, token);
      return performance.now() - started;
    }),
  );
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

/** What synapseSignup.ts does after registering, made directly: the display name, then logout. */
async function registerLikeThePage(clientUrl: string, username: string, token: string): Promise<void> {
  const { user_id, access_token } = await registerNeighbor(clientUrl, username, PASSWORD, token);
  const call = async (path: string, method: string, body: unknown) => {
    const response = await fetch(`${clientUrl}/_matrix/client/v3/${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${access_token}` },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path} for ${username}: ${response.status} ${await response.text()}`);
  };
  await call(`profile/${encodeURIComponent(user_id)}/displayname`, "PUT", { displayname: `Neighbor ${username}` });
  await call("logout", "POST", {});
}
