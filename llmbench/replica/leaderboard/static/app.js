// Open LLM Leaderboard replica: the React app's behaviour in plain JavaScript (docs/leaderboard.md §3-8).
// Data flow: localStorage cache (5 min) or fetch(data endpoint) -> recompute averages -> sort ->
// hash-router filters -> virtualized table (only rows near the viewport exist in the DOM).
"use strict";

(function () {
  const CACHE_KEY = "leaderboardData";
  const CACHE_MS = 300000;
  const OVERSCAN = 15;
  const BENCHES = [
    ["ifeval", "IFEval"], ["bbh", "BBH"], ["math", "MATH"],
    ["gpqa", "GPQA"], ["musr", "MUSR"], ["mmlu_pro", "MMLU-PRO"],
  ];
  const TYPE_KEYS = ["pretrained", "continuously pretrained", "fine-tuned", "chat", "merge", "multimodal"];
  const TYPE_ICONS = {
    "pretrained": "🟢", "continuously pretrained": "🟩", "fine-tuned": "🔶",
    "chat": "💬", "merge": "🤝", "multimodal": "🌸",
  };
  const DEFAULT_PRECISIONS = ["bfloat16", "float16", "4bit"];
  const OPTIONAL_COLUMNS = {
    "model.architecture": ["Architecture", (r) => r.model.architecture || "-"],
    "model.precision": ["Precision", (r) => r.model.precision],
    "metadata.params_billions": ["Parameters", (r) => unit(String(r.metadata.params_billions), "B")],
    "metadata.hub_license": ["License", (r) => r.metadata.hub_license || "-"],
    "metadata.hub_hearts": ["Hub ❤️", (r) => String(r.metadata.hub_hearts)],
    "metadata.upload_date": ["Upload Date", (r) => r.metadata.upload_date || "-"],
    "metadata.submission_date": ["Submission Date", (r) => r.metadata.submission_date || "-"],
    "metadata.generation": ["Generation", (r) => String(r.metadata.generation)],
    "metadata.base_model": ["Base Model", (r) => r.metadata.base_model || "-"],
    "model.has_chat_template": ["Chat Template", (r) => yesNo(r.model.has_chat_template)],
    "features.is_not_available_on_hub": ["Hub Availability", (r) => yesNo(r.features.is_not_available_on_hub)],
    "features.is_official_provider": ["Only Official Providers", (r) => yesNo(r.features.is_official_provider)],
    "features.is_moe": ["Mixture of Experts", (r) => yesNo(r.features.is_moe)],
    "features.is_flagged": ["Flag Status", (r) => yesNo(r.features.is_flagged)],
    "model.sha": ["Revision", (r) => r.model.sha || "-"],
  };

  const body = document.body;
  const API = body.dataset.api || "/api/leaderboard/formatted";
  const LAYOUT = body.dataset.layout || "table";
  const PARENT = body.dataset.parentOrigin || "*";

  function yesNo(v) { return v ? "Yes" : "No"; }
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "style") node.style.cssText = v; else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const child of children || []) node.append(child);
    return node;
  }
  function unit(text, suffix, opacity) {
    const frag = document.createDocumentFragment();
    frag.append(text);
    frag.append(el("span", { style: `opacity:${opacity || 0.5}`, text: suffix }));
    return frag;
  }

  // ---- URL state (hash router) -------------------------------------------------------------
  function readState() {
    const hash = location.hash.replace(/^#\/?/, "");
    const query = new URLSearchParams(hash.includes("?") ? hash.slice(hash.indexOf("?") + 1) : "");
    const list = (key) => (query.get(key) ? query.get(key).split(",").filter(Boolean) : null);
    const params = (query.get("params") || "-1,140").split(",").map(Number);
    return {
      search: query.get("search") || "",
      params: params,
      paramsActive: query.has("params"),
      filters: list("filters") || [],
      precision: list("precision") || DEFAULT_PRECISIONS,
      types: list("types") || TYPE_KEYS,
      official: query.get("official") === "true",
      pinned: list("pinned") || [],
      columns: list("columns"),
      rowSize: query.get("rowSize") === "large" ? "large" : "normal",
      scoreDisplay: query.get("scoreDisplay") === "raw" ? "raw" : "normalized",
    };
  }
  function writeSearch(text) {
    const hash = location.hash.replace(/^#\/?/, "");
    const query = new URLSearchParams(hash.includes("?") ? hash.slice(hash.indexOf("?") + 1) : "");
    if (text) query.set("search", text); else query.delete("search");
    const qs = query.toString();
    history.replaceState(null, "", "#/" + (qs ? "?" + qs : ""));
    notifyParent();
    render();
  }
  function notifyParent() {
    if (window.parent !== window) {
      window.parent.postMessage({ queryString: location.search, hash: location.hash }, PARENT);
    }
  }

  // ---- search (utils/searchUtils.js) ---------------------------------------------------------
  const ALIASES = { precision: "model.precision", architecture: "model.architecture",
                    license: "metadata.hub_license", type: "model.type" };
  const REGEX_CHARS = /[\\^$.*+?()[\]{}|]/;
  function dig(obj, path) { return path.split(".").reduce((o, k) => (o == null ? o : o[k]), obj); }
  function compileGroup(group) {
    const tokens = [];
    const text = group.replace(/@(\w[\w.]*):([^\s@]*)/g, (_, field, value) => {
      tokens.push([ALIASES[field] || field, value.toLowerCase()]);
      return "";
    }).trim();
    let match = null;
    if (text) {
      if (REGEX_CHARS.test(text)) {
        try { const re = new RegExp(text, "i"); match = (name) => re.test(name); } catch (e) { match = null; }
      }
      if (!match) { const low = text.toLowerCase(); match = (name) => name.toLowerCase().includes(low); }
    }
    return (row) => tokens.every(([path, value]) => String(dig(row, path) ?? "").toLowerCase().includes(value))
      && (!match || match(row.model.name));
  }
  function searchMatcher(search) {
    const groups = search.split(";").map((g) => g.trim()).filter(Boolean).map(compileGroup);
    return groups.length ? (row) => groups.some((g) => g(row)) : () => true;
  }

  // ---- data -----------------------------------------------------------------------------------
  let rows = null;
  async function fetchData() {
    try {
      const cached = JSON.parse(localStorage.getItem(CACHE_KEY) || "null");
      if (cached && Date.now() - cached.timestamp < CACHE_MS) return cached.data;
    } catch (e) { /* unreadable cache: fetch */ }
    let lastError = null;
    for (let attempt = 0; attempt < 2; attempt++) {  // TanStack Query retry: 1
      try {
        const response = await fetch(API);
        if (!response.ok) throw new Error(`HTTP error! status: ${response.status}`);
        const data = await response.json();
        try {
          localStorage.setItem(CACHE_KEY, JSON.stringify({ data: data, timestamp: Date.now() }));
        } catch (e) {
          // The full board exceeds Chromium's localStorage quota; the replica keeps going (documented).
          console.warn("leaderboard cache not stored:", e.name);
        }
        return data;
      } catch (e) { lastError = e; }
    }
    throw lastError;
  }
  function prepare(data) {
    const out = data.map((row) => {
      const scores = BENCHES.map(([key]) => row.evaluations[key].normalized_score);
      const avg = scores.reduce((a, b) => a + (b || 0), 0) / scores.length;
      const features = {};
      for (const [k, v] of Object.entries(row.features)) features[k] = Boolean(v);
      return Object.assign({}, row, {
        model: Object.assign({}, row.model, { average_score: avg, has_chat_template: Boolean(row.model.has_chat_template) }),
        features: features,
      });
    });
    out.sort((a, b) => b.model.average_score - a.model.average_score);
    out.forEach((row, i) => { row.static_rank = i + 1; });
    return out;
  }
  function typeKey(type) {
    return TYPE_KEYS.find((key) => type.includes(key)) || null;
  }
  function applyFilters(state) {
    const match = searchMatcher(state.search);
    const [pmin, pmax] = state.params;
    const pinned = new Set(state.pinned);
    const kept = rows.filter((row) => {
      if (pinned.has(row.id)) return true;
      if (!state.precision.includes(row.model.precision)) return false;
      const type = row.model.type.toLowerCase();
      if (!state.types.some((t) => type.includes(t))) return false;
      if (state.official && !row.features.is_official_provider) return false;
      for (const f of state.filters) {
        if ((f === "is_official_provider" || f === "is_not_available_on_hub") && !row.features[f]) return false;
        if ((f === "is_moe" || f === "is_merged" || f === "is_flagged") && row.features[f]) return false;
      }
      if (state.paramsActive) {
        const p = row.metadata.params_billions || (row.features.params_billions || 0);
        if (!p || p < pmin || p >= pmax) return false;
      }
      return match(row);
    });
    kept.sort((a, b) => (pinned.has(b.id) - pinned.has(a.id)) || (a.static_rank - b.static_rank));
    return kept;
  }

  // ---- rendering ------------------------------------------------------------------------------
  const root = document.getElementById("root");
  let container = null;
  let current = [];
  let state = readState();

  function chrome() {
    const input = el("input", { type: "search", class: "lb-search",
      placeholder: 'Search by model name • try "meta @architecture:llama @license:mit"' });
    input.value = state.search;
    let timer = null;
    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => writeSearch(input.value), 150); });
    const header = el("header", { class: "lb-header" }, [
      el("img", { class: "lb-logo", src: "/static/media/hf-logo.svg", alt: "Hugging Face", width: "32", height: "32" }),
      el("h1", { text: "Open LLM Leaderboard" }),
      el("p", { class: "lb-subtitle", text: "Comparing Large Language Models in an open and reproducible way" }),
      el("nav", {}, [el("a", { href: "#/", text: "Leaderboard" }), el("a", { href: "#/add", text: "Submit model" }),
                     el("a", { href: "#/vote", text: "Vote for next model" })]),
      input,
      el("div", { class: "lb-count" }),
    ]);
    const paper = el("div", { class: "MuiPaper-root lb-paper" });
    root.replaceChildren(header, paper);
    return paper;
  }

  function columns() {
    const defaults = ["rank", "model.type_icon", "model", "model.average_score",
      ...BENCHES.map(([k]) => `evaluations.${k}.normalized_score`), "metadata.co2_cost"];
    const chosen = state.columns ? ["rank", "model.type_icon", "model", ...state.columns.filter((c) => c !== "model")] : defaults;
    return ["pin", ...chosen];
  }
  function headerText(col) {
    if (col === "pin" || col === "model.type_icon") return col === "pin" ? "" : "Type";
    if (col === "rank") return "Rank";
    if (col === "model") return `Model (${current.length.toLocaleString("en-US")})`;
    if (col === "model.average_score") return "Average";
    if (col === "metadata.co2_cost") return "CO₂ Cost";
    const bench = BENCHES.find(([k]) => col === `evaluations.${k}.normalized_score`);
    if (bench) return bench[1];
    return (OPTIONAL_COLUMNS[col] || [col])[0];
  }
  function scoreCell(value, raw) {
    if (value === null || value === undefined) return document.createTextNode("-");
    if (state.scoreDisplay === "raw") return document.createTextNode(raw.toFixed(2));
    return unit(value.toFixed(2), " %");
  }
  function cell(col, row) {
    const td = el("td", { class: "MuiTableCell-root MuiTableCell-body MuiTableCell-sizeMedium" });
    if (col === "pin") td.append(el("button", { class: "MuiIconButton-root", "aria-label": "Pin model", text: "📌" }));
    else if (col === "rank") {
      td.append(el("span", { class: row.static_rank <= 3 ? "lb-medal" : row.static_rank <= 10 ? "lb-top10" : "", text: String(row.static_rank) }));
    } else if (col === "model.type_icon") {
      const key = typeKey(row.model.type);
      td.append(el("span", { title: row.model.type, class: "lb-type", text: key ? TYPE_ICONS[key === "continuously pretrained" ? "pretrained" : key] : row.model.type }));
    } else if (col === "model") {
      const name = row.model.name;
      const details = name.replace("/", "__");
      const hub = el("a", { href: `https://huggingface.co/${name}`, target: "_blank", rel: "noopener noreferrer",
        "aria-label": `View ${name} on Hugging Face Hub`, title: `View ${name} on Hugging Face Hub`,
        class: "MuiTypography-root MuiLink-root" });
      appendHighlighted(hub, name);
      hub.append(el("svg", { class: "lb-icon" }));
      const det = el("a", { href: `https://huggingface.co/datasets/open-llm-leaderboard/${details}-details`,
        target: "_blank", rel: "noopener noreferrer", class: "MuiTypography-root MuiLink-root",
        "aria-label": `View detailed evaluation results for ${name}`, title: `View detailed evaluation results for ${name}` },
        [el("svg", { class: "lb-icon" })]);
      td.append(hub, det);
    } else if (col === "model.average_score") {
      const v = row.model.average_score;
      td.append(el("span", { class: "lb-dot" }), unit(v.toFixed(2), " %"),
        el("div", { class: "lb-bar", style: `width: calc(${v.toFixed(2)}% + 16px)` }));
    } else if (col === "metadata.co2_cost") {
      const v = row.metadata.co2_cost;
      td.append(unit((v ? v.toFixed(2) : "0"), " kg", 0.6));
    } else if (col.startsWith("evaluations.")) {
      const key = col.split(".")[1];
      td.append(scoreCell(row.evaluations[key].normalized_score, row.evaluations[key].value));
    } else if (OPTIONAL_COLUMNS[col]) td.append(OPTIONAL_COLUMNS[col][1](row));
    return td;
  }
  function appendHighlighted(node, name) {
    const term = state.search.split(";")[0].replace(/@\S+/g, "").trim();
    const at = term && !REGEX_CHARS.test(term) ? name.toLowerCase().indexOf(term.toLowerCase()) : -1;
    if (at < 0) { node.append(name); return; }
    node.append(name.slice(0, at), el("span", { class: "lb-highlight", text: name.slice(at, at + term.length) }),
      name.slice(at + term.length));
  }

  function renderSkeleton(paper) {
    const tbody = el("tbody", { class: "MuiTableBody-root" });
    for (let i = 0; i < 10; i++) tbody.append(el("tr", {}, [el("td", {}, [el("span", { class: "MuiSkeleton-root" })])]));
    paper.replaceChildren(el("table", { class: "MuiTable-root lb-skeleton" }, [tbody]));
  }

  function renderTable(paper) {
    const cols = columns();
    const rowHeight = state.rowSize === "large" ? 60 : 45;
    root.querySelector(".lb-count").textContent = `${current.length.toLocaleString("en-US")} models`;
    if (!current.length) {
      paper.replaceChildren(el("div", { class: "lb-empty" }, [el("h2", { text: "No models found" }),
        el("p", { text: "Try modifying your filters or search to see more models." })]));
      container = null;
      return;
    }
    if (LAYOUT === "grid") return renderGrid(paper, cols, rowHeight);
    const thead = el("thead", { class: "MuiTableHead-root" }, [el("tr", { class: "MuiTableRow-root MuiTableRow-head" },
      cols.map((c) => el("th", { class: "MuiTableCell-root MuiTableCell-head MuiTableCell-sizeMedium", "data-column": c, text: headerText(c) })))]);
    const tbody = el("tbody", { class: "MuiTableBody-root" });
    const table = el("table", { class: "MuiTable-root", style: "table-layout: fixed" },
      [el("colgroup", {}, cols.map(() => el("col"))), thead, tbody]);
    container = el("div", { class: "MuiTableContainer-root", style: "overflow: auto; height: calc(100vh - 380px)" }, [table]);
    paper.replaceChildren(container);
    const draw = () => {
      const viewport = container.clientHeight || rowHeight * 15;
      const first = Math.max(0, Math.floor(container.scrollTop / rowHeight) - OVERSCAN);
      const last = Math.min(current.length, Math.ceil((container.scrollTop + viewport) / rowHeight) + OVERSCAN);
      const spacer = (h) => el("tr", {}, [el("td", { colspan: String(cols.length), style: `height:${h}px; padding:0; border:0` })]);
      const fragment = [spacer(first * rowHeight)];
      for (let i = first; i < last; i++) {
        fragment.push(el("tr", { class: "MuiTableRow-root", style: `height:${rowHeight}px` }, cols.map((c) => cell(c, current[i]))));
      }
      fragment.push(spacer((current.length - last) * rowHeight));
      tbody.replaceChildren(...fragment);
    };
    container.addEventListener("scroll", () => requestAnimationFrame(draw));
    draw();
  }

  function renderGrid(paper, cols, rowHeight) {
    // "layout changed": divs instead of a table, names as plain text, no Hub links.
    container = el("div", { class: "lb-grid", role: "grid", style: "overflow: auto; height: calc(100vh - 380px)" });
    const inner = el("div", { style: `position: relative; height:${current.length * rowHeight}px` });
    container.append(inner);
    paper.replaceChildren(container);
    const draw = () => {
      const viewport = container.clientHeight || rowHeight * 15;
      const first = Math.max(0, Math.floor(container.scrollTop / rowHeight) - OVERSCAN);
      const last = Math.min(current.length, Math.ceil((container.scrollTop + viewport) / rowHeight) + OVERSCAN);
      const items = [];
      for (let i = first; i < last; i++) {
        const row = current[i];
        items.push(el("div", { role: "row", style: `position:absolute; top:${i * rowHeight}px; height:${rowHeight}px` }, [
          el("div", { role: "gridcell", text: String(row.static_rank) }),
          el("div", { role: "gridcell", text: row.model.name }),
          el("div", { role: "gridcell", text: row.model.average_score.toFixed(1) }),
        ]));
      }
      inner.replaceChildren(...items);
    };
    container.addEventListener("scroll", () => requestAnimationFrame(draw));
    draw();
  }

  let paper = null;
  function render() {
    state = readState();
    if (!rows) return;
    current = applyFilters(state);
    renderTable(paper);
  }

  async function main() {
    paper = chrome();
    renderSkeleton(paper);
    notifyParent();
    try {
      rows = prepare(await fetchData());
    } catch (e) {
      console.error(e);
      paper.replaceChildren(el("div", { class: "lb-error", role: "alert", text: `Failed to load leaderboard data: ${e.message}` }));
      return;
    }
    render();
  }
  window.addEventListener("hashchange", () => { render(); notifyParent(); });
  main();
})();
