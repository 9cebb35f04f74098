/* mtaudit report script.
 *
 * Reads the run data (#mt-run) and one JSON block per article
 * (script.mt-article), then builds the article list and the article views.
 * Article text only ever reaches the page through textContent / text nodes:
 * no innerHTML, no eval, nothing fetched. Review decisions live in
 * localStorage under a key derived from the report id, and "Export
 * decisions" downloads them as a waiver file for `mtaudit check --waivers`.
 */
(function () {
  "use strict";

  var PAGE_SIZE = 100;
  var DECISIONS = ["false-positive", "accepted"];
  var DECISION_TEXT = { "false-positive": "False positive", accepted: "Accepted" };
  // Margin colour per zone group; any other zone name is page furniture.
  var ZONE_GROUPS = { headline: "title", subheading: "title", lead: "content", body: "content", blank: "blank" };

  var run = JSON.parse(document.getElementById("mt-run").textContent);
  var RULES = run.rules;
  var LABELS = run.labels;
  var articles = [];
  var indexById = new Map();

  // ------------------------------------------------------------ helpers

  function $(id) { return document.getElementById(id); }

  /** Create an element. `props`: className, text, and plain attributes. */
  function el(tag, props) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        var v = props[k];
        if (v === undefined || v === null || v === false) return;
        if (k === "className") node.className = v;
        else if (k === "text") node.textContent = v;
        else node.setAttribute(k, v === true ? "" : String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function ruleInfo(code) {
    return RULES[code] || { name: code, category: "tool", severity: "error", summary: "" };
  }

  function catLabel(cat) { return LABELS[cat] || String(cat).toUpperCase(); }

  function catChip(cat, count) {
    var chip = el("span", { className: "cat-chip cat-" + cat }, catLabel(cat), el("span", { className: "sr", text: " = " + cat }));
    if (count !== undefined) chip.append(" ", el("span", { className: "n", text: String(count) }));
    return chip;
  }

  function statusChip(status) { return el("span", { className: "status status-" + status, text: status }); }

  function isTool(f) { return f.r.slice(0, 2) === "AU"; }

  function findingText(a, f) {
    if (a.x !== undefined) return a.x.slice(f.s, f.e);
    return f.ctx ? f.ctx[1] : "";
  }

  function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  // ------------------------------------------------------------ data

  function prepare(a) {
    a.cats = {};
    a.rules = new Set();
    a.f.forEach(function (f, i) {
      f.i = i;
      f.c = f.c || ruleInfo(f.r).category;
      f.m = f.m || ruleInfo(f.r).summary;
      a.cats[f.c] = (a.cats[f.c] || 0) + 1;
      a.rules.add(f.r);
    });
  }

  function loadArticles() {
    var nodes = document.querySelectorAll("script.mt-article");
    for (var i = 0; i < nodes.length; i++) {
      var a = JSON.parse(nodes[i].textContent);
      prepare(a);
      articles.push(a);
      if (!indexById.has(a.id)) indexById.set(a.id, articles.length - 1);
      nodes[i].remove();
    }
  }

  // ------------------------------------------------------------ decisions

  var STORE_KEY = "mtaudit:decisions:" + run.report_id;
  var storageOk = true;
  var decisions = {};

  function loadDecisions() {
    try {
      decisions = JSON.parse(window.localStorage.getItem(STORE_KEY) || "{}") || {};
    } catch (e) {
      storageOk = false;
      decisions = {};
    }
  }

  function saveDecisions() {
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify(decisions));
    } catch (e) {
      storageOk = false;
    }
  }

  /** A decision recorded by a waiver file of this run ("false-positive: why"). */
  function waiverDecision(f) {
    if (!f.w) return null;
    var m = /^(false-positive|accepted)(?:: ([\s\S]*))?$/.exec(f.w);
    return m ? { decision: m[1], reason: m[2] || "" } : null;
  }

  /** The effective decision of a finding: a local one, or its waiver. */
  function decisionOf(f) {
    if (!f.k) return null;
    var d = decisions[f.k];
    if (d) return d.decision === "reinstate" ? null : d;
    return waiverDecision(f);
  }

  function decide(a, f, decision, reason) {
    if (!f.k) return;
    if (decision === null) {
      // Undo: back to the state of the report (a reinstated waiver stays out).
      if (waiverDecision(f) && decisions[f.k] && decisions[f.k].decision !== "reinstate") {
        decisions[f.k] = { article: a.id, rule: f.r, key: f.k, decision: "reinstate" };
      } else {
        delete decisions[f.k];
      }
    } else {
      decisions[f.k] = {
        article: a.id, rule: f.r, key: f.k, decision: decision,
        reason: reason || "", text: findingText(a, f),
      };
    }
    saveDecisions();
    updateDecisionCount();
  }

  /** Every waiver the export would write, sorted for stable files. */
  function collectWaivers() {
    var out = new Map();
    articles.forEach(function (a) {
      a.f.forEach(function (f) {
        var w = f.k && !decisions[f.k] && waiverDecision(f);
        if (w) out.set(f.k, { article: a.id, rule: f.r, key: f.k, decision: w.decision, reason: w.reason, text: findingText(a, f) });
      });
    });
    Object.keys(decisions).forEach(function (k) {
      var d = decisions[k];
      if (DECISIONS.indexOf(d.decision) >= 0) out.set(k, d);
    });
    var list = Array.from(out.values()).map(function (d) {
      var w = { article: d.article, rule: d.rule, key: d.key, decision: d.decision };
      if (d.reason) w.reason = d.reason;
      if (d.text !== undefined) w.text = d.text;
      return w;
    });
    list.sort(function (x, y) {
      return x.article < y.article ? -1 : x.article > y.article ? 1 :
        x.rule < y.rule ? -1 : x.rule > y.rule ? 1 : x.key < y.key ? -1 : x.key > y.key ? 1 : 0;
    });
    return list;
  }

  function updateDecisionCount() {
    var n = collectWaivers().length;
    $("decision-count").textContent = (n === 1 ? "1 decision" : n + " decisions") + (storageOk ? "" : " (not saved: browser storage is blocked — export before closing)");
    $("export").disabled = n === 0;
  }

  function exportDecisions() {
    var body = JSON.stringify({ version: 1, waivers: collectWaivers() }, null, 2) + "\n";
    var url = URL.createObjectURL(new Blob([body], { type: "application/json" }));
    var link = el("a", { href: url, download: "mtaudit-waivers-" + run.report_id + ".json" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 5000);
  }

  // ------------------------------------------------------------ list view

  var state = { q: "", status: "", category: "", rule: "", severity: "", source: "", review: "", sort: "score", page: 0 };
  var filtered = [];
  var listScroll = 0;

  function articleDecided(a) {
    var n = 0;
    a.f.forEach(function (f) { if (decisionOf(f)) n++; });
    return n;
  }

  function matches(a, re) {
    if (state.status && a.st !== state.status) return false;
    if (state.source && (a.src || "") !== state.source) return false;
    if (state.category || state.rule || state.severity) {
      var hit = a.f.some(function (f) {
        return (!state.category || f.c === state.category) && (!state.rule || f.r === state.rule) && (!state.severity || f.v === state.severity);
      });
      if (!hit) return false;
    }
    if (state.review === "open" && !a.f.some(function (f) { return !decisionOf(f) && !f.w; })) return false;
    if (state.review === "decided" && !a.f.some(function (f) { return f.k && decisions[f.k]; })) return false;
    if (re) {
      if (re.test(a.id) || (a.t && re.test(a.t))) return true;
      if (a.x !== undefined) return re.test(a.x);
      return a.f.some(function (f) { return f.ctx && re.test(f.ctx.join("")); });
    }
    return true;
  }

  var SORTS = {
    score: function (x, y) { return x.sc - y.sc || x.n - y.n; },
    "-score": function (x, y) { return y.sc - x.sc || x.n - y.n; },
    findings: function (x, y) { return y.f.length - x.f.length || x.n - y.n; },
    id: function (x, y) { return x.id < y.id ? -1 : x.id > y.id ? 1 : x.n - y.n; },
    input: function (x, y) { return x.n - y.n; },
  };

  function applyFilters() {
    var re = state.q ? new RegExp(escapeRegExp(state.q), "i") : null;
    filtered = articles.filter(function (a) { return matches(a, re); });
    filtered.sort(SORTS[state.sort] || SORTS.score);
    var pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
    if (state.page >= pages) state.page = pages - 1;
  }

  function renderRows() {
    var start = state.page * PAGE_SIZE;
    var slice = filtered.slice(start, start + PAGE_SIZE);
    var rows = slice.map(function (a) {
      var chips = el("div", { className: "chips" });
      run.categories.concat(["tool"]).forEach(function (c) { if (a.cats[c]) chips.append(catChip(c, a.cats[c])); });
      if (!a.f.length) chips.append(el("span", { className: "muted", text: "none" }));
      var title = el("td", { className: "title" }, el("a", { href: "#article/" + a.n, text: a.t || a.id }));
      if (a.t) title.append(el("span", { className: "sub", text: a.id }));
      var tr = el("tr", { "data-n": a.n },
        title,
        el("td", { text: a.src || "" }),
        el("td", { className: "num score", text: a.sc.toFixed(1) }),
        el("td", null, statusChip(a.st)),
        el("td", null, chips),
        el("td", { className: "num", text: a.f.length ? articleDecided(a) + "/" + a.f.length : "–" }));
      return tr;
    });
    $("rows").replaceChildren.apply($("rows"), rows);
    var pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
    $("list-status").textContent = filtered.length === articles.length
      ? articles.length + " articles"
      : filtered.length + " of " + articles.length + " articles match";
    $("page-info").textContent = filtered.length ? "Page " + (state.page + 1) + " of " + pages + " (" + (start + 1) + "–" + (start + slice.length) + ")" : "";
    $("prev-page").disabled = state.page === 0;
    $("next-page").disabled = state.page >= pages - 1;
  }

  function refreshList(resetPage) {
    if (resetPage) state.page = 0;
    applyFilters();
    renderRows();
  }

  function setupFilters() {
    var ruleSel = $("f-rule");
    Object.keys(RULES).sort().forEach(function (code) {
      ruleSel.append(el("option", { value: code, text: code + " " + RULES[code].name }));
    });
    var sources = new Set();
    articles.forEach(function (a) { sources.add(a.src || ""); });
    Array.from(sources).sort().forEach(function (s) {
      $("f-source").append(el("option", { value: s, text: s || "(none)" }));
    });
    var fields = { "f-status": "status", "f-category": "category", "f-rule": "rule", "f-severity": "severity", "f-source": "source", "f-review": "review", sort: "sort" };
    Object.keys(fields).forEach(function (id) {
      $(id).addEventListener("change", function (e) { state[fields[id]] = e.target.value; refreshList(true); });
    });
    var timer = null;
    $("q").addEventListener("input", function (e) {
      clearTimeout(timer);
      timer = setTimeout(function () { state.q = e.target.value.trim(); refreshList(true); }, 120);
    });
    $("filters").addEventListener("submit", function (e) { e.preventDefault(); });
    $("filters").addEventListener("reset", function () {
      setTimeout(function () {
        Object.keys(fields).forEach(function (id) { state[fields[id]] = $(id).value; });
        state.q = "";
        refreshList(true);
      }, 0);
    });
    $("prev-page").addEventListener("click", function () { state.page--; renderRows(); window.scrollTo(0, 0); });
    $("next-page").addEventListener("click", function () { state.page++; renderRows(); window.scrollTo(0, 0); });
    $("rows").addEventListener("click", function (e) {
      var tr = e.target.closest("tr");
      if (tr && e.target.tagName !== "A") location.hash = "#article/" + tr.getAttribute("data-n");
    });
  }

  // ------------------------------------------------------------ article view

  var current = null;      // the article shown
  var marks = [];          // finding index -> [mark elements]
  var selected = -1;       // selected finding index
  var order = [];          // finding indexes in reading order

  function zoneLines(a, nLines) {
    var byLine = new Array(nLines + 2);
    (Array.isArray(a.z) ? a.z : []).forEach(function (z) {
      var from = Math.max(1, z.start_line | 0), to = Math.min(nLines, z.end_line | 0);
      for (var l = from; l <= to; l++) byLine[l] = { name: String(z.zone), first: l === from };
    });
    return byLine;
  }

  /** Render the text line by line, cutting at every finding boundary. */
  function renderText(a) {
    var box = $("art-text");
    box.replaceChildren();
    marks = a.f.map(function () { return []; });
    if (a.x === undefined) { renderContexts(a, box); return; }
    var text = a.x;
    var events = new Map();
    function ev(pos) {
      var e = events.get(pos);
      if (!e) { e = { start: [], end: [], point: [] }; events.set(pos, e); }
      return e;
    }
    a.f.forEach(function (f) {
      if (isTool(f)) return;
      if (f.s === f.e) ev(f.s).point.push(f.i);
      else { ev(f.s).start.push(f.i); ev(f.e).end.push(f.i); }
    });
    var cuts = Array.from(events.keys()).sort(function (x, y) { return x - y; });
    var nLines = 1;
    for (var p = text.indexOf("\n"); p >= 0; p = text.indexOf("\n", p + 1)) nLines++;
    var zones = a.z ? zoneLines(a, nLines) : null;
    box.classList.toggle("nozones", !zones);
    var active = new Set();
    var ci = 0, pos = 0, lineNo = 1, frag = document.createDocumentFragment();

    function piece(row, from, to) {
      if (to <= from) return;
      var s = text.slice(from, to);
      if (!active.size) { row.append(s); return; }
      var ids = Array.from(active);
      ids.sort(function (x, y) { return (a.f[x].e - a.f[x].s) - (a.f[y].e - a.f[y].s) || x - y; });
      var inner = a.f[ids[0]];
      var m = el("mark", { className: "hl cat-" + inner.c + (ids.length > 1 ? " multi" : ""), "data-f": ids.join(" ") }, s);
      ids.forEach(function (i) { marks[i].push(m); });
      row.append(m);
    }
    function label(row, i, point) {
      var f = a.f[i];
      var sup = el("sup", { className: "lbl cat-" + f.c, "data-f": String(i), title: f.r + " " + ruleInfo(f.r).name, text: catLabel(f.c) });
      row.append(sup);
      if (point) {
        var m = el("mark", { className: "hl point cat-" + f.c, "data-f": String(i) });
        marks[i].push(m);
        row.append(m);
      } else {
        marks[i].push(sup);
      }
    }
    function handle(c, row) {
      var e = events.get(c);
      e.end.forEach(function (i) { active.delete(i); });
      e.point.forEach(function (i) { label(row, i, true); });
      e.start.forEach(function (i) { label(row, i, false); active.add(i); });
    }

    while (true) {
      var nl = text.indexOf("\n", pos);
      if (nl < 0) nl = text.length;
      var le = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      var tx = el("span", { className: "tx" });
      var cur = pos;
      while (ci < cuts.length && cuts[ci] <= le) {
        piece(tx, cur, cuts[ci]);
        cur = cuts[ci];
        handle(cuts[ci], tx);
        ci++;
      }
      piece(tx, cur, le);
      while (ci < cuts.length && cuts[ci] <= nl) { handle(cuts[ci], tx); ci++; }
      var row = el("div", { className: "ln", "data-line": lineNo }, el("span", { className: "no", "aria-hidden": "true", text: String(lineNo) }));
      if (zones) {
        var z = zones[lineNo];
        var zname = z ? z.name : "";
        var group = ZONE_GROUPS[zname] || (zname ? "furniture" : "blank");
        row.classList.add("zg-" + group);
        var zoneLabel = z && z.first && group !== "blank" ? zname : "";
        if (zoneLabel) row.classList.add("zone-start");
        row.append(el("span", { className: "zone", title: zname && group !== "blank" ? "zone: " + zname : null, text: zoneLabel }));
      }
      row.append(tx);
      frag.append(row);
      if (nl >= text.length) break;
      pos = nl + 1;
      lineNo++;
    }
    box.append(frag);
  }

  /** Articles past the embedding limit: each finding with its context. */
  function renderContexts(a, box) {
    a.f.forEach(function (f) {
      if (isTool(f) || !f.ctx) return;
      var m = el("mark", { className: "hl cat-" + f.c, "data-f": String(f.i) }, f.ctx[1] || "\u2038");
      marks[f.i].push(m);
      box.append(el("div", { className: "ln" },
        el("span", { className: "no", "aria-hidden": "true", text: String(f.l) }),
        el("span", { className: "tx" }, "…" + f.ctx[0], el("sup", { className: "lbl cat-" + f.c, text: catLabel(f.c) }), m, f.ctx[2] + "…")));
    });
    box.classList.add("nozones");
  }

  /** The suggested fix as before/after, with a little of the line around it. */
  function fixView(a, f) {
    if (!f.x) return null;
    var s = f.x.s !== undefined ? f.x.s : f.s;
    var e = f.x.e !== undefined ? f.x.e : f.e;
    var before, left = "", right = "";
    if (a.x !== undefined) {
      before = a.x.slice(s, e);
      left = a.x.slice(Math.max(0, s - 24), s);
      right = a.x.slice(e, e + 24);
    } else {
      before = f.x.t !== undefined ? f.x.t : findingText(a, f);
      if (f.ctx && s === f.s) left = f.ctx[0].slice(-24);
      if (f.ctx && e === f.e) right = f.ctx[2].slice(0, 24);
    }
    left = left.slice(left.lastIndexOf("\n") + 1);
    right = right.split("\n")[0];
    // Line breaks the fix removes or inserts are shown as ↵.
    before = before.replace(/\r?\n/g, "↵");
    return el("div", { className: "fix" },
      el("span", { className: "k", text: "before" }),
      el("span", { className: "before" }, left, el("del", { text: before }), right),
      el("span", { className: "k", text: "after" }),
      el("span", { className: "after" }, left, f.x.r ? el("ins", { text: f.x.r.replace(/\r?\n/g, "↵") }) : el("span", { className: "small muted", text: "[deleted]" }), right),
      el("span", { className: "k", text: "" }),
      el("span", { className: "small muted", text: f.x.safe ? "safe fix: mtaudit fix applies it" : "unsafe fix: review before applying" }));
  }

  function decisionControls(a, f) {
    var box = el("div", { className: "decision" });
    if (!f.k) return box;
    var d = decisionOf(f);
    if (f.w) box.append(el("span", { className: "waived-label", text: "Waived in this run: " + f.w }));
    if (decisions[f.k] && decisions[f.k].decision === "reinstate") box.append(el("span", { className: "waived-label", text: "(reinstated: left out of the export)" }));
    var comment = el("input", { type: "text", "aria-label": "Comment for " + f.r + " decision", placeholder: "Comment (optional)", value: d && d.reason ? d.reason : "" });
    DECISIONS.forEach(function (dec) {
      var b = el("button", { type: "button", className: "btn", "aria-pressed": d && d.decision === dec ? "true" : "false", "data-decision": dec, text: DECISION_TEXT[dec] });
      b.addEventListener("click", function () { decide(a, f, dec, comment.value.trim()); refreshFinding(f.i); });
      box.append(b);
    });
    var undo = el("button", { type: "button", className: "btn btn-quiet", "data-decision": "undo", text: "Undo", disabled: !(decisions[f.k]) });
    undo.addEventListener("click", function () { decide(a, f, null); refreshFinding(f.i); });
    comment.addEventListener("change", function () {
      var now = decisionOf(f);
      if (now && decisions[f.k]) { decide(a, f, now.decision, comment.value.trim()); }
    });
    box.append(undo, comment);
    if (d) box.prepend(el("span", { className: "decided-label", text: "Decision: " + DECISION_TEXT[d.decision] }));
    return box;
  }

  /** A finding's extra data ({first: 32}) as "first: 32". */
  function dataText(d) {
    return Object.keys(d).map(function (k) {
      return k + ": " + (typeof d[k] === "string" ? d[k] : JSON.stringify(d[k]));
    }).join(" · ");
  }

  function findingItem(a, f) {
    var info = ruleInfo(f.r);
    var go = el("button", { type: "button", className: "go", "aria-label": "Show finding " + (order.indexOf(f.i) + 1) + " in the text", text: isTool(f) ? "article" : "line " + f.l });
    go.addEventListener("click", function () { select(f.i, true); });
    var quote = null;
    if (f.ctx) {
      quote = el("span", { className: "quote ctx" }, f.ctx[0], el("mark", { className: "cat-" + f.c }, f.ctx[1]), f.ctx[2]);
    } else if (!isTool(f) && !f.x) {
      quote = el("span", { className: "quote", text: findingText(a, f) || "(position)" });
    }
    var li = el("li", { className: "finding cat-" + f.c + (decisionOf(f) ? " is-decided" : ""), id: "fi-" + f.i, "data-f": f.i },
      el("div", { className: "head" }, go, el("a", { href: "#rule-" + f.r }, el("code", { text: f.r })), el("span", { text: info.name }), el("span", { className: "sev sev-" + f.v, text: f.v }), catChip(f.c)),
      el("p", { className: "msg", text: f.m }),
      quote, fixView(a, f), f.d ? el("p", { className: "small muted", text: dataText(f.d) }) : null,
      decisionControls(a, f));
    return li;
  }

  function refreshFinding(i) {
    var a = current;
    var old = $("fi-" + i);
    if (old) old.replaceWith(findingItem(a, a.f[i]));
    var dec = !!decisionOf(a.f[i]) || !!a.f[i].w;
    marks[i].forEach(function (m) { if (m.tagName === "MARK") m.classList.toggle("decided", dec); });
    if (selected === i) {
      $("fi-" + i).classList.add("current");
      if (anchorOf(i)) showPopover([i], anchorOf(i), true);
    }
  }

  function renderBreakdown(a) {
    var b = a.b || {};
    var box = $("art-score");
    var counts = {};
    a.f.forEach(function (f) { if (!f.w && !isTool(f)) counts[f.r] = (counts[f.r] || 0) + 1; });
    var tbody = el("tbody");
    Object.keys(b.by_rule || {}).forEach(function (code) {
      var r = b.by_rule[code];
      tbody.append(el("tr", null,
        el("td", null, el("a", { href: "#rule-" + code }, el("code", { text: code }))),
        el("td", { className: "num", text: String(counts[code] || 0) }),
        el("td", { className: "num", text: String(r.raw) }),
        el("td", { className: "num", text: String(r.capped) })));
    });
    var lost = b.length_factor ? (b.penalty / b.length_factor).toFixed(1) : "0";
    $("score-h").replaceChildren("Score ", el("strong", { className: "score", text: a.sc.toFixed(1) }), " ", statusChip(a.st),
      el("span", { className: "small muted", text: " · " + lost + " points lost" }));
    box.replaceChildren(
      tbody.children.length ? el("table", { className: "breakdown" },
        el("thead", null, el("tr", null, el("th", { text: "Rule" }), el("th", { className: "num", text: "Findings" }), el("th", { className: "num", text: "Penalty" }), el("th", { className: "num", text: "Capped" }))),
        tbody) : el("p", { className: "muted small", text: "No finding counts toward the score." }),
      el("p", { className: "formula" },
        "score = max(0, 100 − penalty ÷ length factor) = 100 − " + b.penalty + " ÷ " + b.length_factor + " = " + a.sc.toFixed(1) +
        ". Length factor = max(1, √(" + ((a.stats && a.stats.words) || 0) + " words ÷ 350)). Each finding costs its severity weight (error 20, warning 5, info 1); one rule costs at most 3× its worst finding; waived and AU findings do not count."),
      Object.keys(b.by_category || {}).length ? el("p", { className: "chips" }, "Points lost by category: ",
        ...Object.keys(b.by_category).map(function (c) { return catChip(c, "−" + b.by_category[c]); })) : null);
  }

  function showArticle(n) {
    var a = articles[n];
    if (!a) { location.hash = "#articles"; return; }
    current = a;
    selected = -1;
    hidePopover();
    order = a.f.map(function (f) { return f.i; }).sort(function (x, y) {
      var fx = a.f[x], fy = a.f[y];
      return (isTool(fx) ? -1 : fx.s) - (isTool(fy) ? -1 : fy.s) || x - y;
    });
    $("art-title").textContent = a.t || a.id;
    var meta = [a.id];
    if (a.p && a.p !== a.id) meta.push(a.p + (a.rl ? ":" + a.rl : ""));
    if (a.src) meta.push("source " + a.src);
    if (a.stats) meta.push((a.stats.words || 0) + " words");
    meta.push(a.f.length + (a.f.length === 1 ? " finding" : " findings"));
    if (a.ex) {
      Object.keys(a.ex).forEach(function (k) {
        var v = a.ex[k];
        if (v !== null && v !== "" && v !== undefined) meta.push(k + ": " + (typeof v === "string" ? v : JSON.stringify(v)));
      });
    }
    $("art-meta").textContent = meta.join(" · ");
    var note = $("art-note");
    note.hidden = a.x !== undefined;
    note.textContent = a.x !== undefined ? "" : "This article's text (" + a.len + " characters) is past the report's embedding limit: each finding is shown with " + run.limits.context_chars + " characters of context. Audit a smaller set to see it in full.";
    var tool = $("art-tool");
    tool.replaceChildren();
    a.f.forEach(function (f) {
      if (isTool(f)) tool.append(el("p", { className: "note" }, el("code", { text: f.r }), " " + f.m));
    });
    renderText(a);
    renderBreakdown(a);
    var list = $("art-findings");
    list.replaceChildren.apply(list, order.map(function (i) { return findingItem(a, a.f[i]); }));
    if (!a.f.length) list.append(el("li", { className: "muted", text: "No findings." }));
    a.f.forEach(function (f) { if (decisionOf(f) || f.w) marks[f.i].forEach(function (m) { if (m.tagName === "MARK") m.classList.add("decided"); }); });
    var pos = filtered.indexOf(a);
    // Previous/next follow the filtered list when the article is in it.
    $("prev-art").disabled = pos >= 0 ? pos === 0 : a.n === 0;
    $("next-art").disabled = pos >= 0 ? pos === filtered.length - 1 : a.n === articles.length - 1;
    document.title = (a.t || a.id) + " · mtaudit report";
    window.scrollTo(0, 0);
  }

  function neighbour(step) {
    var pos = filtered.indexOf(current);
    var next = pos >= 0 ? filtered[pos + step] : articles[current.n + step];
    if (next) location.hash = "#article/" + next.n;
  }

  // ------------------------------------------------------------ popover & selection

  function popoverEntry(a, f) {
    var info = ruleInfo(f.r);
    return el("div", { className: "pf cat-" + f.c },
      el("div", null, catChip(f.c), " ", el("a", { href: "#rule-" + f.r }, el("code", { text: f.r })), " " + info.name + " ", el("span", { className: "sev sev-" + f.v, text: f.v })),
      el("div", { text: f.m }),
      fixView(a, f),
      f.w ? el("div", { className: "waived-label", text: "Waived: " + f.w }) : null,
      decisionOf(f) && !f.w ? el("div", { className: "decided-label", text: "Decision: " + DECISION_TEXT[decisionOf(f).decision] }) : null);
  }

  var pinned = false;

  /** The first highlight of finding i in the text (null if not shown there). */
  function anchorOf(i) {
    var ms = marks[i] || [];
    return ms.find(function (m) { return m.tagName === "MARK"; }) || ms[0] || null;
  }

  function showPopover(ids, anchor, pin) {
    var pop = $("popover");
    if (!anchor || !ids.length) { hidePopover(); return; }
    pinned = !!pin;
    pop.replaceChildren.apply(pop, ids.map(function (i) { return popoverEntry(current, current.f[i]); }));
    if (pin) pop.append(el("p", { className: "small muted", text: "f: false positive · a: accept · u: undo · Esc: close" }));
    pop.hidden = false;
    var host = pop.parentElement.getBoundingClientRect();
    var r = anchor.getBoundingClientRect();
    var left = Math.max(0, Math.min(r.left - host.left, host.width - pop.offsetWidth - 4));
    pop.style.left = left + "px";
    pop.style.top = (r.bottom - host.top + 6) + "px";
  }

  function hidePopover() { $("popover").hidden = true; pinned = false; }

  function select(i, scroll) {
    var a = current;
    document.querySelectorAll(".current").forEach(function (n) { n.classList.remove("current"); });
    selected = i;
    var item = $("fi-" + i);
    if (item) {
      item.classList.add("current");
      var side = item.closest(".art-side");
      if (side && side.scrollHeight > side.clientHeight) {
        side.scrollTop = item.offsetTop - side.offsetTop - side.clientHeight / 3;
      }
    }
    (marks[i] || []).forEach(function (m) { m.classList.add("current"); });
    var anchor = anchorOf(i);
    if (anchor && scroll) anchor.scrollIntoView({ block: "center" });
    if (anchor) showPopover([i], anchor, true);
    else if (item && scroll) item.scrollIntoView({ block: "nearest" });
    if (!anchor) hidePopover();
    return a;
  }

  function step(dir) {
    if (!current || !order.length) return;
    var pos = order.indexOf(selected);
    pos = pos < 0 ? (dir > 0 ? 0 : order.length - 1) : (pos + dir + order.length) % order.length;
    select(order[pos], true);
  }

  function setupArticleView() {
    var box = $("art-text");
    function ids(t) {
      var m = t.closest("[data-f]");
      return m && box.contains(m) ? m.getAttribute("data-f").split(" ").map(Number) : null;
    }
    box.addEventListener("mouseover", function (e) {
      var f = ids(e.target);
      if (f && !pinned) showPopover(f, e.target.closest("[data-f]"), false);
    });
    box.addEventListener("mouseout", function (e) {
      if (!pinned && e.target.closest("[data-f]") && !(e.relatedTarget && $("popover").contains(e.relatedTarget))) hidePopover();
    });
    box.addEventListener("click", function (e) {
      var f = ids(e.target);
      if (f) select(f[0], false);
    });
    $("prev-art").addEventListener("click", function () { neighbour(-1); });
    $("next-art").addEventListener("click", function () { neighbour(1); });
  }

  // ------------------------------------------------------------ routing

  var VIEWS = ["overview", "articles", "article", "rules"];

  function show(view) {
    VIEWS.forEach(function (v) { $("view-" + v).hidden = v !== view; });
    document.querySelectorAll(".tabs a").forEach(function (t) {
      var tab = t.getAttribute("data-tab");
      if (tab === view || (view === "article" && tab === "articles")) t.setAttribute("aria-current", "page");
      else t.removeAttribute("aria-current");
    });
  }

  var lastView = "";

  function route() {
    var h = location.hash.slice(1);
    try { h = decodeURIComponent(h); } catch (e) { /* keep raw */ }
    if (lastView === "articles") listScroll = window.scrollY;
    var m;
    if (h.indexOf("id=") === 0) {
      var n = indexById.get(h.slice(3));
      location.replace("#" + (n === undefined ? "articles" : "article/" + n));
      return;
    }
    if ((m = /^article\/(\d+)$/.exec(h))) {
      show("article");
      showArticle(Number(m[1]));
      lastView = "article";
      return;
    }
    if (h === "articles") {
      show("articles");
      document.title = "Articles · mtaudit report";
      renderRows();
      window.scrollTo(0, lastView === "article" ? listScroll : 0);
      lastView = "articles";
      return;
    }
    if (h === "rules" || (m = /^rule[-/](.+)$/.exec(h))) {
      show("rules");
      document.title = "Rules · mtaudit report";
      var target = m && $("rule-" + m[1]);
      document.querySelectorAll(".rule-doc.targeted").forEach(function (n) { n.classList.remove("targeted"); });
      if (target) { target.classList.add("targeted"); target.scrollIntoView({ block: "start" }); } else window.scrollTo(0, 0);
      lastView = "rules";
      return;
    }
    show("overview");
    document.title = "Overview · mtaudit report";
    lastView = "overview";
  }

  // ------------------------------------------------------------ keyboard

  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
    if (e.key === "Escape") { hidePopover(); if (typing) t.blur(); return; }
    if (typing) return;
    var inArticle = !$("view-article").hidden;
    if (e.key === "/") {
      e.preventDefault();
      if ($("view-articles").hidden) location.hash = "#articles";
      setTimeout(function () { $("q").focus(); $("q").select(); }, 0);
    } else if (inArticle && (e.key === "j" || e.key === "k")) {
      e.preventDefault();
      step(e.key === "j" ? 1 : -1);
    } else if (inArticle && selected >= 0 && (e.key === "f" || e.key === "a" || e.key === "u")) {
      var f = current.f[selected];
      var reason = "";
      var input = $("fi-" + selected) && $("fi-" + selected).querySelector("input");
      if (input) reason = input.value.trim();
      decide(current, f, e.key === "f" ? "false-positive" : e.key === "a" ? "accepted" : null, reason);
      refreshFinding(selected);
    } else if (!$("view-articles").hidden && (e.key === "j" || e.key === "k")) {
      var links = Array.from(document.querySelectorAll("#rows td.title a"));
      var at = links.indexOf(document.activeElement);
      var next = links[at < 0 ? 0 : Math.max(0, Math.min(links.length - 1, at + (e.key === "j" ? 1 : -1)))];
      if (next) { e.preventDefault(); next.focus(); }
    }
  }

  // ------------------------------------------------------------ start

  loadDecisions();
  loadArticles();
  setupFilters();
  setupArticleView();
  applyFilters();
  $("export").addEventListener("click", exportDecisions);
  document.addEventListener("keydown", onKey);
  window.addEventListener("hashchange", route);
  window.addEventListener("storage", function (e) {
    if (e.key === STORE_KEY) { loadDecisions(); updateDecisionCount(); }
  });
  updateDecisionCount();
  $("loading").hidden = true;
  document.body.setAttribute("data-ready", "true");
  route();
})();
