// The join page itself: one self-contained document (inline CSS and script, no fonts, images or
// CDNs), so it works on a mesh with the uplink down. Phone-first: one column, large targets, 16px+
// inputs (iOS zooms smaller ones). The script reads the invitation token from location.hash, which
// the browser never sends to a server. Its words, the script's too, come from the catalogs (web.json) in
// the language the router chose; links at the top switch language and keep the token.
import { escapeHtml } from "../../../bots/framework/richText.ts";
import { languageName, supportedLanguages } from "../../../bots/framework/languages.ts";
import { PASSWORD_MIN_LENGTH } from "./signupOutcome.ts";
import { addressQrSvg } from "./addressQr.ts";
import { profileName } from "./caProfile.ts";
import { anchor, markup, type PageWords } from "./pageLanguage.ts";

export interface JoinPageView {
  blockName: string;
  norms: string;
  /** SHA-256 of the community CA, "AB:CD:…"; absent while the block has none. */
  caFingerprint?: string;
  /** The CA's common name, as iOS names it in Certificate Trust Settings. */
  caName?: string;
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
  /** The neighbor chose the language (?lang=): the secure page keeps it (else the browser's header decides there too). */
  languageChosen?: boolean;
}

const languageQueryOf = (words: PageWords, view: JoinPageView) => (view.languageChosen ? `?lang=${words.language}` : "");

/** Eight groups of four bytes per line reads like the flyer and fits a phone's width. */
function fingerprintHtml(fingerprint: string): string {
  const bytes = fingerprint.split(":");
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 4) groups.push(bytes.slice(i, i + 4).join(":"));
  return groups.map(escapeHtml).join(" ");
}

function trustSection(words: PageWords, view: JoinPageView): string {
  const { html } = words;
  if (!view.caFingerprint) return `<p>${html("join.trust.noCa")}</p>`;
  // iOS lists the installed certificate under its own name (the CA's common name), not the profile's.
  const certificate = view.caName ?? profileName(view.blockName, words.language);
  const steps = (...keys: Parameters<typeof html>[0][]) => keys.map((key) => `<li>${html(key, { certificate })}</li>`).join("\n");
  return `<p>${html("join.trust.needed")}</p>
<p>${html("join.trust.fingerprint")}</p>
<p class="fingerprint" id="fingerprint" aria-label="${html("join.trust.fingerprintLabel")}">${fingerprintHtml(view.caFingerprint)}</p>
<p class="buttons"><a class="button" href="/join/ca.crt" download="community-ca.crt">${html("join.trust.download")}</a>
<a class="button secondary" href="/join/ca.mobileconfig?lang=${words.language}">${html("join.trust.profile")}</a></p>
<details><summary>${html("join.trust.android")}</summary><ol>
${steps("join.trust.android.download", "join.trust.android.settings", "join.trust.android.install")}</ol></details>
<details><summary>${html("join.trust.apple")}</summary><ol>
${steps("join.trust.apple.profile", "join.trust.apple.install", "join.trust.apple.trust")}</ol></details>
<details><summary>${html("join.trust.laptop")}</summary><ol>
${steps("join.trust.laptop.firefox", "join.trust.laptop.chrome", "join.trust.laptop.safari")}</ol></details>
<p id="trusted" class="good" role="status"${view.secure ? "" : " hidden"}>${html("join.trust.trusted")}</p>`;
}

function appSection(words: PageWords, view: JoinPageView): string {
  const { html, text } = words;
  const laptop = view.elementWebUrl
    ? html("join.app.laptopWeb", { elementWeb: anchor(view.elementWebUrl, text("join.app.elementWebLink")) })
    : html("join.app.laptopDesktop");
  return `<p>${html("join.app.account", { userId: markup('<strong id="user-id"></strong>') })}</p>
<p>${html("join.app.address")}</p>
<p class="address"><code>${escapeHtml(view.serverAddress)}</code></p>
<p>${html("join.app.qr")}</p>
<p class="qr">${addressQrSvg(view.serverAddress, text("join.app.qrLabel", { address: view.serverAddress }))}</p>
<ul>
<li>${html("join.app.phone")}</li>
<li>${laptop}</li>
</ul>`;
}

/** Step 2 where accounts are created: username, display name, password, token, norms. */
function accountForm(words: PageWords, view: JoinPageView): string {
  const { html } = words;
  return `<form id="signup" novalidate>
<label for="username">${html("join.form.username")}</label>
<p class="hint" id="username-hint">${html("join.form.usernameRule")}</p>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required aria-describedby="username-hint username-status">
<p class="status" id="username-status" aria-live="polite"></p>
<label for="display-name">${html("join.form.displayName")}</label>
<p class="hint" id="display-name-hint">${html("join.form.displayNameHint")}</p>
<input type="text" id="display-name" name="displayName" autocomplete="name" aria-describedby="display-name-hint">
<label for="password">${html("join.form.password")}</label>
<p class="hint" id="password-hint">${html("join.form.passwordHint", { min: PASSWORD_MIN_LENGTH })}</p>
<input type="password" id="password" name="password" autocomplete="new-password" required minlength="${PASSWORD_MIN_LENGTH}" aria-describedby="password-hint">
<label for="token">${html("join.form.token")}</label>
<p class="hint" id="token-hint">${html("join.form.tokenHint")}</p>
<input type="text" id="token" name="token" autocomplete="off" autocapitalize="none" spellcheck="false" required aria-describedby="token-hint">
<fieldset>
<legend>${html("join.form.norms")}</legend>
<div class="norms" id="norms">${escapeHtml(view.norms)}</div>
<label class="check"><input type="checkbox" id="accept" name="acceptNorms"> ${html("join.form.accept")}</label>
</fieldset>
<p class="error" id="form-error" role="alert"></p>
<button type="submit" id="submit">${html("join.form.submit")}</button>
</form>
<p class="good" id="created" hidden>${html("join.form.created")}</p>`;
}

/** Step 2 on plain HTTP when the block serves HTTPS: the password only travels over HTTPS. */
function secureStep(words: PageWords, secureJoinUrl: string, languageQuery: string): string {
  return `<p>${words.html("join.secure.where")}</p>
<p class="buttons"><a class="button" id="secure-link" href="${escapeHtml(secureJoinUrl + languageQuery)}">${words.html("join.secure.continue")}</a></p>
<p class="hint">${words.html("join.secure.warning")}</p>`;
}

/** The page in each other language, by its own name; the script adds the #token to these links. */
function languageLinks(words: PageWords): string {
  const others = supportedLanguages.map((language) =>
    language === words.language
      ? `<strong lang="${language}">${escapeHtml(languageName(language))}</strong>`
      : `<a class="language" href="?lang=${language}" hreflang="${language}" lang="${language}">${escapeHtml(languageName(language))}</a>`,
  );
  return `<nav class="languages" aria-label="${words.html("join.otherLanguages")}">${words.html("join.otherLanguages")} ${others.join(" · ")}</nav>`;
}

/** JSON inside <script>: a "<" could close the element, so it is written as an escape. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

export function joinPageHtml(words: PageWords, view: JoinPageView): string {
  const { html } = words;
  const block = { block: view.blockName };
  const scriptWords = { failed: words.text("join.script.failed"), noAnswer: words.text("join.script.noAnswer") };
  return `<!doctype html>
<html lang="${words.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html("join.title", block)}</title>
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
.languages { text-align: right; }
.languages a, .languages strong { display: inline-block; min-height: 44px; padding: .6rem .3rem; }
.languages a { color: #0b4f8a; }
</style>
</head>
<body>
<main>
${languageLinks(words)}
<h1>${html("join.title", block)}</h1>
<p>${html("join.intro")}</p>
<noscript><p class="error">${html("join.noScript")}</p></noscript>

<section aria-labelledby="trust-heading">
<h2 id="trust-heading"><span class="step">1.</span> ${html("join.step.trust")}</h2>
${trustSection(words, view)}
</section>

<section aria-labelledby="account-heading">
<h2 id="account-heading"><span class="step">2.</span> ${html("join.step.account")}</h2>
${view.secureJoinUrl ? secureStep(words, view.secureJoinUrl, languageQueryOf(words, view)) : accountForm(words, view)}
</section>


<section aria-labelledby="app-heading" id="open-app" hidden>
<h2 id="app-heading" tabindex="-1"><span class="step">3.</span> ${html("join.step.app")}</h2>
${appSection(words, view)}
</section>
</main>
<script>
(function () {
  "use strict";
  var form = document.getElementById("signup");
  var field = function (id) { return document.getElementById(id); };
  // The page's language: its answers (availability, refusals) are asked for in it.
  var lang = ${scriptJson(words.language)};
  var words = ${scriptJson(scriptWords)};
  // Switching language keeps the invitation token, which lives in the fragment.
  Array.prototype.forEach.call(document.querySelectorAll("a.language"), function (link) { link.href = link.getAttribute("href") + location.hash; });

  // On plain HTTP while the block serves HTTPS: once this device trusts the block's CA, a request to the
  // secure page succeeds (an untrusted certificate fails it), and the page moves there with the token.
  var secureJoinUrl = ${JSON.stringify(view.secureJoinUrl ?? "")};
  var languageQuery = ${scriptJson(languageQueryOf(words, view))};
  if (secureJoinUrl) {
    var moveWhenTrusted = function (triesLeft) {
      fetch(new URL("trusted", secureJoinUrl + "/").href, { mode: "no-cors", cache: "no-store" }).then(function () {
        if (field("trusted")) field("trusted").hidden = false;
        location.replace(secureJoinUrl + languageQuery + location.hash);
      }, function () {
        // Checked again for a while: the neighbor may be installing the certificate in another app.
        if (triesLeft > 0) setTimeout(function () { moveWhenTrusted(triesLeft - 1); }, 5000);
      });
    };
    moveWhenTrusted(120);
    field("secure-link").href = secureJoinUrl + languageQuery + location.hash;
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
      fetch("/join/available?lang=" + lang + "&username=" + encodeURIComponent(name)).then(function (r) { return r.json(); }).then(function (answer) {
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
    fetch("/join/signup?lang=" + lang, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        field("submit").disabled = false;
        if (!answer.ok) {
          error.textContent = answer.message || words.failed;
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
        error.textContent = words.noAnswer;
      });
  });
})();
</script>
</body>
</html>
`;
}
