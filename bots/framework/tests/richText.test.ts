import { test } from "node:test";
import assert from "node:assert/strict";
import { bold, bulletList, code, escapeHtml, link, mention, message, paragraph, richTemplate } from "../richText.ts";

test("neighbor text is escaped in HTML and untouched in plain text", () => {
  const hostile = `<script>alert("hi")</script> & <img src=x onerror=y>`;
  const built = message(paragraph(bold(hostile), " ", code(hostile)), bulletList([hostile]));
  assert.ok(!built.html.includes("<script>"));
  assert.ok(!built.html.includes("<img"));
  assert.ok(built.html.includes("&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; &lt;img"));
  assert.ok(built.text.includes(hostile));
});

test("template literal parts and values are both text", () => {
  const name = `"><b>`;
  assert.deepEqual(richTemplate`Hi ${name} <3`, { html: "Hi &quot;&gt;&lt;b&gt; &lt;3", text: `Hi "><b> <3` });
});

test("mentions are matrix.to pills with the full ID in the text fallback", () => {
  assert.deepEqual(mention("@bea:block.test", "Bea <3"), {
    html: `<a href="https://matrix.to/#/@bea:block.test">Bea &lt;3</a>`,
    text: "Bea <3 (@bea:block.test)",
  });
});

test("only http(s) URLs become links", () => {
  assert.equal(link("javascript:alert(1)").html, "javascript:alert(1)");
  assert.equal(link("https://block.test/?a=1&b=2").html, `<a href="https://block.test/?a=1&amp;b=2">https://block.test/?a=1&amp;b=2</a>`);
  assert.equal(escapeHtml(`'`), "&#39;");
});
