// The join page itself: one self-contained document (inline CSS and script, no fonts, images or
// CDNs), so it works on a mesh with the uplink down. Phone-first: one column, large targets, 16px+
// inputs (iOS zooms smaller ones). The script reads the invitation token from location.hash, which
// the browser never sends to a server.
import { PASSWORD_MIN_LENGTH, usernameRule } from "./signupOutcome.ts";
import { addressQrSvg } from "./addressQr.ts";

export interface JoinPageView {
  blockName: string;
  norms: string;
  /** SHA-256 of the community CA, "AB:CD:…"; absent while the block has none. */
  caFingerprint?: string;
  /** The address neighbors type in Element X (public_url). */
  serverAddress: string;
  /** Where the block's own Element Web is, when this box serves one. */
  elementWebUrl?: string;
  /**
   * On plain HTTP when the block also serves the page over HTTPS (`run` with a community-CA certificate):
   * the HTTPS join page, where accounts are created. The page moves there once the device trusts the CA.
   */
  secureJoinUrl?: string;
  /** This copy of the page is served over HTTPS, so the device already trusts the block. */
  secure?: boolean;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/** Eight groups of four bytes per line reads like the flyer and fits a phone's width. */
function fingerprintHtml(fingerprint: string): string {
  const bytes = fingerprint.split(":");
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 4) groups.push(bytes.slice(i, i + 4).join(":"));
  return groups.map(escape).join(" ");
}

function trustSection(view: JoinPageView): string {
  if (!view.caFingerprint) {
    return `<p>This block has no community certificate yet, so there is nothing to install. You can still create your
account below; the block's organiser will share the certificate once there is one.</p>`;
  }
  return `<p>Your phone needs your block's certificate before the chat app can connect safely.</p>
<p>Its fingerprint (compare it with the one on your flyer; they must be the same):</p>
<p class="fingerprint" id="fingerprint" aria-label="Certificate fingerprint">${fingerprintHtml(view.caFingerprint)}</p>
<p class="buttons"><a class="button" href="/join/ca.crt" download="community-ca.crt">Download the certificate</a>
<a class="button secondary" href="/join/ca.mobileconfig">iPhone or iPad profile</a></p>
<details><summary>Android</summary><ol>
<li>Tap “Download the certificate”.</li>
<li>Open Settings → Security (or Security &amp; privacy) → More security settings → Install a certificate → <strong>CA certificate</strong>.</li>
<li>Tap “Install anyway”, then choose the downloaded file <code>community-ca.crt</code>.</li></ol></details>
<details><summary>iPhone or iPad</summary><ol>
<li>Open this page in Safari and tap “iPhone or iPad profile”, then “Allow”.</li>
<li>Open Settings → Profile Downloaded → Install.</li>
<li>Then Settings → General → About → <strong>Certificate Trust Settings</strong>, and turn on full trust for “${escape(view.blockName)} community certificate”.</li></ol></details>
<details><summary>Laptop browsers</summary><ol>
<li>Firefox: Settings → Privacy &amp; Security → Certificates → View Certificates → Authorities → Import, and tick “Trust this CA to identify websites”.</li>
<li>Chrome or Edge: Settings → Privacy and security → Security → Manage certificates → Authorities (or Trusted Root Certification Authorities) → Import.</li>
<li>Safari on a Mac: open the file in Keychain Access, then set it to “Always Trust”.</li></ol></details>
<p id="trusted" class="good" role="status"${view.secure ? "" : " hidden"}>This device already trusts your block. You can go on to step 2.</p>`;
}

function appSection(view: JoinPageView): string {
  const web = view.elementWebUrl
    ? `<a href="${escape(view.elementWebUrl)}">open the block's Element Web</a> and sign in`
    : `use Element Desktop (this block does not serve Element Web yet) and sign in`;
  return `<p>Your account is <strong id="user-id"></strong>. Your password stays with you: this page kept no copy.</p>
<p>Server address to type in the app:</p>
<p class="address"><code>${escape(view.serverAddress)}</code></p>
<p>Signing up on a laptop? Scan this with your phone to get the server address there:</p>
<p class="qr">${addressQrSvg(view.serverAddress, `QR code of the server address ${view.serverAddress}`)}</p>
<ul>
<li><strong>Android or iPhone:</strong> install <strong>Element X</strong>, tap “Sign in”, change the server to the address above, then sign in with your username and password.</li>
<li><strong>Laptop:</strong> ${web} with the same username and password.</li>
</ul>`;
}

/** Step 2 where accounts are created: username, display name, password, token, norms. */
function accountForm(view: JoinPageView): string {
  return `<form id="signup" novalidate>
<label for="username">Username</label>
<p class="hint" id="username-hint">${escape(usernameRule)}</p>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required aria-describedby="username-hint username-status">
<p class="status" id="username-status" aria-live="polite"></p>
<label for="display-name">Display name</label>
<p class="hint" id="display-name-hint">How neighbors see you, for example “Ana from number 12”.</p>
<input type="text" id="display-name" name="displayName" autocomplete="name" aria-describedby="display-name-hint">
<label for="password">Password</label>
<p class="hint" id="password-hint">At least ${PASSWORD_MIN_LENGTH} characters. A short sentence is easy to remember.</p>
<input type="password" id="password" name="password" autocomplete="new-password" required minlength="${PASSWORD_MIN_LENGTH}" aria-describedby="password-hint">
<label for="token">Invitation code</label>
<p class="hint" id="token-hint">Filled in from your flyer's link. You can also type it.</p>
<input type="text" id="token" name="token" autocomplete="off" autocapitalize="none" spellcheck="false" required aria-describedby="token-hint">
<fieldset>
<legend>The block's norms</legend>
<div class="norms" id="norms">${escape(view.norms)}</div>
<label class="check"><input type="checkbox" id="accept" name="acceptNorms"> I accept the block's norms</label>
</fieldset>
<p class="error" id="form-error" role="alert"></p>
<button type="submit" id="submit">Create my account</button>
</form>
<p class="good" id="created" hidden>Your account is ready.</p>`;
}

/** Step 2 on plain HTTP when the block serves HTTPS: the password only travels over HTTPS. */
function secureStep(secureJoinUrl: string): string {
  return `<p>You create your account on your block's secure page, once this device trusts your block (step 1).
This page moves there by itself when it does.</p>
<p class="buttons"><a class="button" id="secure-link" href="${escape(secureJoinUrl)}">Continue on the secure page</a></p>
<p class="hint">If the secure page shows a warning, install the certificate in step 1 first.</p>`;
}

export function joinPageHtml(view: JoinPageView): string {
  const name = escape(view.blockName);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Join ${name}</title>
<style>
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 1.0625rem/1.5 system-ui, sans-serif; color: #1b1b1b; background: #fff; }
main { max-width: 36rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 0 0 .5rem; }
section { border: 2px solid #d0d0d0; border-radius: .75rem; padding: 1rem; margin: 0 0 1rem; }
.step { color: #0b4f8a; }
label { display: block; font-weight: 600; margin-top: .9rem; }
.hint { margin: .15rem 0 .3rem; color: #404040; font-size: .95rem; }
input[type=text], input[type=password] { width: 100%; font-size: 1.0625rem; padding: .7rem; border: 2px solid #6b6b6b; border-radius: .5rem; }
input:focus, a:focus, button:focus, summary:focus { outline: 3px solid #0b4f8a; outline-offset: 2px; }
.check { display: flex; gap: .6rem; align-items: center; font-weight: 600; }
.check input { width: 1.6rem; height: 1.6rem; }
.norms { white-space: pre-line; background: #f4f4f4; border-radius: .5rem; padding: .75rem; margin: .3rem 0; }
fieldset { border: 0; padding: 0; margin: 1rem 0 0; }
legend { font-weight: 600; }
button, .button { display: inline-block; min-height: 48px; font: inherit; font-weight: 600; padding: .7rem 1.1rem; border: 0; border-radius: .5rem; background: #0b4f8a; color: #fff; text-decoration: none; margin: .3rem .3rem .3rem 0; cursor: pointer; }
.secondary { background: #fff; color: #0b4f8a; border: 2px solid #0b4f8a; }
button[type=submit] { width: 100%; margin-top: 1rem; }
.fingerprint, .address code { font-family: ui-monospace, monospace; overflow-wrap: anywhere; background: #f4f4f4; padding: .5rem; border-radius: .5rem; display: block; }
summary { min-height: 44px; padding: .6rem 0; font-weight: 600; cursor: pointer; }
.status { min-height: 1.5em; margin: .2rem 0 0; font-weight: 600; }
.bad { color: #a30000; }
.good { color: #0a6b2d; font-weight: 600; }
.error { border: 2px solid #a30000; background: #fff3f3; color: #a30000; border-radius: .5rem; padding: .7rem; font-weight: 600; }
.error:empty { display: none; }
.qr svg { display: block; width: 220px; height: 220px; max-width: 100%; }
</style>
</head>
<body>
<main>
<h1>Join ${name}</h1>
<p>Three short steps: trust your block, create your account, open the app.</p>
<noscript><p class="error">This page needs JavaScript to create your account.</p></noscript>

<section aria-labelledby="trust-heading">
<h2 id="trust-heading"><span class="step">1.</span> Trust your block</h2>
${trustSection(view)}
</section>

<section aria-labelledby="account-heading">
<h2 id="account-heading"><span class="step">2.</span> Create your account</h2>
${view.secureJoinUrl ? secureStep(view.secureJoinUrl) : accountForm(view)}
</section>


<section aria-labelledby="app-heading" id="open-app" hidden>
<h2 id="app-heading" tabindex="-1"><span class="step">3.</span> Open the app</h2>
${appSection(view)}
</section>
</main>
<script>
(function () {
  "use strict";
  var form = document.getElementById("signup");
  var field = function (id) { return document.getElementById(id); };

  // On plain HTTP while the block serves HTTPS: once this device trusts the block's CA, a request to the
  // secure page succeeds (an untrusted certificate fails it), and the page moves there with the token.
  var secureJoinUrl = ${JSON.stringify(view.secureJoinUrl ?? "")};
  if (secureJoinUrl) {
    var moveWhenTrusted = function (triesLeft) {
      fetch(new URL("trusted", secureJoinUrl + "/").href, { mode: "no-cors", cache: "no-store" }).then(function () {
        if (field("trusted")) field("trusted").hidden = false;
        location.replace(secureJoinUrl + location.hash);
      }, function () {
        // Checked again for a while: the neighbor may be installing the certificate in another app.
        if (triesLeft > 0) setTimeout(function () { moveWhenTrusted(triesLeft - 1); }, 5000);
      });
    };
    moveWhenTrusted(120);
    field("secure-link").href = secureJoinUrl + location.hash;
  }
  // Behind nginx the page on plain HTTP and on HTTPS is one: it only says the device trusts the block.
  var serverOrigin = ${JSON.stringify(/^https:/.test(view.serverAddress) ? new URL(view.serverAddress).origin : "")};
  if (!secureJoinUrl && serverOrigin && location.protocol === "http:" && field("trusted")) {
    fetch(serverOrigin + "/_matrix/client/versions").then(function () { field("trusted").hidden = false; }, function () {});
  }
  if (!form) return;

  var token = new URLSearchParams(location.hash.replace(/^#/, "")).get("token");
  if (token) field("token").value = token;

  var checking = 0;
  var timer;
  field("username").addEventListener("input", function () {
    clearTimeout(timer);
    var name = field("username").value.trim().toLowerCase();
    var status = field("username-status");
    status.textContent = "";
    status.className = "status";
    if (!name) return;
    timer = setTimeout(function () {
      var mine = ++checking;
      fetch("/join/available?username=" + encodeURIComponent(name)).then(function (r) { return r.json(); }).then(function (answer) {
        if (mine !== checking || !answer.message) return;
        status.textContent = answer.message;
        status.className = "status " + (answer.state === "available" ? "good" : "bad");
      }, function () {});
    }, 400);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var error = field("form-error");
    error.textContent = "";
    field("submit").disabled = true;
    var body = {
      username: field("username").value,
      displayName: field("display-name").value,
      password: field("password").value,
      token: field("token").value,
      acceptNorms: field("accept").checked
    };
    fetch("/join/signup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        field("submit").disabled = false;
        if (!answer.ok) {
          error.textContent = answer.message || "Something went wrong. Please try again.";
          var wrong = answer.field && field(answer.field === "accept" ? "accept" : answer.field);
          if (wrong) wrong.focus();
          return;
        }
        field("password").value = "";
        form.hidden = true;
        field("created").hidden = false;
        field("user-id").textContent = answer.userId;
        field("open-app").hidden = false;
        field("app-heading").focus();
      }, function () {
        field("submit").disabled = false;
        error.textContent = "The block did not answer. Check that you are on the block's network, then try again.";
      });
  });
})();
</script>
</body>
</html>
`;
}
