// The mesh map: one self-contained page (inline CSS, JS and SVG; no CDN, no web fonts) so it works on
// the mesh with the uplink down. It polls api/state and redraws: nodes (offline ones marked), links
// coloured by quality, gateways, the uplink and recent alerts. Text goes in through textContent only.
// An alert message links here as `#alert=<fingerprint>`: that alert is picked out in the list and its
// link or node ringed on the map. A simulated mesh says so above the map.

import { browserMessages, mapLanguageName, mapLanguages, mapSay, mapSourceLanguage, type MapLanguage, type MapMessageKey } from "./mapWords.ts";

/** Colours shared with tests (the screenshot test looks for these exact pixels). */
export const mapColors = {
  good: "#2f9e62",
  fair: "#e0a21b",
  poor: "#d2453b",
  lost: "#d2453b",
  node: "#3d6fa8",
  gateway: "#6a4fb0",
  offline: "#9aa1a8",
  offlineRing: "#b03a2e",
  agentSilent: "#e9d8a6",
  background: "#f6f4ef",
  /** The ring around the node or link of the alert a link opened (#alert=…). */
  highlight: "#00a3c4",
} as const;

const css = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; background: ${mapColors.background}; color: #2b2f33; }
header { display: flex; align-items: baseline; gap: 1rem; padding: .7rem 1.2rem; background: #fffdf8; border-bottom: 1px solid #e3ded3; }
header h1 { font-size: 1.2rem; margin: 0; font-weight: 600; }
#uplink { padding: .2rem .7rem; border-radius: 1rem; font-weight: 600; }
#uplink.up { background: #e2f3e8; color: #1f6e43; }
#uplink.down { background: #fbe6d2; color: #8a4a12; }
#uplink.unknown { background: #ecebe7; color: #5b5f63; }
#updated { margin-left: auto; color: #6b7075; font-size: .85rem; }
#stale { color: #8a4a12; font-size: .85rem; }
#languages { color: #6b7075; font-size: .85rem; }
#languages a { color: inherit; }
main { display: grid; grid-template-columns: minmax(0, 1fr) 20rem; gap: 0; height: calc(100vh - 3.2rem); }
body.simulated main { height: calc(100vh - 5.4rem); }
#map { width: 100%; height: 100%; display: block; }
aside { border-left: 1px solid #e3ded3; background: #fffdf8; padding: .8rem 1rem; overflow-y: auto; }
aside h2 { font-size: .95rem; margin: .6rem 0 .4rem; color: #4a4f54; text-transform: uppercase; letter-spacing: .04em; }
.legend { list-style: none; padding: 0; margin: 0 0 .6rem; display: grid; grid-template-columns: 1fr 1fr; gap: .25rem .6rem; font-size: .85rem; }
.legend svg { vertical-align: middle; margin-right: .35rem; }
#alerts { list-style: none; padding: 0; margin: 0; }
#alerts li { padding: .45rem .55rem; margin-bottom: .4rem; border-radius: .4rem; background: #f3f0e8; border-left: 4px solid #9aa1a8; font-size: .9rem; }
#alerts li.firing.critical { border-left-color: ${mapColors.poor}; }
#alerts li.firing.warning { border-left-color: ${mapColors.fair}; }
#alerts li.firing.info { border-left-color: ${mapColors.node}; }
#alerts li.resolved { opacity: .7; border-left-color: ${mapColors.good}; }
#alerts time { display: block; color: #6b7075; font-size: .78rem; }
#alerts li a { color: inherit; text-decoration: none; display: block; }
#alerts li.selected { outline: 3px solid ${mapColors.highlight}; background: #e3f4f8; }
#alert-note { color: #8a4a12; font-size: .85rem; margin: 0 0 .4rem; }
#alert-note:empty { display: none; }
#simulation { margin: 0; padding: .45rem 1.2rem; background: #fff3c4; color: #5c4700; border-bottom: 1px solid #e8d48a; font-weight: 600; }
#simulation[hidden] { display: none; }
.node-label { font-size: 13px; fill: #2b2f33; paint-order: stroke; stroke: ${mapColors.background}; stroke-width: 4px; stroke-linejoin: round; }
.node-state { font-size: 11px; fill: ${mapColors.offlineRing}; font-weight: 600; paint-order: stroke; stroke: ${mapColors.background}; stroke-width: 3px; }
#empty { fill: #6b7075; font-size: 16px; }
@media (max-width: 800px) { main { grid-template-columns: 1fr; height: auto; } #map { height: 70vh; } aside { border-left: 0; border-top: 1px solid #e3ded3; } }
`;

const legendSvg = (inner: string): string => `<svg width="26" height="14" aria-hidden="true">${inner}</svg>`;

const legendSymbols: readonly [MapMessageKey, string][] = [
  ["map.legend.good", `<line x1="1" y1="7" x2="25" y2="7" stroke="${mapColors.good}" stroke-width="5" stroke-linecap="round"/>`],
  ["map.legend.fair", `<line x1="1" y1="7" x2="25" y2="7" stroke="${mapColors.fair}" stroke-width="5" stroke-linecap="round"/>`],
  ["map.legend.poor", `<line x1="1" y1="7" x2="25" y2="7" stroke="${mapColors.poor}" stroke-width="5" stroke-linecap="round"/>`],
  ["map.legend.lost", `<line x1="1" y1="7" x2="25" y2="7" stroke="${mapColors.lost}" stroke-width="2" stroke-dasharray="4 3"/>`],
  ["map.legend.node", `<circle cx="13" cy="7" r="6" fill="${mapColors.node}" stroke="#fff" stroke-width="2"/>`],
  ["map.legend.gateway", `<rect x="6" y="0" width="14" height="14" rx="3" fill="${mapColors.gateway}"/>`],
  ["map.legend.offline", `<circle cx="13" cy="7" r="5" fill="${mapColors.offline}" stroke="${mapColors.offlineRing}" stroke-width="2"/>`],
  ["map.legend.silent", `<circle cx="13" cy="7" r="5" fill="${mapColors.agentSilent}" stroke="#9a7414" stroke-width="2" stroke-dasharray="2 2"/>`],
];

const legend = (say: (key: MapMessageKey) => string): string =>
  `<ul class="legend">\n${legendSymbols.map(([key, symbol]) => `  <li>${legendSvg(symbol)}${say(key)}</li>`).join("\n")}\n</ul>`;

const escapeHtml = (text: string): string => text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c] ?? c);

/** A value for an inline script: JSON with `<` escaped, so no text can close the script element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, "\\u003c");

// Runs in the browser. Plain ES2017, no modules, so it works in any browser a neighbor has. Its words
// are the catalog's (mapWords.ts: each placeholder a marker `say` replaces); numbers and times are
// formatted by the browser's Intl in the page's language.
const scriptFor = (language: MapLanguage): string => String.raw`
(function () {
  var NS = "http://www.w3.org/2000/svg";
  var C = ${JSON.stringify(mapColors)};
  var LANG = ${scriptJson(language)};
  var WORDS = ${scriptJson(browserMessages(language))};
  function say(key, values) {
    // Each placeholder is \u0001name\u0001: the odd pieces are names.
    return WORDS[key].split("\u0001").map(function (piece, index) { return index % 2 === 0 ? piece : String(values[piece]); }).join("");
  }
  var relative = new Intl.RelativeTimeFormat(LANG, { numeric: "auto" });
  var number = new Intl.NumberFormat(LANG);
  var percent = new Intl.NumberFormat(LANG, { style: "percent", maximumFractionDigits: 0 });
  var dateTime = new Intl.DateTimeFormat(LANG, { dateStyle: "medium", timeStyle: "short" });
  var W = 1000, H = 700;
  var svg = document.getElementById("map");
  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    for (var key in attrs) node.setAttribute(key, String(attrs[key]));
    if (parent) parent.appendChild(node);
    return node;
  }
  function text(parent, content) { parent.textContent = content; return parent; }
  function ago(iso) {
    var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 90) return relative.format(-s, "second");
    if (s < 5400) return relative.format(-Math.round(s / 60), "minute");
    if (s < 129600) return relative.format(-Math.round(s / 3600), "hour");
    return relative.format(-Math.round(s / 86400), "day");
  }
  var linkStyle = {
    good: { stroke: C.good, width: 6 },
    fair: { stroke: C.fair, width: 6 },
    poor: { stroke: C.poor, width: 6 },
    lost: { stroke: C.lost, width: 2.5, dash: "8 6" }
  };
  var lastState = null;
  function wantedAlert() {
    var match = /^#alert=([0-9a-zA-Z]+)$/.exec(location.hash);
    return match ? match[1] : null;
  }
  function findAlert(state, fingerprint) {
    var all = state.alerts.recent.concat(state.alerts.active);
    for (var i = 0; i < all.length; i++) if (all[i].fingerprint === fingerprint) return all[i];
    return null;
  }
  function headline(a) { return a.status === "resolved" ? (a.annotations.resolved_summary || say("map.resolved", { summary: a.annotations.summary })) : a.annotations.summary; }
  // The node or link an alert is about gets a ring under it; uplink-wide alerts only mark the list.
  function highlight(alert, pos, layer) {
    var l = alert.labels;
    if (l.node_a && l.node_b && pos[l.node_a] && pos[l.node_b]) {
      var a = pos[l.node_a], b = pos[l.node_b];
      el("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: C.highlight, "stroke-width": 20, "stroke-linecap": "round", "class": "highlighted", "data-link": l.link || (l.node_a + "--" + l.node_b) }, layer);
    } else if (l.node && pos[l.node]) {
      el("circle", { cx: pos[l.node].x, cy: pos[l.node].y, r: 24, fill: "none", stroke: C.highlight, "stroke-width": 7, "class": "highlighted", "data-node": l.node }, layer);
    }
  }
  function draw(state) {
    lastState = state;
    var wanted = wantedAlert();
    var selected = wanted ? findAlert(state, wanted) : null;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    el("rect", { x: 0, y: 0, width: W, height: H, fill: C.background }, svg);
    var pos = {};
    state.nodes.forEach(function (n) { pos[n.id] = { x: n.x * W, y: n.y * H, node: n }; });
    if (state.nodes.length === 0) {
      text(el("text", { id: "empty", x: W / 2, y: H / 2, "text-anchor": "middle" }, svg), say("map.waiting", {}));
    }
    var marks = el("g", { id: "highlight" }, svg);
    if (selected) highlight(selected, pos, marks);
    var links = el("g", { id: "links" }, svg);
    state.links.forEach(function (l) {
      var a = pos[l.source], b = pos[l.target];
      if (!a || !b) return;
      var st = linkStyle[l.level] || linkStyle.lost;
      var line = el("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: st.stroke, "stroke-width": st.width, "stroke-linecap": "round", "class": "link " + l.level, "data-link": l.source + "--" + l.target }, links);
      if (st.dash) line.setAttribute("stroke-dasharray", st.dash);
      var q = l.quality === null ? say("map.link.lost", {}) : percent.format(l.quality);
      text(el("title", {}, line), say("map.link.title", { a: a.node.name, b: b.node.name, quality: q }));
    });
    var nodes = el("g", { id: "nodes" }, svg);
    state.nodes.forEach(function (n) {
      var p = pos[n.id];
      var g = el("g", { "class": "node " + n.status + (n.gateway ? " gateway" : ""), "data-node": n.id, transform: "translate(" + p.x.toFixed(1) + "," + p.y.toFixed(1) + ")" }, nodes);
      var down = n.status === "down";
      var silent = n.status === "agent-silent";
      var fill = down ? C.offline : silent ? C.agentSilent : n.gateway ? C.gateway : C.node;
      var ring = down ? C.offlineRing : silent ? "#9a7414" : "#ffffff";
      if (n.gateway) el("rect", { x: -15, y: -15, width: 30, height: 30, rx: 6, fill: fill, stroke: ring, "stroke-width": 3 }, g);
      else el("circle", { r: 13, fill: fill, stroke: ring, "stroke-width": 3, "stroke-dasharray": silent ? "4 3" : "none" }, g);
      if (down) {
        el("path", { d: "M-6,-6 L6,6 M6,-6 L-6,6", stroke: "#ffffff", "stroke-width": 3, "stroke-linecap": "round" }, g);
      } else if (n.gateway) {
        // A small globe: this node is a way to the internet.
        el("circle", { r: 7, fill: "none", stroke: "#ffffff", "stroke-width": 1.8 }, g);
        el("path", { d: "M-7,0 L7,0 M0,-7 C-4,-3 -4,3 0,7 M0,-7 C4,-3 4,3 0,7", fill: "none", stroke: "#ffffff", "stroke-width": 1.4 }, g);
      }
      text(el("text", { "class": "node-label", x: 0, y: 32, "text-anchor": "middle" }, g), n.name);
      if (down || silent) text(el("text", { "class": "node-state", x: 0, y: 46, "text-anchor": "middle" }, g), down ? say("map.node.offline", { ago: ago(n.lastSeen) }) : say("map.node.silent", {}));
      var status = WORDS["map.status." + n.status] !== undefined ? say("map.status." + n.status, {}) : n.status;
      var detail = say(n.gateway ? "map.gateway.title" : "map.node.title", { name: n.name, status: status, ago: ago(n.lastSeen) });
      text(el("title", {}, g), detail);
    });
    var uplink = document.getElementById("uplink");
    if (state.uplink.up === true) { uplink.className = "up"; uplink.textContent = say("map.uplink.up", {}); }
    else if (state.uplink.up === false) { uplink.className = "down"; uplink.textContent = say("map.uplink.down", {}); }
    else { uplink.className = "unknown"; uplink.textContent = say("map.uplink.unknown", {}); }
    var list = document.getElementById("alerts");
    while (list.firstChild) list.removeChild(list.firstChild);
    var shown = state.alerts.recent.slice(0, 15);
    if (shown.length === 0) { var li0 = document.createElement("li"); li0.textContent = say("map.noAlerts", {}); list.appendChild(li0); }
    var selectedShown = false;
    shown.forEach(function (a) {
      var li = document.createElement("li");
      li.className = a.status + " " + (a.labels.severity || "");
      // Each alert is a link to itself, so a neighbor can pass it on as the bot does.
      var anchor = document.createElement("a");
      anchor.href = "#alert=" + a.fingerprint;
      var strong = document.createElement("strong");
      strong.textContent = headline(a);
      anchor.appendChild(strong);
      var t = document.createElement("time");
      t.dateTime = a.at; t.textContent = ago(a.at); t.title = dateTime.format(new Date(a.at));
      anchor.appendChild(t);
      li.appendChild(anchor);
      li.title = a.annotations.description;
      if (selected && a.fingerprint === selected.fingerprint && !selectedShown) {
        selectedShown = true;
        li.className += " selected";
        li.setAttribute("aria-current", "true");
      }
      list.appendChild(li);
    });
    if (selected && !selectedShown) {
      // Firing but older than the list shows: put it first.
      var extra = document.createElement("li");
      extra.className = "firing selected " + (selected.labels.severity || "");
      extra.setAttribute("aria-current", "true");
      text(extra, headline(selected));
      extra.title = selected.annotations.description;
      list.insertBefore(extra, list.firstChild);
    }
    document.getElementById("alert-note").textContent = wanted && !selected ? say("map.alertGone", {}) : "";
    var banner = document.getElementById("simulation");
    banner.hidden = !state.simulated;
    document.body.className = state.simulated ? "simulated" : "";
    var counts = { up: 0, down: 0 };
    state.nodes.forEach(function (n) { if (n.status === "down") counts.down++; else counts.up++; });
    var linkCount = state.links.filter(function (l) { return l.level !== "lost"; }).length;
    document.getElementById("summary").textContent = say("map.summary", { up: number.format(counts.up), down: number.format(counts.down), links: number.format(linkCount) });
    document.getElementById("updated").textContent = state.collectedAt ? say("map.updated", { ago: ago(state.collectedAt) }) : "";
    document.body.setAttribute("data-ready", "true");
    if (selected && wanted !== scrolledTo) {
      scrolledTo = wanted;
      var item = list.querySelector("li.selected");
      if (item && item.scrollIntoView) item.scrollIntoView({ block: "nearest" });
    }
  }
  var scrolledTo = null;
  window.addEventListener("hashchange", function () { if (lastState) draw(lastState); });
  function refresh() {
    fetch("api/state", { cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (state) {
      document.getElementById("stale").textContent = "";
      draw(state);
    }).catch(function () {
      document.getElementById("stale").textContent = say("map.stale", {});
    });
  }
  refresh();
  setInterval(refresh, 5000);
})();
`;

/** The links that switch the page's language (each language named in itself). */
const languageLinks = (say: (key: MapMessageKey) => string, current: MapLanguage): string =>
  `<nav id="languages">${say("map.languages")} ${mapLanguages
    .map((language) => {
      const name = escapeHtml(mapLanguageName(language));
      return language === current ? `<b lang="${language}">${name}</b>` : `<a href="?lang=${language}" hreflang="${language}" lang="${language}">${name}</a>`;
    })
    .join(" · ")}</nav>`;

/** The map page in `language`: called `title` as configured, else after the block's name, else "Mesh map", in that language. */
export function renderMapPage(options: { title?: string | undefined; blockName?: string | undefined; language?: MapLanguage }): string {
  const language = options.language ?? mapSourceLanguage;
  const say = (key: MapMessageKey): string => escapeHtml(mapSay(language, key));
  const title =
    options.title !== undefined
      ? escapeHtml(options.title)
      : options.blockName !== undefined
        ? escapeHtml(mapSay(language, "map.titleOf", { block: options.blockName }))
        : say("map.title");
  return `<!doctype html>
<html lang="${escapeHtml(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${css}</style>
</head>
<body>
<header><h1>${title}</h1><span id="uplink" class="unknown">${say("map.uplink.unknown")}</span><span id="stale"></span><span id="updated"></span>${languageLinks(say, language)}</header>
<p id="simulation" hidden>${say("map.simulation")}</p>
<main>
<svg id="map" viewBox="0 0 1000 700" preserveAspectRatio="xMidYMid meet" role="img" aria-label="${say("map.mapLabel")}"></svg>
<aside>
<p id="summary"></p>
${legend(say)}
<h2>${say("map.recentAlerts")}</h2>
<p id="alert-note"></p>
<ul id="alerts"></ul>
</aside>
</main>
<script>${scriptFor(language)}</script>
</body>
</html>
`;
}
