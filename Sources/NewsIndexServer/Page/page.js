// The search page of `newsindex serve`: plain JavaScript over /api/*. Everything from the API is
// put on the page as text (textContent, createElement), never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const LIMIT = 10;
const LABELS = { person: "facet-person", organization: "facet-organization", media: "facet-organization", place: "facet-place" };

// The state of the page, kept in the URL so that a search can be shared and Back works.
function readState() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get("q") || "", sort: p.get("sort") || "score", offset: Math.max(0, parseInt(p.get("offset") || "0", 10) || 0),
    entity: p.getAll("entity"), source: p.get("source") || "", since: p.get("since") || "", until: p.get("until") || "",
    article: p.get("article") || "", stories: p.get("stories") === "1", similar: p.get("similar") || "",
  };
}

function stateURL(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  if (s.sort !== "score") p.set("sort", s.sort);
  if (s.offset) p.set("offset", String(s.offset));
  for (const e of s.entity) p.append("entity", e);
  for (const k of ["source", "since", "until", "article", "similar"]) if (s[k]) p.set(k, s[k]);
  if (s.stories) p.set("stories", "1");
  const text = p.toString();
  return location.pathname + (text ? "?" + text : "");
}

let state = readState();
// Answers that arrive after a newer request was made are dropped.
let generation = 0;
// Whether Back stays on this page (the article was opened from the results).
let openedHere = false;

function go(changes, replace) {
  state = Object.assign({}, state, changes);
  const url = stateURL(state);
  if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
  render();
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k.startsWith("data-") || k.startsWith("aria-") || k === "type" || k === "role" || k === "title") node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

const number = (n) => n.toLocaleString("en-US");

function showError(problem) {
  const box = $("error");
  box.replaceChildren();
  if (!problem) { box.hidden = true; return; }
  box.append(el("strong", {}, problem.title || "Error"), document.createTextNode(" "));
  const first = String(problem.message || problem.detail || "").split("\n")[0];
  box.append(document.createTextNode(first));
  if (problem.caret) box.append(el("pre", {}, problem.caret));
  box.hidden = false;
}

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({ title: "Error", detail: "The server answered " + response.status }));
  if (!response.ok) throw body;
  return body;
}

function searchURL(s) {
  const p = new URLSearchParams({ limit: String(LIMIT), offset: String(s.offset), sort: s.sort });
  if (!s.similar) p.set("q", s.q);
  if (s.stories && !s.similar) p.set("collapse", "true");
  for (const e of s.entity) p.append("entity", e);
  for (const k of ["source", "since", "until"]) if (s[k]) p.set(k, s[k]);
  return (s.similar ? "/api/similar/" + encodeURIComponent(s.similar) + "?" : "/api/search?") + p.toString();
}

// The matches of the query per interval (/api/trends), drawn as bars with a label each.
async function renderTrend(s, interval, mine) {
  const box = $("trend-box");
  if (!s.q || s.similar) { box.hidden = true; return; }
  const p = new URLSearchParams({ q: s.q, by: interval || "month" });
  if (s.stories) p.set("stories", "true");
  let t;
  try { t = await api("/api/trends?" + p.toString()); } catch (problem) { box.hidden = true; return; }
  if (mine !== generation) return;
  const series = t.queries[0];
  const svg = $("trend");
  svg.replaceChildren();
  if (!series || !series.buckets.length) { box.hidden = true; return; }
  const top = Math.max(1, ...series.buckets.map((b) => b.count));
  const w = 600 / series.buckets.length, unit = t.stories ? "stories" : "articles";
  series.buckets.forEach((b, k) => {
    const h = b.count ? Math.max(2, (b.count / top) * 86) : 0;
    const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    rect.setAttribute("x", String(k * w + w * 0.1));
    rect.setAttribute("width", String(Math.max(1, w * 0.8)));
    rect.setAttribute("y", String(90 - h));
    rect.setAttribute("height", String(h));
    rect.setAttribute("class", "trend-bar");
    const label = b.start + ": " + number(b.count) + " " + unit;
    rect.setAttribute("aria-label", label);
    const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
    title.textContent = label;
    rect.append(title);
    svg.append(rect);
  });
  svg.setAttribute("aria-label", "Matching " + unit + " per " + t.interval + ", " + series.buckets[0].start + " to " + series.buckets[series.buckets.length - 1].start);
  $("trend-info").textContent = number(series.total - series.undated) + " dated " + unit + " per " + t.interval + " (UTC)" +
    (series.undated ? ", " + number(series.undated) + " undated" : "");
  box.hidden = false;
}

// The snippet with its highlights (offsets in code points) as <mark>s.
function snippet(s) {
  const chars = Array.from(s.text || "");
  const out = el("p", { class: "snippet" });
  let at = 0;
  for (const [start, end] of s.highlights || []) {
    if (start < at || end > chars.length) continue;
    out.append(document.createTextNode(chars.slice(at, start).join("")), el("mark", {}, chars.slice(start, end).join("")));
    at = end;
  }
  out.append(document.createTextNode(chars.slice(at).join("")));
  return out;
}

function entityChip(e) {
  return el("button", { type: "button", class: "chip " + e.type, title: e.name + " (" + e.type + ")", "aria-label": "Narrow to " + e.name, onclick: () => addEntity(e.name) }, e.display);
}

function addEntity(name) {
  if (!state.entity.includes(name)) go({ entity: state.entity.concat([name]), offset: 0, article: "" });
}

function renderFilters() {
  const box = $("filters");
  box.replaceChildren();
  const chip = (label, changes) => el("button", { type: "button", class: "filter", "aria-label": "Remove filter " + label, onclick: () => go(Object.assign({ offset: 0 }, changes)) }, label + " ×");
  for (const e of state.entity) box.append(chip(e, { entity: state.entity.filter((x) => x !== e) }));
  if (state.source) box.append(chip("source: " + state.source, { source: "" }));
  if (state.since || state.until) box.append(chip("dates: " + (state.since || "…") + " to " + (state.until || "…"), { since: "", until: "" }));
}

function renderFacets(facets) {
  for (const id of ["facet-person", "facet-organization", "facet-place", "facet-source"]) $(id).replaceChildren();
  if (!facets) return;
  for (const [type, items] of Object.entries(facets.entities || {})) {
    const list = $(LABELS[type] || "");
    if (!list) continue;
    for (const e of items) {
      if (state.entity.includes(e.name)) continue;
      list.append(el("li", {}, el("button", { type: "button", class: "facet", "data-kind": "entity", "data-value": e.name, "aria-label": e.name + ", " + e.documents + " articles", onclick: () => addEntity(e.name) },
        el("span", {}, e.display), el("span", { class: "n" }, number(e.documents)))));
    }
  }
  for (const s of facets.sources || []) {
    $("facet-source").append(el("li", {}, el("button", { type: "button", class: "facet", "data-kind": "source", "data-value": s.name, "aria-label": s.name + ", " + s.documents + " articles", onclick: () => go({ source: s.name, offset: 0 }) },
      el("span", {}, s.name), el("span", { class: "n" }, number(s.documents)))));
  }
  renderHistogram(facets.dates);
}

// The day before an ISO day (bucket ends are exclusive; `until` is inclusive).
function dayBefore(iso) {
  const d = new Date(iso + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

function renderHistogram(dates) {
  const svg = $("histogram");
  svg.replaceChildren();
  const info = $("histogram-info");
  const buckets = (dates && dates.buckets) || [];
  if (!buckets.length) { info.textContent = "No dated matches."; return; }
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const w = 300 / buckets.length;
  const ns = "http://www.w3.org/2000/svg";
  buckets.forEach((b, i) => {
    const h = b.count ? Math.max(2, (b.count / max) * 76) : 0;
    const rect = document.createElementNS(ns, "rect");
    rect.setAttribute("class", "bar");
    rect.setAttribute("x", String(i * w + w * 0.08));
    rect.setAttribute("y", String(80 - h));
    rect.setAttribute("width", String(Math.max(0.5, w * 0.84)));
    rect.setAttribute("height", String(h));
    rect.setAttribute("data-start", b.start);
    rect.setAttribute("data-end", b.end);
    rect.setAttribute("data-index", String(i));
    const title = document.createElementNS(ns, "title");
    title.textContent = b.start + " to " + dayBefore(b.end) + ": " + number(b.count);
    rect.append(title);
    svg.append(rect);
  });
  info.textContent = "By " + dates.interval + ", " + buckets[0].start + " to " + dayBefore(buckets[buckets.length - 1].end) + (dates.undated ? "; " + number(dates.undated) + " undated" : "");
  // A click narrows to one bar, a drag to the bars it crosses.
  let from = null;
  const barAt = (event) => {
    const box = svg.getBoundingClientRect();
    const i = Math.floor(((event.clientX - box.left) / box.width) * buckets.length);
    return Math.min(buckets.length - 1, Math.max(0, i));
  };
  svg.onpointerdown = (event) => { from = barAt(event); svg.setPointerCapture(event.pointerId); };
  svg.onpointermove = (event) => {
    if (from === null) return;
    const to = barAt(event), lo = Math.min(from, to), hi = Math.max(from, to);
    svg.querySelectorAll(".bar").forEach((r, i) => r.classList.toggle("selected", i >= lo && i <= hi));
  };
  svg.onpointerup = (event) => {
    if (from === null) return;
    const to = barAt(event), lo = Math.min(from, to), hi = Math.max(from, to);
    from = null;
    go({ since: buckets[lo].start, until: dayBefore(buckets[hi].end), offset: 0 });
  };
}

function renderHits(result) {
  const list = $("results");
  list.replaceChildren();
  for (const h of result.hits) {
    const meta = [h.date || "undated", h.source || "", h.byline || ""].filter(Boolean).join(" · ");
    const chips = el("div", { class: "chips" }, ...h.entities.slice(0, 8).map(entityChip));
    const item = el("li", { class: "hit", "data-id": h.id },
      el("button", { type: "button", class: "hit-title", onclick: () => { openedHere = true; go({ article: h.id }); } }, h.title || h.id),
      el("div", { class: "hit-meta" }, meta), snippet(h.snippet), chips);
    if (h.copies && h.copies.length) {
      const n = h.copies.length;
      item.append(el("details", { class: "copies" }, el("summary", {}, "+" + n + (n === 1 ? " copy" : " copies")),
        el("ul", {}, ...h.copies.map((c) => el("li", {},
          el("button", { type: "button", class: "link copy-link", onclick: () => { openedHere = true; go({ article: c.id }); } },
            [c.source || c.id, c.date || "undated"].join(" · ")))))));
    }
    item.append(el("button", { type: "button", class: "link similar-link", "aria-label": "Articles similar to " + (h.title || h.id),
      onclick: () => go({ similar: h.id, offset: 0, article: "" }) }, "Similar"));
    list.append(item);
  }
  const total = result.total;
  let head = number(total) + (total === 1 ? " match" : " matches");
  if (result.total_stories !== null && result.total_stories !== undefined) {
    head = number(total) + (total === 1 ? " article" : " articles") + " in " + number(result.total_stories) +
      (result.total_stories === 1 ? " story" : " stories");
  }
  if (state.similar) head += " like " + state.similar;
  $("count").textContent = head + " · " + result.took_ms + " ms";
  const first = result.hits.length ? state.offset + 1 : 0, last = state.offset + result.hits.length;
  $("page-info").textContent = result.hits.length ? "hits " + number(first) + "–" + number(last) : "";
  $("prev").hidden = state.offset === 0;
  $("next").hidden = last >= total;
}

async function showArticle(id) {
  $("article").hidden = false;
  for (const part of ["results", "count", "filters"]) $(part).hidden = true;
  $("trend-box").hidden = true;
  document.querySelector(".paging").hidden = true;
  const mine = ++generation;
  try {
    const a = await api("/api/articles/" + encodeURIComponent(id));
    if (mine !== generation) return;
    $("article-title").textContent = a.title || a.id;
    const meta = $("article-meta");
    meta.replaceChildren(document.createTextNode([a.date || "undated", a.source || "", a.byline || ""].filter(Boolean).join(" · ")));
    if (a.url && /^https?:\/\//i.test(a.url)) {
      meta.append(document.createTextNode(" · "), el("a", { href: a.url, rel: "noopener noreferrer", target: "_blank" }, "original"));
    }
    $("article-entities").replaceChildren(...a.entities.map(entityChip));
    $("article-body").replaceChildren(...a.body.split(/\n+/).filter((p) => p.trim()).map((p) => el("p", {}, p)));
    $("set-aside").hidden = !a.set_aside;
    $("set-aside-text").textContent = a.set_aside || "";
    showError(null);
  } catch (problem) {
    if (mine === generation) showError(problem);
  }
}

async function render() {
  $("q").value = state.q;
  $("sort").value = state.sort;
  $("stories").checked = state.stories;
  renderFilters();
  if (state.article) { await showArticle(state.article); return; }
  $("article").hidden = true;
  for (const part of ["results", "count", "filters"]) $(part).hidden = false;
  document.querySelector(".paging").hidden = false;
  if (!state.q && !state.similar) { $("results").replaceChildren(); $("count").textContent = ""; renderFacets(null); $("trend-box").hidden = true; return; }
  const mine = ++generation;
  try {
    const result = await api(searchURL(state));
    if (mine !== generation) return;
    showError(null);
    renderHits(result);
    renderFacets(result.facets);
    await renderTrend(state, result.facets && result.facets.dates ? result.facets.dates.interval : "month", mine);
  } catch (problem) {
    if (mine !== generation) return;
    showError(problem);
    $("results").replaceChildren();
    $("count").textContent = "";
    renderFacets(null);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("form").addEventListener("submit", (event) => {
    event.preventDefault();
    go({ q: $("q").value.trim(), offset: 0, article: "", similar: "" });
  });
  $("stories").addEventListener("change", () => go({ stories: $("stories").checked, offset: 0 }));
  $("article-similar").addEventListener("click", () => go({ similar: state.article, article: "", offset: 0 }));
  $("sort").addEventListener("change", () => go({ sort: $("sort").value, offset: 0 }));
  $("prev").addEventListener("click", () => go({ offset: Math.max(0, state.offset - LIMIT) }));
  $("next").addEventListener("click", () => go({ offset: state.offset + LIMIT }));
  $("back").addEventListener("click", () => openedHere ? history.back() : go({ article: "" }));
  document.addEventListener("keydown", (event) => {
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
    if (event.key === "/" && !typing) { event.preventDefault(); $("q").focus(); $("q").select(); }
  });
  window.addEventListener("popstate", () => { state = readState(); if (!state.article) openedHere = false; render(); });
  render();
});
