/* FrontendX dashboard frontend.
 *
 * One frontend for `frontendx serve` and for the static site of `frontendx export-site`: it
 * fetches only relative `data/...` URLs and routes on the URL hash, so it works from any plain
 * file server. Slice keys, agent keys and as-of points are never built here: they all come from
 * data/index.json.
 *
 * Everything an agent wrote (finding titles, descriptions, steps, verdict reasons, replay
 * messages) is untrusted: data only ever reaches the DOM through textContent, element
 * properties and createElement -- never innerHTML.
 */
"use strict";

(function () {
  const app = document.getElementById("app");
  const charts = [];
  const cache = new Map();
  let renderToken = 0;
  let INDEX = null;

  const PALETTE = [
    "#2456c7", "#d9480f", "#2b8a3e", "#ae3ec9", "#0b7285", "#e67700",
    "#c2255c", "#5c7cfa", "#087f5b", "#862e9c", "#364fc7", "#a61e4d",
  ];
  const METRICS = {
    recall: { label: "Recall", fmt: pct, unit: "pct", axis: "Recall",
      help: "Share of the seeded bugs that were active and showed in the episode's browser state which the agent reported in a finding the validator reproduced (validated). Found/total counts (episode, bug) pairs." },
    fp_rate: { label: "False-positive rate", fmt: pct, unit: "pct", axis: "False-positive rate",
      help: "False-positive findings / all findings. Every verdict but validated and duplicate counts as false: not reproduced, flaky, also on the clean app, ambiguous, invalid." },
    cost_per_validated_bug: { label: "Cost per validated bug", fmt: usd, unit: "usd", axis: "Cost per validated bug (USD)",
      help: "(Metered model cost + browser-seconds × rate) / validated bugs. Not defined when nothing was validated." },
    ttr_median_s: { label: "Median time to reproduction", fmt: secs, unit: "secs", axis: "Median time to reproduction (s)",
      help: "Kaplan–Meier median time from episode start to the first validated finding of a bug; unfound bugs are censored at the budget. \u201c> budget\u201d: fewer than half were found within it." },
  };
  const PARETO = [
    { key: "cost_recall", x: "cost_per_validated_bug", title: "Cost per validated bug vs recall",
      sub: "Lower cost and higher recall are better (up and to the left)." },
    { key: "ttr_recall", x: "ttr_median_s", title: "Time to reproduction vs recall",
      sub: "Kaplan–Meier median TTR; faster and higher recall are better." },
    { key: "fp_recall", x: "fp_rate", title: "False-positive rate vs recall",
      sub: "Fewer false positives and higher recall are better." },
  ];
  const DIM_LABELS = { app: "App", state: "Browser state", category: "Bug category", difficulty: "Difficulty" };
  // How far each kind of agent is confined (README, "Writing an agent"; docs/security.md).
  const TRUST = {
    builtin: { kind: "info", text: "FrontendX's own agent" },
    sandboxed: { kind: "good", text: "An external program, confined by the harness: it sees only the app and its own files" },
    unconfined: { kind: "warn", text: "An external program run without confinement: it could read the harness's files and processes" },
    trusted: { kind: "warn", text: "In-process (entry-point) code: it gets the live browser and can reach every harness object, so its results are only as honest as its author" },
  };

  // --- DOM helpers (text only) ---------------------------------------------------------------

  function h(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === "class") node.className = v;
        else if (k === "text") node.textContent = String(v);
        else if (k === "dataset") Object.assign(node.dataset, v);
        else if (k === "on") for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
        else if (k === "title") node.title = String(v);
        else node.setAttribute(k, String(v));
      }
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) append(node, c);
      else if (c instanceof Node) node.appendChild(c);
      else node.appendChild(document.createTextNode(String(c)));
    }
  }

  function select(id, options, current, onChange) {
    const s = h("select", { id: id, "data-testid": id });
    for (const o of options) {
      const opt = h("option", { value: o.value, text: o.text });
      if (o.value === current) opt.selected = true;
      s.appendChild(opt);
    }
    s.addEventListener("change", () => onChange(s.value));
    return s;
  }

  function control(label, input) {
    return h("div", { class: "control" }, h("label", { for: input.id, text: label }), input);
  }

  function badge(text, kind, title) {
    return h("span", { class: "badge" + (kind ? " " + kind : ""), title: title || null, text: text });
  }

  function trustOf(level) {
    return Object.prototype.hasOwnProperty.call(TRUST, level) ? TRUST[level] : { kind: "warn", text: "Unknown trust level" };
  }

  // A row's trust is one level, or several joined by commas when a config ran under more.
  function trustBadges(trust) {
    return String(trust || "").split(",").filter(Boolean).map((t) => badge(t, trustOf(t).kind + " trust", trustOf(t).text));
  }

  // --- formatting ------------------------------------------------------------------------------

  function isNum(v) { return typeof v === "number" && isFinite(v); }
  function pct(v) { return isNum(v) ? (v * 100).toFixed(1) + "%" : "—"; }
  // The same rules as frontendx.report._format (terminal and dashboard read alike; a test
  // checks both give the same text): at least two significant figures below $1.
  const BEYOND_BUDGET = "> budget";
  function usdDecimals(v) {
    let d = 2;
    const x = Math.abs(v);
    while (x && x < Math.pow(10, 1 - d) && d < 8) d++;
    return d;
  }
  function usd(v) {
    if (!isNum(v)) return "—";
    if (v === 0) return "$0";
    if (v > 0 && v < 1e-6) return "< $0.000001";  // TINY_USD in report/_format.py
    const d = usdDecimals(v);
    return "$" + v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  function secs(v) {
    if (!isNum(v)) return "—";
    if (v >= 3600) return (v / 3600).toFixed(1) + " h";
    return (v < 100 ? v.toFixed(1) : Math.round(v)) + " s";
  }
  function mins(v) { return isNum(v) ? Math.round(v).toLocaleString("en-US") : "—"; }
  function num(v) { return isNum(v) ? v.toLocaleString("en-US") : "—"; }
  function date(ts) {
    if (!isNum(ts) || ts <= 0) return "—";
    const d = new Date(ts * 1000);
    return d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }
  function age(ts) {
    if (!isNum(ts) || ts <= 0) return "—";
    const s = Math.max(0, Date.now() / 1000 - ts);
    if (s < 3600) return Math.max(1, Math.round(s / 60)) + " min";
    if (s < 2 * 86400) return Math.round(s / 3600) + " h";
    return Math.round(s / 86400) + " d";
  }

  /** "value [low, high]" as two spans; `openHigh` prints a missing high bound as "> budget". */
  function withCI(v, lo, hi, fmt, openHigh) {
    const out = [h("span", { class: "value", text: fmt(v) })];
    if (isNum(lo) || isNum(hi)) {
      const high = isNum(hi) ? fmt(hi) : (openHigh ? BEYOND_BUDGET : "—");
      out.push(h("span", { class: "ci", text: "[" + fmt(lo) + ", " + high + "]" }));
    }
    return out;
  }

  // --- data ------------------------------------------------------------------------------------

  function getJSON(path) {
    if (!cache.has(path)) {
      const p = fetch("data/" + path, { headers: { Accept: "application/json" } }).then(async (r) => {
        if (!r.ok) {
          let msg = r.status + " " + r.statusText;
          try { msg = (await r.json()).error || msg; } catch (e) { /* not JSON */ }
          throw new Error("data/" + path + ": " + msg);
        }
        return r.json();
      });
      p.catch(() => cache.delete(path));
      cache.set(path, p);
    }
    return cache.get(path);
  }

  function agentKey(label) {
    const found = INDEX.agents.find((a) => a.label === label);
    return found ? found.key : null;
  }

  function agentColor(label) {
    const labels = INDEX.agents.map((a) => a.label);
    let i = labels.indexOf(label);
    if (i < 0) {
      let hsh = 0;
      for (const ch of label) hsh = (hsh * 31 + ch.charCodeAt(0)) >>> 0;
      i = hsh;
    }
    return PALETTE[i % PALETTE.length];
  }

  function sliceOf(key) {
    for (const dim of Object.keys(INDEX.slices)) {
      for (const item of INDEX.slices[dim]) if (item.key === key) return { dim: dim, item: item };
    }
    return null;
  }

  function asOfText(id) {
    if (id === "latest") return "latest";
    const p = INDEX.points.find((x) => x.id === id);
    return p ? date(p.at) : id;
  }

  // --- routing ---------------------------------------------------------------------------------

  function parseHash() {
    const raw = location.hash.replace(/^#\/?/, "");
    const [path, query] = raw.split("?");
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    return { page: parts[0] || "leaderboard", arg: parts[1] || null, params: new URLSearchParams(query || "") };
  }

  function go(page, arg, params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) if (v !== null && v !== undefined && v !== "") q.set(k, v);
    const qs = q.toString();
    app.dataset.state = "loading"; // until the hashchange has rendered the new view
    location.hash = "#/" + page + (arg !== null && arg !== undefined ? "/" + encodeURIComponent(arg) : "") + (qs ? "?" + qs : "");
  }

  function common(params, defaults) {
    const asof = params.get("asof") || "latest";
    const slice = params.get("slice") || "all";
    const task = params.get("task") || defaults.task;
    return {
      asof: asof === "latest" || INDEX.points.some((p) => p.id === asof) ? asof : "latest",
      slice: slice === "all" || sliceOf(slice) ? slice : "all",
      task: task,
    };
  }

  function updateNav(page, state) {
    for (const a of document.querySelectorAll("#nav a")) {
      const target = a.dataset.page;
      a.classList.toggle("active", target === page || (target === "agents" && (page === "agent" || page === "episode")));
      const q = new URLSearchParams();
      const timeless = ["changelog", "agents", "regressions", "review"].includes(target);
      if (state && state.asof && state.asof !== "latest" && !timeless) q.set("asof", state.asof);
      if (state && state.slice && state.slice !== "all" && (target === "leaderboard" || target === "pareto")) q.set("slice", state.slice);
      if (state && state.task && state.task !== "all" && !timeless) q.set("task", state.task);
      a.href = "#/" + target + (q.toString() ? "?" + q.toString() : "");
    }
  }

  async function route() {
    const token = ++renderToken;
    const { page, arg, params } = parseHash();
    for (const c of charts.splice(0)) c.destroy();
    app.dataset.state = "loading";
    app.dataset.route = page;
    const pages = {
      leaderboard: pageLeaderboard, pareto: pagePareto, trends: pageTrends, matrix: pageMatrix,
      agents: pageAgents, agent: pageAgent, episode: pageEpisode, changelog: pageChangelog,
      regressions: pageRegressions, review: pageReview, changes: pageChanges,
    };
    const render = pages[page];
    try {
      if (!INDEX) {
        INDEX = await getJSON("index.json");
        renderChrome();
      }
      if (!render) throw new Error("no page " + JSON.stringify(page));
      const view = await render(arg, params, token);
      if (token !== renderToken) return;
      app.replaceChildren(view.node);
      if (view.after) view.after();
      updateNav(page, view.state);
      app.dataset.state = "ready";
    } catch (err) {
      if (token !== renderToken) return;
      app.replaceChildren(h("div", { class: "error", role: "alert", text: String(err && err.message ? err.message : err) }));
      app.dataset.state = "error";
    }
  }

  function renderChrome() {
    const banner = document.getElementById("banner");
    const labels = INDEX.agents.map((a) => a.label);
    const synthetic = labels.filter((l) => l.startsWith("synthetic-")).length;
    if (synthetic) {
      banner.hidden = false;
      banner.textContent = synthetic === labels.length
        ? "Synthetic data: every result shown was generated by frontendx.dashboard.synthetic (agents named synthetic-*), not measured."
        : "This store mixes in synthetic results: agents named synthetic-* were generated, not measured.";
    }
    // the pre-merge review page is in the nav only when the store holds change reviews
    const changes = document.querySelector('#nav a[data-page="changes"]');
    if (changes && INDEX.tasks.some((t) => CHANGE_TASKS.includes(t))) changes.hidden = false;
    else if (changes) changes.remove();
    document.getElementById("footer").replaceChildren(
      "FrontendX " + INDEX.frontendx_version +
      " · metric constants " + INDEX.constants_version +
      " · " + Math.round(INDEX.confidence * 100) + "% bootstrap confidence intervals" +
      " · " + num(INDEX.episodes) + " episodes stored" +
      " · data computed " + date(INDEX.generated_at)
    );
  }

  // --- shared controls ---------------------------------------------------------------------------

  function asOfSelect(current, onChange) {
    const opts = [{ value: "latest", text: "Latest" }];
    for (const p of INDEX.points.slice().reverse()) opts.push({ value: p.id, text: date(p.at) + " — " + p.id });
    return control("As of", select("asof", opts, current, onChange));
  }

  function sliceSelects(current, onChange) {
    const cur = sliceOf(current);
    const dims = [{ value: "all", text: "All episodes" }];
    for (const d of Object.keys(INDEX.slices)) if (INDEX.slices[d].length) dims.push({ value: d, text: DIM_LABELS[d] || d });
    const dimSel = select("slice-dim", dims, cur ? cur.dim : "all", (d) => {
      onChange(d === "all" ? "all" : INDEX.slices[d][0].key);
    });
    const out = [control("Slice by", dimSel)];
    if (cur) {
      const values = INDEX.slices[cur.dim].map((it) => ({ value: it.key, text: it.value }));
      out.push(control(DIM_LABELS[cur.dim] || cur.dim, select("slice-value", values, current, onChange)));
    }
    return out;
  }

  function taskSelect(current, withAll, onChange) {
    const opts = withAll ? [{ value: "all", text: "All tasks" }] : [];
    for (const t of INDEX.tasks) opts.push({ value: t, text: t });
    return control("Task", select("task", opts, current, onChange));
  }

  // --- leaderboard -----------------------------------------------------------------------------

  function agentInfo(label) { return INDEX.agents.find((a) => a.label === label) || null; }
  function isCalibration(label) { const a = agentInfo(label); return !!(a && a.calibration); }

  /** Hover text for an agent config: what it is, its version and its config. */
  function agentTitle(label, version) {
    const a = agentInfo(label);
    const lines = [label + " \u2014 agent " + (a ? a.name : label.split("@")[0]) + ", version " + version];
    if (a && a.description) lines.push(a.description);
    if (label.includes("@")) lines.push("@" + label.split("@").pop() + " is a short hash of its config");
    if (a && a.config && Object.keys(a.config).length) lines.push("config: " + JSON.stringify(a.config));
    else lines.push("config: defaults");
    return lines.join("\n");
  }

  const VERDICT_KINDS = ["validated", "duplicate", "not_reproduced", "flaky_repro", "also_on_clean", "ambiguous", "invalid"];
  /** Per-verdict counts of a row, when the metrics carry them (`verdicts` or `n_<kind>`). */
  function verdictCounts(r) {
    const src = r.verdicts && typeof r.verdicts === "object" ? r.verdicts : null;
    const out = [];
    for (const k of VERDICT_KINDS) {
      const v = src ? src[k] : r["n_" + k];
      if (isNum(v)) out.push([k, v]);
    }
    return out;
  }

  // Leaderboard columns: header, tooltip, sort key (a number; missing sorts last).
  const LB_COLUMNS = [
    { key: "rank", th: "#", cls: "rank" },
    { key: "agent", th: "Agent config", sort: (r) => r.agent, help: "Agent name @ short hash of its config; hover a name for its description, version and config." },
    { key: "trust", th: "Trust", sort: (r) => r.trust, help: "How far the agent was confined: builtin, sandboxed, unconfined or trusted (in-process code)" },
    { key: "recall", th: "Recall [CI]", num: true, sort: (r) => r.recall, help: METRICS.recall.help },
    { key: "found", th: "Found / total", num: true, sort: (r) => r.n_validated, help: "Validated (episode, bug) pairs / scored pairs: recall's numerator and denominator." },
    { key: "fp_rate", th: "FP rate [CI]", num: true, sort: (r) => r.fp_rate, low: true, help: METRICS.fp_rate.help },
    { key: "ttr", th: "Median TTR [CI]", num: true, sort: (r) => (isNum(r.ttr_median_s) ? r.ttr_median_s : (isNum(r.found_within_budget) ? 1e15 : null)), low: true, help: METRICS.ttr_median_s.help },
    { key: "cost", th: "Cost / validated bug [CI]", num: true, sort: (r) => r.cost_per_validated_bug, low: true, help: METRICS.cost_per_validated_bug.help },
    { key: "minutes", th: "Human min saved [CI]", num: true, sort: (r) => r.human_minutes_saved, help: "Validated bugs' manual minutes \u2212 findings \u00d7 triage \u2212 false positives \u00d7 wasted time \u2212 questions \u00d7 answer time (metrics/constants.toml)." },
    { key: "n", th: "n episodes", num: true, sort: (r) => r.n_episodes, help: "Scored episodes (infrastructure errors excluded)." },
    { key: "infra", th: "Infra errors", num: true, sort: (r) => r.n_infra_errors, low: true, help: "Episodes lost to infrastructure: retried, then left out of every figure" },
    { key: "agent_err", th: "Agent errors", num: true, sort: (r) => r.n_agent_errors, low: true, help: "Episodes that ended as agent_error: scored, and included in n" },
    { key: "age", th: "Age", num: true, sort: (r) => -r.newest_at, low: true, help: "Time since the newest result of the row." },
    { key: "status", th: "Status", help: "stale: a newer version of something the result depends on is known; regression: worse than its previous result beyond the CI." },
  ];

  function sortRows(rows, sort) {
    const col = LB_COLUMNS.find((c) => c.key === (sort && sort.key));
    if (!col || !col.sort) return rows.slice();
    const dir = sort.dir === "asc" ? 1 : -1;
    return rows.slice().sort((a, b) => {
      const x = col.sort(a), y = col.sort(b);
      const missX = x === null || x === undefined || (typeof x === "number" && !isFinite(x));
      const missY = y === null || y === undefined || (typeof y === "number" && !isFinite(y));
      if (missX || missY) return missX === missY ? 0 : (missX ? 1 : -1);
      return (typeof x === "string" ? x.localeCompare(y) : x - y) * dir;
    });
  }

  function leaderboardRow(r, rank, withVerdicts) {
    const key = agentKey(r.agent);
    const name = key ? h("a", { href: "#/agent/" + encodeURIComponent(key), text: r.agent }) : h("span", { text: r.agent });
    const fronts = PARETO.filter((p) => r.pareto && r.pareto[p.key]).map((p) => p.key.split("_")[0]);
    const shownReasons = r.stale_reasons.slice(0, 2);
    const more = r.stale_reasons.length - shownReasons.length;
    const status = r.stale
      ? [badge("stale", "warn", "Stale: " + r.stale_reasons.join("; ")),
         h("ul", { class: "stale-reasons", title: r.stale_reasons.join("\n") },
           shownReasons.map((s) => h("li", { text: s })),
           more > 0 ? h("li", { class: "more", text: "+ " + more + " more (hover)" }) : null)]
      : [badge("current", "good", "No newer version of anything this result depends on is known")];
    const title = agentTitle(r.agent, r.agent_version) + (fronts.length ? "\nOn the Pareto front of " + fronts.join(", ") + " vs recall" : "");
    const verdicts = verdictCounts(r);
    return h("tr", { "data-agent": r.agent, "data-task": r.task, "data-calibration": r.calibration ? "true" : "false" },
      h("td", { class: "rank", text: rank }),
      h("td", { class: "agent-cell", title: title, "data-testid": "agent-cell" },
        name, h("div", { class: "agent-version", text: "version " + r.agent_version })),
      h("td", { "data-testid": "row-trust" }, trustBadges(r.trust)),
      h("td", { class: "num" }, withCI(r.recall, r.recall_ci_low, r.recall_ci_high, pct)),
      h("td", { class: "num nowrap", "data-testid": "row-found", title: r.n_validated + " of " + r.n_manifestable + " scored (episode, bug) pairs validated", text: num(r.n_validated) + "/" + num(r.n_manifestable) }),
      h("td", { class: "num" }, withCI(r.fp_rate, r.fp_rate_ci_low, r.fp_rate_ci_high, pct)),
      h("td", { class: "num" }, !isNum(r.ttr_median_s) && isNum(r.found_within_budget)
        ? [h("span", { class: "value", title: "Fewer than half of the scored bugs were reproduced within the budget (" + pct(r.found_within_budget) + "), so the median is beyond it", text: BEYOND_BUDGET }),
           isNum(r.ttr_ci_low) ? h("span", { class: "ci", text: "[" + secs(r.ttr_ci_low) + ", " + BEYOND_BUDGET + "]" }) : null]
        : withCI(r.ttr_median_s, r.ttr_ci_low, r.ttr_ci_high, secs, true)),
      h("td", { class: "num" }, withCI(r.cost_per_validated_bug, r.cost_per_validated_bug_ci_low, r.cost_per_validated_bug_ci_high, usd)),
      h("td", { class: "num" }, withCI(r.human_minutes_saved, r.human_minutes_saved_ci_low, r.human_minutes_saved_ci_high, mins)),
      h("td", { class: "num", text: num(r.n_episodes) }),
      h("td", { class: "num", "data-testid": "row-infra-errors", text: num(r.n_infra_errors) }),
      h("td", { class: "num", "data-testid": "row-agent-errors", text: num(r.n_agent_errors) }),
      h("td", { class: "num nowrap", title: "newest result: " + date(r.newest_at), text: age(r.newest_at) }),
      withVerdicts ? h("td", { class: "verdict-counts", "data-testid": "row-verdicts" }, verdicts.length ? h("ul", { class: "plain" }, verdicts.map(([k, v]) => h("li", { text: v + " " + k.replace(/_/g, " ") }))) : "—") : null,
      h("td", null, status),
    );
  }

  function leaderboardTables(data, task, ci, sort, onSort) {
    const tasks = task === "all" ? Array.from(new Set(data.rows.map((r) => r.task))) : [task];
    const out = [];
    const withVerdicts = data.rows.some((r) => verdictCounts(r).length);
    const columns = LB_COLUMNS.slice();
    if (withVerdicts) columns.splice(columns.length - 1, 0, { key: "verdicts", th: "Verdicts", help: "How the validator judged the findings (docs/design.md \u00a74)." });
    const head = (sortable) => h("thead", null, h("tr", null, columns.map((c) => {
      const active = sortable && sort && sort.key === c.key;
      const th = h("th", { class: (c.num ? "num " : "") + (c.cls || "") + (sortable && c.sort ? " sortable" : ""), title: c.help || null, "data-col": c.key,
        "aria-sort": active ? (sort.dir === "asc" ? "ascending" : "descending") : null });
      if (sortable && c.sort) {
        const next = active ? (sort.dir === "asc" ? "desc" : "asc") : (c.low ? "asc" : "desc");
        th.appendChild(h("button", { type: "button", class: "sort", "data-testid": "sort-" + c.key, on: { click: () => onSort({ key: c.key, dir: next }) } },
          c.th, h("span", { class: "arrow", text: active ? (sort.dir === "asc" ? " \u25b2" : " \u25bc") : "" })));
      } else {
        th.textContent = c.th;
      }
      return th;
    })));
    for (const t of tasks) {
      const all = data.rows.filter((r) => r.task === t);
      const ranked = sortRows(all.filter((r) => !r.calibration), sort);
      const calib = all.filter((r) => r.calibration);
      const wrap = h("div", { class: "table-wrap" });
      wrap.appendChild(h("div", { class: "table-caption" }, "Task: " + t,
        h("span", { class: "muted", text: ranked.length + " agent config" + (ranked.length === 1 ? "" : "s") + " ranked · " + ci })));
      const table = h("table", { class: "leaderboard", "data-testid": "leaderboard-table", "data-task": t }, head(!!onSort));
      const body = h("tbody");
      ranked.forEach((r, i) => body.appendChild(leaderboardRow(r, String(i + 1), withVerdicts)));
      if (!ranked.length) body.appendChild(h("tr", null, h("td", { colspan: String(columns.length), class: "empty", text: "No ranked results for this task in this view." })));
      table.appendChild(body);
      wrap.appendChild(table);
      if (calib.length) {
        wrap.appendChild(h("div", { class: "table-caption calibration-caption" }, "Calibration (not ranked)",
          h("span", { class: "muted", text: "They check the validator, not compete: oracle must score recall 100% and FP 0%, null recall 0% and FP 100% (docs/design.md \u00a74)." })));
        const ctable = h("table", { class: "leaderboard calibration", "data-testid": "calibration-table", "data-task": t }, head(false));
        ctable.appendChild(h("tbody", null, calib.map((r) => leaderboardRow(r, "\u2013", withVerdicts))));
        wrap.appendChild(ctable);
      }
      out.push(wrap);
    }
    if (!tasks.length) {
      out.push(h("div", { class: "panel empty", text: INDEX.episodes
        ? "No results in this view."
        : "The store holds no episodes yet: `frontendx run` adds some." }));
    }
    return out;
  }

  function downloads(asof, slice) {
    const base = "data/leaderboard/" + asof + "/" + slice;
    return h("div", { class: "downloads" },
      h("a", { class: "btn-link", href: base + ".csv", download: "frontendx-leaderboard-" + asof + "-" + slice + ".csv", "data-testid": "download-csv", text: "⇩ CSV" }),
      h("a", { class: "btn-link", href: base + ".json", download: "frontendx-leaderboard-" + asof + "-" + slice + ".json", "data-testid": "download-json", text: "⇩ JSON" }));
  }

  function ciText() {
    return Math.round(INDEX.confidence * 100) + "% bootstrap CI as [low, high]";
  }

  async function pageLeaderboard(arg, params) {
    const st = common(params, { task: "all" });
    const data = await getJSON("leaderboard/" + st.asof + "/" + st.slice + ".json");
    const sortParam = (params.get("sort") || "").split(":");
    const sort = LB_COLUMNS.some((c) => c.key === sortParam[0] && c.sort) ? { key: sortParam[0], dir: sortParam[1] === "asc" ? "asc" : "desc" } : null;
    const upd = (ch) => go("leaderboard", null, Object.assign({ sort: sort ? sort.key + ":" + sort.dir : null }, st, ch));
    const cur = sliceOf(st.slice);
    const node = h("div", null,
      h("div", { class: "page-head" }, h("div", null,
        h("h1", { text: "Leaderboard" }),
        h("p", { text: "Newest result per agent config" + (st.asof === "latest" ? "" : " as of " + asOfText(st.asof)) +
          (cur ? ", " + (DIM_LABELS[cur.dim] || cur.dim).toLowerCase() + " = " + cur.item.value : "") +
          ". Every figure carries its " + ciText() + " and n; results older than a known newer version of anything they depend on are flagged stale." }))),
      h("div", { class: "controls" },
        asOfSelect(st.asof, (v) => upd({ asof: v })),
        sliceSelects(st.slice, (v) => upd({ slice: v })),
        taskSelect(st.task, true, (v) => upd({ task: v })),
        downloads(st.asof, st.slice)),
      cur && (cur.dim === "category" || cur.dim === "difficulty")
        ? h("p", { class: "note", text: "Bug-level slice: recall and TTR count only the bugs in the slice; FP rate, cost and minutes saved are episode-level figures and are not defined here." })
        : null,
      perAppLinks(st),
      leaderboardTables(data, st.task, ciText(), sort, (next) => upd({ sort: next.key + ":" + next.dir })));
    if (st.asof === "latest" && st.slice === "all") markRegressions(node);
    return { node: node, state: st };
  }

  /** One click to each app's leaderboard (the app slice). */
  function perAppLinks(st) {
    const apps = INDEX.slices.app || [];
    if (apps.length < 2) return null;
    return h("nav", { class: "per-app", "data-testid": "per-app", "aria-label": "Per-app leaderboards" },
      h("span", { class: "muted", text: "Per app: " }),
      st.slice === "all" ? h("strong", { text: "all apps" }) : h("a", { href: "#/leaderboard?" + new URLSearchParams(Object.assign({}, st.asof !== "latest" ? { asof: st.asof } : {}, st.task !== "all" ? { task: st.task } : {})).toString(), text: "all apps" }),
      apps.map((a) => [" \u00b7 ", st.slice === a.key ? h("strong", { text: a.value })
        : h("a", { href: "#/leaderboard?" + new URLSearchParams(Object.assign({ slice: a.key }, st.asof !== "latest" ? { asof: st.asof } : {}, st.task !== "all" ? { task: st.task } : {})).toString(), text: a.value })]));
  }

  // Regressions (newest result worse than the previous one beyond the CI) cost a bootstrap
  // per agent config: fetched after the table is shown, then marked on its rows.
  function markRegressions(node) {
    getJSON("regressions.json").then((data) => {
      for (const tr of node.querySelectorAll("tr[data-agent]")) {
        const worse = data.regressions[tr.dataset.agent + "\u001f" + tr.dataset.task] || [];
        if (!worse.length) continue;
        const cell = tr.lastElementChild;
        cell.insertBefore(h("ul", { class: "stale-reasons", title: worse.join("\n") },
          worse.map((s) => h("li", { text: s }))), cell.firstChild);
        cell.insertBefore(badge("regression", "bad", "Worse than its previous result beyond the CI: " + worse.join("; ")), cell.firstChild);
      }
    }).catch(() => {});
  }

  // --- Pareto ----------------------------------------------------------------------------------

  const pointLabels = {
    id: "fxPointLabels",
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      const ds = chart.data.datasets[0];
      const meta = chart.getDatasetMeta(0);
      if (!ds || !meta || meta.hidden) return;
      ctx.save();
      ctx.font = "11px system-ui, -apple-system, Segoe UI, Roboto, sans-serif";
      ctx.fillStyle = "#344054";
      ctx.textBaseline = "middle";
      meta.data.forEach((el, i) => {
        const p = ds.data[i];
        if (!p || !p.label) return;
        const right = el.x + 8 + ctx.measureText(p.label).width < chart.chartArea.right;
        ctx.textAlign = right ? "left" : "right";
        ctx.fillText(p.label, right ? el.x + 8 : el.x - 8, el.y - 1);
      });
      ctx.restore();
    },
  };

  /** Tick labels for a linear axis: decimals follow the step between ticks (not each
   * value's magnitude), raised until no two labels repeat. */
  const TICK_UNITS = {
    pct: { scale: 100, prefix: "", suffix: "%", min: 0 },
    usd: { scale: 1, prefix: "$", suffix: "", min: 0 },
    secs: { scale: 1, prefix: "", suffix: " s", min: 0 },
  };
  function tickLabels(values, unit) {
    const u = TICK_UNITS[unit];
    const scaled = values.map((v) => v * u.scale);
    let step = Infinity;
    for (let i = 1; i < scaled.length; i++) step = Math.min(step, Math.abs(scaled[i] - scaled[i - 1]));
    let d = isFinite(step) && step > 0 ? Math.max(u.min, Math.ceil(-Math.log10(step) - 1e-9)) : 0;
    if (unit === "usd" && d > 0) d = Math.max(d, 2);
    for (;; d++) {
      const labels = scaled.map((v) => u.prefix + (Math.abs(v) < 1e-12 ? 0 : v).toFixed(d) + u.suffix);
      if (new Set(labels).size === labels.length || d >= 8) return labels;
    }
  }
  function axisTicks(unit) {
    return {
      color: "#5f6b7a",
      callback: function (v, i, ticks) { return tickLabels(ticks.map((t) => t.value), unit)[i]; },
    };
  }

  /** The x axis's upper end: a share never runs past 100%. */
  function paretoMaxX(spec, pts) {
    const top = Math.max(0, ...pts.map((p) => p.x));
    if (METRICS[spec.x].unit !== "pct") return undefined;
    return Math.min(1, Math.max(0.1, Math.ceil(top * 1.15 * 10) / 10));
  }

  function paretoChart(canvas, rows, spec) {
    const xm = METRICS[spec.x];
    const pts = rows.filter((r) => isNum(r[spec.x]) && isNum(r.recall)).map((r) => ({
      x: r[spec.x], y: r.recall, label: r.agent, version: r.agent_version, n: r.n_episodes, front: !!(r.pareto && r.pareto[spec.key]),
    }));
    const front = pts.filter((p) => p.front).sort((a, b) => a.x - b.x);
    const maxX = paretoMaxX(spec, pts);
    return new Chart(canvas, {
      type: "scatter",
      data: {
        datasets: [
          {
            label: "Agent configs", data: pts, order: 1,
            pointRadius: 6, pointHoverRadius: 8,
            pointBackgroundColor: pts.map((p) => agentColor(p.label)),
            pointBorderColor: pts.map((p) => (p.front ? "#101828" : "#ffffff")),
            pointBorderWidth: pts.map((p) => (p.front ? 2 : 1)),
          },
          {
            label: "Pareto front", data: front.map((p) => ({ x: p.x, y: p.y, label: p.label })), order: 2,
            showLine: true, borderColor: "#101828", backgroundColor: "#101828", borderDash: [6, 4],
            borderWidth: 1.5, pointRadius: 0, pointHoverRadius: 0, fill: false, tension: 0,
          },
        ],
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        layout: { padding: { right: 12, top: 6 } },
        scales: {
          x: { type: "linear", min: 0, max: maxX, grace: maxX === undefined ? "8%" : 0, title: { display: true, text: xm.axis, font: { weight: "600" } }, ticks: axisTicks(xm.unit), grid: { color: "#eef0f3" } },
          y: { type: "linear", min: 0, max: 1, title: { display: true, text: "Recall", font: { weight: "600" } }, ticks: axisTicks("pct"), grid: { color: "#eef0f3" } },
        },
        plugins: {
          // the legend is HTML below the chart (paretoLegend): one entry per agent config in
          // the colour of its point, which Chart.js's per-dataset legend cannot show
          legend: { display: false },
          tooltip: {
            filter: (item) => item.datasetIndex === 0,
            callbacks: {
              label: (item) => {
                const p = item.raw;
                return p.label + " version " + p.version + ": recall " + pct(p.y) + ", " + xm.label.toLowerCase() + " " + xm.fmt(p.x) + " (n=" + p.n + ")" + (p.front ? " — on the front" : "");
              },
            },
          },
        },
      },
      plugins: [pointLabels],
    });
  }

  function paretoLegend(rows, spec) {
    const shown = rows.filter((r) => isNum(r[spec.x]) && isNum(r.recall));
    const items = shown.map((r) => {
      const dot = h("span", { class: "legend-dot", "data-color": agentColor(r.agent) });
      dot.style.backgroundColor = agentColor(r.agent); // CSSOM, allowed by the CSP
      if (r.pareto && r.pareto[spec.key]) dot.classList.add("on-front");
      return h("li", { "data-testid": "legend-item", "data-agent": r.agent }, dot, r.agent);
    });
    items.push(h("li", { class: "legend-front" }, h("span", { class: "legend-line" }), "Pareto front (ringed points)"));
    return h("ul", { class: "chart-legend", "data-testid": "chart-legend-" + spec.key }, items);
  }

  /** Agent configs a chart cannot place (no figure on its x axis), named with why. */
  function paretoMissing(rows, spec) {
    const missing = rows.filter((r) => !(isNum(r[spec.x]) && isNum(r.recall)));
    if (!missing.length) return null;
    const why = (r) => {
      if (!isNum(r.recall)) return "no recall";
      if (spec.x === "ttr_median_s") return isNum(r.found_within_budget) ? BEYOND_BUDGET + " (" + pct(r.found_within_budget) + " found within it)" : "nothing to time";
      if (spec.x === "cost_per_validated_bug") return "no validated bug";
      return "no findings";
    };
    return h("div", { class: "not-plotted", "data-testid": "not-plotted-" + spec.key },
      h("strong", { text: "Not plotted (" + missing.length + "): " }),
      missing.map((r, i) => [i ? "; " : "", h("span", { text: r.agent + " — " + why(r) })]));
  }

  async function pagePareto(arg, params) {
    const st = common(params, { task: INDEX.tasks[0] || "explore" });
    if (st.task === "all") st.task = INDEX.tasks[0] || "explore";
    const data = await getJSON("leaderboard/" + st.asof + "/" + st.slice + ".json");
    const all = data.rows.filter((r) => r.task === st.task);
    const rows = all.filter((r) => !isCalibration(r.agent));
    const calib = all.filter((r) => isCalibration(r.agent));
    const upd = (ch) => go("pareto", null, Object.assign({}, st, ch));
    const cards = [];
    const pending = [];
    for (const spec of PARETO) {
      const canvas = h("canvas", { id: "chart-" + spec.key, "data-testid": "chart-" + spec.key, role: "img", "aria-label": spec.title });
      const usable = rows.filter((r) => isNum(r[spec.x]) && isNum(r.recall)).length;
      cards.push(h("div", { class: "chart-card" },
        h("h3", { text: spec.title }),
        h("p", { class: "sub", text: spec.sub + " Points are agent configs; the dashed line joins the Pareto front." }),
        usable ? [h("div", { class: "chart-box" }, canvas), paretoLegend(rows, spec)] : h("p", { class: "empty", text: "Not defined in this slice (no agent config has both figures)." }),
        paretoMissing(rows, spec)));
      if (usable) pending.push([canvas, spec]);
    }
    const node = h("div", null,
      h("div", { class: "page-head" }, h("div", null,
        h("h1", { text: "Pareto fronts" }),
        h("p", { text: "Trade-offs between recall and cost, speed and false positives, for task " + st.task + (st.asof === "latest" ? "" : ", as of " + asOfText(st.asof)) + ". A config is on a front when no other config is at least as good on both axes and better on one." }))),
      h("div", { class: "controls" },
        asOfSelect(st.asof, (v) => upd({ asof: v })),
        sliceSelects(st.slice, (v) => upd({ slice: v })),
        taskSelect(st.task, false, (v) => upd({ task: v })),
        downloads(st.asof, st.slice)),
      calib.length ? h("p", { class: "note", "data-testid": "pareto-calibration", text: "Calibration agents (" + calib.map((r) => r.agent).join(", ") + ") check the validator and are not plotted: see the leaderboard's calibration rows." }) : null,
      h("div", { class: "chart-grid" }, cards));
    return { node: node, state: st, after: () => { for (const [c, s] of pending) charts.push(paretoChart(c, rows, s)); } };
  }

  // --- trends ----------------------------------------------------------------------------------

  /** A series may hold two rows at one time when an agent's cells were mid-way through a
   * version change; plot the version that carries most of the episodes. */
  function onePerTime(points) {
    const best = new Map();
    for (const p of points) {
      const cur = best.get(p.at);
      if (!cur || p.n_episodes > cur.n_episodes) best.set(p.at, p);
    }
    return Array.from(best.values()).sort((a, b) => a.at - b.at);
  }

  /** The x range of a time axis: the data's span, padded; one point in time gets a day
   * either side, so the axis never spans years around a single run. */
  function timeRange(times) {
    const lo = Math.min(...times), hi = Math.max(...times);
    const pad = hi > lo ? (hi - lo) * 0.04 : 86400000;
    return { min: lo - pad, max: hi + pad };
  }
  /** A time tick: the date with its year, plus the hour when the axis spans under 3 days. */
  function timeTick(ms, span) {
    const iso = new Date(ms).toISOString();
    return span < 3 * 86400000 ? iso.slice(0, 10) + " " + iso.slice(11, 16) : iso.slice(0, 10);
  }

  function trendsChart(canvas, series, metric, asofAt) {
    const m = METRICS[metric];
    const times = [].concat(...series.map((s) => s.points.map((p) => p.at * 1000)));
    const range = timeRange(times.length ? times : [Date.now()]);
    const span = range.max - range.min;
    const single = new Set(times).size <= 1;
    const marker = {
      id: "fxAsOf",
      afterDatasetsDraw(chart) {
        if (!isNum(asofAt)) return;
        const x = chart.scales.x.getPixelForValue(asofAt * 1000);
        const area = chart.chartArea;
        if (x < area.left || x > area.right) return;
        const ctx = chart.ctx;
        ctx.save();
        ctx.strokeStyle = "#9a5b00"; ctx.setLineDash([4, 4]); ctx.lineWidth = 1.5;
        ctx.beginPath(); ctx.moveTo(x, area.top); ctx.lineTo(x, area.bottom); ctx.stroke();
        ctx.setLineDash([]); ctx.fillStyle = "#9a5b00"; ctx.font = "600 11px system-ui, sans-serif";
        ctx.textAlign = x > area.right - 60 ? "right" : "left";
        ctx.fillText("as of", x + (ctx.textAlign === "left" ? 5 : -5), area.top + 10);
        ctx.restore();
      },
    };
    return new Chart(canvas, {
      type: "line",
      data: {
        datasets: series.map((s) => ({
          label: s.agent,
          data: onePerTime(s.points).filter((p) => isNum(p[metric])).map((p) => ({ x: p.at * 1000, y: p[metric], n: p.n_episodes, version: p.agent_version, point: p.point })),
          borderColor: agentColor(s.agent), backgroundColor: agentColor(s.agent),
          pointRadius: single ? 6 : 3, pointHoverRadius: single ? 8 : 5, borderWidth: 2, tension: 0.15, spanGaps: true,
        })),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "nearest", intersect: false },
        scales: {
          x: { type: "linear", min: range.min, max: range.max, title: { display: true, text: "Run finished (UTC)", font: { weight: "600" } }, ticks: { callback: (v) => timeTick(v, span), maxTicksLimit: 6, maxRotation: 0, color: "#5f6b7a" }, grid: { color: "#eef0f3" } },
          y: { type: "linear", beginAtZero: true, max: m.unit === "pct" ? 1 : undefined, title: { display: true, text: m.axis, font: { weight: "600" } }, ticks: axisTicks(m.unit), grid: { color: "#eef0f3" } },
        },
        plugins: {
          legend: { position: "right", labels: { usePointStyle: true, boxWidth: 8 } },
          tooltip: {
            callbacks: {
              title: (items) => (items.length ? date(items[0].raw.x / 1000) : ""),
              label: (item) => item.dataset.label + " v" + item.raw.version + ": " + m.fmt(item.raw.y) + " (n=" + item.raw.n + ")",
            },
          },
        },
      },
      plugins: [marker],
    });
  }

  async function pageTrends(arg, params) {
    const st = common(params, { task: INDEX.tasks[0] || "explore" });
    if (st.task === "all") st.task = INDEX.tasks[0] || "explore";
    st.slice = "all";
    const metric = METRICS[params.get("metric")] ? params.get("metric") : "recall";
    const [trends, board] = await Promise.all([getJSON("trends.json"), getJSON("leaderboard/" + st.asof + "/all.json")]);
    const series = trends.series.filter((s) => s.task === st.task);
    const upd = (ch) => go("trends", null, Object.assign({ metric: metric }, st, ch));
    const point = INDEX.points.find((p) => p.id === st.asof);
    const asofAt = point ? point.at : null;
    const canvas = h("canvas", { id: "chart-trends", "data-testid": "chart-trends", role: "img", "aria-label": "Trend of " + METRICS[metric].label });
    const node = h("div", null,
      h("div", { class: "page-head" }, h("div", null,
        h("h1", { text: "Trends" }),
        h("p", { text: "Each agent config's headline figure at every point in time a run finished (point estimates; the intervals are on the leaderboard). Pick an \u201cas of\u201d point to see the leaderboard as it stood then." }))),
      h("div", { class: "controls" },
        control("Metric", select("metric", Object.entries(METRICS).map(([k, v]) => ({ value: k, text: v.label })), metric, (v) => upd({ metric: v }))),
        taskSelect(st.task, false, (v) => upd({ task: v })),
        asOfSelect(st.asof, (v) => upd({ asof: v }))),
      h("div", { class: "chart-card" },
        h("h3", { text: METRICS[metric].label + " over time — task " + st.task }),
        h("p", { class: "sub", text: series.length + " agent config" + (series.length === 1 ? "" : "s") + " · " + INDEX.points.length + " point" + (INDEX.points.length === 1 ? "" : "s") + " in time" + (asofAt ? " · dashed line: as of " + date(asofAt) : "") }),
        INDEX.points.length === 1 ? h("p", { class: "note", "data-testid": "trends-single", text: "One run so far (" + date(INDEX.points[0].at) + "): each agent config has a single point, shown as a dot. Lines appear once a second run is stored (`frontendx run` again, or `frontendx watch`)." }) : null,
        series.length ? h("div", { class: "chart-box tall" }, canvas) : h("p", { class: "empty", text: "No trend data for this task." })),
      h("h2", { text: "Leaderboard as of " + asOfText(st.asof) }),
      leaderboardTables(board, st.task, ciText(), null, null));
    return { node: node, state: st, after: () => { if (series.length) charts.push(trendsChart(canvas, series, metric, asofAt)); } };
  }

  // --- matrix ----------------------------------------------------------------------------------

  function heat(found, scored) {
    if (!scored) return "hna";
    const r = found / scored;
    if (r === 0) return "h0";
    return "h" + Math.min(5, Math.ceil(r * 5));
  }

  async function pageMatrix(arg, params) {
    const st = common(params, { task: "all" });
    const data = await getJSON("matrix/" + st.asof + ".json");
    const upd = (ch) => go("matrix", null, Object.assign({}, st, { slice: null }, ch));
    const tally = new Map();
    const total = new Map();
    for (const c of data.cells) {
      if (st.task !== "all" && c.task !== st.task) continue;
      const k = c.app + "\u0000" + c.bug + "\u0000" + c.agent;
      const t = tally.get(k) || [0, 0];
      t[0] += c.found; t[1] += c.scored;
      tally.set(k, t);
      const kt = c.app + "\u0000" + c.bug;
      const tt = total.get(kt) || [0, 0];
      // calibration agents (oracle, null) are not contestants: they stay out of the total
      if (!isCalibration(c.agent)) { tt[0] += c.found; tt[1] += c.scored; }
      total.set(kt, tt);
    }
    const ranked = data.agents.filter((a) => !isCalibration(a));
    const calib = data.agents.filter((a) => isCalibration(a));
    const agents = ranked.concat(calib);
    const table = h("table", { class: "matrix", "data-testid": "matrix-table" });
    table.appendChild(h("thead", null, h("tr", null,
      h("th", { text: "Bug" }), h("th", { text: "Category" }), h("th", { text: "Difficulty" }),
      agents.map((a) => {
        const key = agentKey(a);
        const cal = isCalibration(a);
        return h("th", { class: "agent-col" + (cal ? " calibration-col" : ""), title: (cal ? "Calibration agent (not in \u201cAll agents\u201d)\n" : "") + agentTitle(a, (agentInfo(a) || {}).version || "?"), "data-calibration": cal ? "true" : "false" },
          key ? h("a", { href: "#/agent/" + encodeURIComponent(key), text: a }) : a, cal ? h("div", { class: "muted small", text: "calibration" }) : null);
      }),
      h("th", { class: "agent-col", "data-testid": "all-agents-col", title: "Share over every agent config except the calibration agents (" + (calib.join(", ") || "none") + ")", text: "All agents" + (calib.length ? " (excl. calibration)" : "") }))));
    const body = h("tbody");
    let app = null;
    let shown = 0;
    for (const b of data.bugs) {
      const kt = b.app + "\u0000" + b.bug;
      if (!total.has(kt)) continue;
      if (b.app !== app) {
        app = b.app;
        body.appendChild(h("tr", { class: "group" }, h("td", { colspan: String(agents.length + 4), text: "App: " + app })));
      }
      shown++;
      const cells = agents.map((a) => {
        const t = tally.get(kt + "\u0000" + a);
        if (!t) return h("td", { class: "cell hna", title: a + " was not scored on " + b.bug, text: "—" });
        return h("td", { class: "cell " + heat(t[0], t[1]), "data-testid": "matrix-cell", title: a + " validated " + b.bug + " in " + t[0] + " of " + t[1] + " scored episodes", text: t[0] + "/" + t[1] });
      });
      const tt = total.get(kt);
      body.appendChild(h("tr", { "data-bug": b.bug },
        h("td", { class: "mono", text: b.bug }), h("td", { class: "nowrap", text: b.category }), h("td", { text: b.difficulty }),
        cells,
        h("td", { class: "cell " + heat(tt[0], tt[1]), "data-testid": "matrix-total", title: "all agents but calibration: " + tt[0] + " of " + tt[1], text: tt[1] ? pct(tt[0] / tt[1]) : "—" })));
    }
    if (!shown) body.appendChild(h("tr", null, h("td", { colspan: String(agents.length + 4), class: "empty", text: "No scored bugs in this view." })));
    table.appendChild(body);
    const legend = h("div", { class: "legend" }, "Share of scored episodes in which the agent validated the bug:",
      h("span", { class: "sw h0", text: "0%" }), h("span", { class: "sw h1", text: "≤20%" }), h("span", { class: "sw h2", text: "≤40%" }),
      h("span", { class: "sw h3", text: "≤60%" }), h("span", { class: "sw h4", text: "≤80%" }), h("span", { class: "sw h5", text: "≤100%" }),
      h("span", { class: "sw hna", text: "— not scored" }));
    const node = h("div", null,
      h("div", { class: "page-head" }, h("div", null,
        h("h1", { text: "Bug × agent matrix" }),
        h("p", { text: "Each cell is found/scored: in how many of the episodes where the bug was active and manifest the agent config validated it (newest result per cell" + (st.asof === "latest" ? "" : ", as of " + asOfText(st.asof)) + ")." }))),
      h("div", { class: "controls" },
        asOfSelect(st.asof, (v) => upd({ asof: v })),
        taskSelect(st.task, true, (v) => upd({ task: v })),
        h("div", { class: "downloads" },
          h("a", { class: "btn-link", href: "data/matrix/" + st.asof + ".csv", download: "frontendx-matrix-" + st.asof + ".csv", "data-testid": "download-matrix-csv", text: "⇩ CSV" }),
          h("a", { class: "btn-link", href: "data/matrix/" + st.asof + ".json", download: "frontendx-matrix-" + st.asof + ".json", text: "⇩ JSON" }))),
      h("div", { class: "panel" }, legend),
      h("div", { class: "table-wrap" }, table));
    return { node: node, state: { asof: st.asof, task: st.task } };
  }

  // --- pre-merge review and visual QA (tasks regression and visual) ---------------------------

  const CHANGE_TASKS = ["regression", "visual"];
  // What an agent config did with a change, per episode (data/changes: review_outcome).
  const OUTCOMES = {
    caught: { text: "caught", cls: "h5", help: "Blocked with a validated finding on one of the change's regressions" },
    missed: { text: "missed", cls: "h0", help: "Approved a change that carries a regression (no decision counts as approve)" },
    blocked_unvalidated: { text: "blocked, none validated", cls: "h2", help: "Blocked a change that carries a regression, but no finding was validated on one of its regressions: not a catch" },
    false_block: { text: "false block", cls: "h1", help: "Blocked a regression-free change" },
    approved: { text: "right approve", cls: "h4", help: "Approved a regression-free change" },
    infra_error: { text: "infra error", cls: "hna", help: "Lost to infrastructure: not scored" },
    not_scored: { text: "not scored", cls: "hna", help: "No change facts were stored with the episode" },
  };
  const REVIEW_HELP = {
    catch: "Changes carrying a regression that shows, blocked with a validated finding on one of its regressions / changes carrying one (caught/carrying).",
    false_block: "Regression-free changes blocked / regression-free changes.",
    precision: "Flag precision: validated findings / findings.",
    intended: "Findings that flagged what the change meant to do (intended_change) / findings that flagged an old bug of its base build (also_on_base). Both are false positives.",
    decision: "Kaplan\u2013Meier median time from the agent's start to its decision, censored at the CI budget when it never decided. \u201c> budget\u201d: fewer than half decided within it.",
    cost: "(Metered model cost + browser-seconds \u00d7 rate) / reviewed changes (episodes).",
    minutes: "The change's review minutes when the decision was right \u2212 the regressions' manual minutes when a carrying change was approved \u2212 findings \u00d7 triage \u2212 false positives \u00d7 wasted time \u2212 questions \u00d7 answer time.",
  };

  function budgetText(v) { return isNum(v) ? (Math.round(v * 10) / 10).toLocaleString("en-US") + " s" : "—"; }
  function ratioText(a, b) { return num(a) + "/" + num(b); }
  function byCalibrationLast(a, b) { return (isCalibration(a) ? 1 : 0) - (isCalibration(b) ? 1 : 0) || a.localeCompare(b); }

  function agentHead(a) {
    const key = agentKey(a);
    const cal = isCalibration(a);
    return h("th", { class: "agent-col" + (cal ? " calibration-col" : ""), title: (cal ? "Calibration agent\n" : "") + agentTitle(a, (agentInfo(a) || {}).version || "?"), "data-calibration": cal ? "true" : "false" },
      key ? h("a", { href: "#/agent/" + encodeURIComponent(key), text: a }) : a, cal ? h("div", { class: "muted small", text: "calibration" }) : null);
  }

  function agentName(a, version) {
    const key = agentKey(a);
    return h("td", { class: "agent-cell", title: agentTitle(a, version) },
      key ? h("a", { href: "#/agent/" + encodeURIComponent(key), text: a }) : h("span", { text: a }),
      isCalibration(a) ? [" ", badge("calibration", null, "Checks the validator: oracle must catch every regression and block nothing else")] : null,
      h("div", { class: "agent-version", text: "version " + version }));
  }

  /** The review figures of one task: one row per agent config, calibration agents last. */
  function reviewFigures(rows, task) {
    const cols = [
      ["Agent config", null, false], ["n", "Reviewed changes (episodes; infrastructure errors excluded)", true],
      ["Catch [CI]", REVIEW_HELP.catch, true], ["False block [CI]", REVIEW_HELP.false_block, true],
      ["Precision", REVIEW_HELP.precision, true], ["Intended / old", REVIEW_HELP.intended, true],
      ["Time to decision [CI]", REVIEW_HELP.decision, true], ["Cost / change [CI]", REVIEW_HELP.cost, true],
      ["Human min saved [CI]", REVIEW_HELP.minutes, true],
    ];
    const sorted = rows.slice().sort((a, b) => byCalibrationLast(a.agent, b.agent) || ((b.catch_rate || 0) - (a.catch_rate || 0)) || a.agent.localeCompare(b.agent));
    const table = h("table", { class: "leaderboard", "data-testid": "review-figures", "data-task": task },
      h("thead", null, h("tr", null, cols.map(([t, help, n]) => h("th", { class: n ? "num" : null, title: help, text: t })))),
      h("tbody", null, sorted.map((r) => {
        const beyond = !isNum(r.decision_median_s) && r.n_episodes > 0;
        return h("tr", { "data-agent": r.agent, "data-task": r.task, "data-calibration": r.calibration ? "true" : "false" },
          agentName(r.agent, r.agent_version),
          h("td", { class: "num", "data-col": "n", text: num(r.n_episodes) }),
          h("td", { class: "num", "data-col": "catch", title: r.n_caught + " of " + r.n_carrying + " changes carrying a regression caught" },
            withCI(r.catch_rate, r.catch_rate_ci_low, r.catch_rate_ci_high, pct), h("span", { class: "ratio", text: ratioText(r.n_caught, r.n_carrying) })),
          h("td", { class: "num", "data-col": "false_block", title: r.n_false_blocks + " of " + r.n_regression_free + " regression-free changes blocked" },
            withCI(r.false_block_rate, r.false_block_rate_ci_low, r.false_block_rate_ci_high, pct), h("span", { class: "ratio", text: ratioText(r.n_false_blocks, r.n_regression_free) })),
          h("td", { class: "num", "data-col": "precision", title: r.verdict_validated + " of " + r.n_findings + " findings validated" },
            h("span", { class: "value", text: pct(r.precision) }), h("span", { class: "ratio", text: ratioText(r.verdict_validated, r.n_findings) })),
          h("td", { class: "num", "data-col": "intended", text: num(r.verdict_intended_change) + " / " + num(r.verdict_also_on_base) }),
          h("td", { class: "num", "data-col": "decision" }, beyond
            ? [h("span", { class: "value", title: "Fewer than half of the changes were decided within the CI budget", text: BEYOND_BUDGET }),
               isNum(r.decision_ci_low) ? h("span", { class: "ci", text: "[" + secs(r.decision_ci_low) + ", " + BEYOND_BUDGET + "]" }) : null]
            : withCI(r.decision_median_s, r.decision_ci_low, r.decision_ci_high, secs, true)),
          h("td", { class: "num", "data-col": "cost" }, withCI(r.cost_per_change, r.cost_per_change_ci_low, r.cost_per_change_ci_high, usd)),
          h("td", { class: "num", "data-col": "minutes" }, withCI(r.human_minutes_saved, r.human_minutes_saved_ci_low, r.human_minutes_saved_ci_high, mins)));
      })));
    if (!sorted.length) table.lastChild.appendChild(h("tr", null, h("td", { colspan: String(cols.length), class: "empty", text: "No results for this task in this view." })));
    return table;
  }

  // Each point's interval as a vertical whisker (nudged per config so they do not overlap).
  const whiskers = {
    id: "fxWhiskers",
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      const y = chart.scales.y;
      const shown = chart.data.datasets.map((d, i) => i).filter((i) => chart.isDatasetVisible(i));
      ctx.save();
      shown.forEach((i, k) => {
        const ds = chart.data.datasets[i];
        const dx = (k - (shown.length - 1) / 2) * 3;
        ctx.strokeStyle = ds.borderColor; ctx.globalAlpha = 0.55; ctx.lineWidth = 1.5;
        chart.getDatasetMeta(i).data.forEach((el, j) => {
          const p = ds.data[j];
          if (!p || !isNum(p.lo) || !isNum(p.hi)) return;
          const x = el.x + dx, top = y.getPixelForValue(p.hi), bottom = y.getPixelForValue(p.lo);
          ctx.beginPath();
          ctx.moveTo(x, top); ctx.lineTo(x, bottom);
          ctx.moveTo(x - 3, top); ctx.lineTo(x + 3, top);
          ctx.moveTo(x - 3, bottom); ctx.lineTo(x + 3, bottom);
          ctx.stroke();
        });
      });
      ctx.restore();
    },
  };

  /** Catch rate against CI budget: one line per agent config, x on a log scale at the
   * budgets present, whiskers for the intervals. */
  function budgetChart(canvas, rows, budgets) {
    const agents = Array.from(new Set(rows.map((r) => r.agent))).sort(byCalibrationLast);
    const lo = Math.min(...budgets), hi = Math.max(...budgets);
    return new Chart(canvas, {
      type: "line",
      data: {
        datasets: agents.map((a) => ({
          label: a + (isCalibration(a) ? " (calibration)" : ""),
          agent: a,
          data: rows.filter((r) => r.agent === a && isNum(r.catch_rate)).sort((p, q) => p.budget_s - q.budget_s).map((r) => ({
            x: r.budget_s, y: r.catch_rate, lo: r.catch_rate_ci_low, hi: r.catch_rate_ci_high, caught: r.n_caught, carrying: r.n_carrying,
          })),
          borderColor: agentColor(a), backgroundColor: agentColor(a),
          borderDash: isCalibration(a) ? [6, 4] : [],
          pointRadius: 4, pointHoverRadius: 6, borderWidth: 2, tension: 0, clip: false,
        })),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "nearest", intersect: false },
        layout: { padding: { right: 12, top: 6 } },
        scales: {
          x: { type: "logarithmic", min: lo / 1.4, max: hi * 1.4, title: { display: true, text: "CI budget (wall seconds, log scale)", font: { weight: "600" } },
            afterBuildTicks: (axis) => { axis.ticks = budgets.map((v) => ({ value: v })); },
            ticks: { callback: (v) => budgetText(v), color: "#5f6b7a", autoSkip: false, maxRotation: 0 }, grid: { color: "#eef0f3" } },
          y: { type: "linear", min: 0, max: 1, title: { display: true, text: "Catch rate", font: { weight: "600" } }, ticks: axisTicks("pct"), grid: { color: "#eef0f3" } },
        },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true, boxWidth: 8 } },
          tooltip: {
            callbacks: {
              title: (items) => (items.length ? "CI budget " + budgetText(items[0].raw.x) : ""),
              label: (item) => {
                const p = item.raw;
                return item.dataset.agent + ": catch " + pct(p.y) + " (" + p.caught + "/" + p.carrying + ")" + (isNum(p.lo) ? " [" + pct(p.lo) + ", " + pct(p.hi) + "]" : "");
              },
            },
          },
        },
      },
      plugins: [whiskers],
    });
  }

  /** The curve's numbers: agent configs by CI budget. */
  function budgetTable(rows, budgets, task) {
    const agents = Array.from(new Set(rows.map((r) => r.agent))).sort(byCalibrationLast);
    return h("table", { class: "leaderboard", "data-testid": "budget-table", "data-task": task },
      h("thead", null, h("tr", null, h("th", { text: "Agent config" }),
        budgets.map((b) => h("th", { class: "num", title: "Catch rate [CI] (caught/carrying) at a CI budget of " + budgetText(b), text: "Catch at " + budgetText(b) })))),
      h("tbody", null, agents.map((a) => {
        const mine = rows.filter((r) => r.agent === a);
        return h("tr", { "data-agent": a, "data-calibration": isCalibration(a) ? "true" : "false" },
          agentName(a, mine.length ? mine[0].agent_version : "?"),
          budgets.map((b) => {
            const r = mine.find((x) => x.budget_s === b);
            if (!r) return h("td", { class: "num muted", "data-budget": String(b), title: a + " did not run at this budget", text: "—" });
            return h("td", { class: "num", "data-budget": String(b), "data-testid": "budget-cell", title: r.n_caught + " of " + r.n_carrying + " carrying changes caught, " + r.n_episodes + " reviewed" },
              withCI(r.catch_rate, r.catch_rate_ci_low, r.catch_rate_ci_high, pct), h("span", { class: "ratio", text: ratioText(r.n_caught, r.n_carrying) }));
          }));
      })));
  }

  /** Change x agent: one row per (app, change), one column per agent config; each cell has
   * one linked entry per episode saying what the agent did. */
  function changeMatrix(data, cells) {
    const agents = data.agents.slice().sort(byCalibrationLast);
    // say which of task, budget, state and repeat tell a cell's entries apart
    const varies = (f) => new Set(cells.map(f)).size > 1;
    const show = { task: varies((c) => c.task), budget: varies((c) => c.budget_s), state: varies((c) => c.state), repeat: varies((c) => c.repeat) };
    const byCell = new Map();
    for (const c of cells) {
      const k = c.app + "\u0000" + c.change + "\u0000" + c.agent;
      if (!byCell.has(k)) byCell.set(k, []);
      byCell.get(k).push(c);
    }
    const table = h("table", { class: "matrix change-matrix", "data-testid": "change-matrix" },
      h("thead", null, h("tr", null, h("th", { text: "Change" }), h("th", { text: "Carries" }), agents.map(agentHead))));
    const body = h("tbody");
    let app = null;
    for (const ch of data.changes) {
      const rowCells = agents.map((a) => byCell.get(ch.app + "\u0000" + ch.change + "\u0000" + a) || []);
      if (!rowCells.some((x) => x.length)) continue;
      if (ch.app !== app) {
        app = ch.app;
        body.appendChild(h("tr", { class: "group" }, h("td", { colspan: String(agents.length + 2), text: "App: " + app })));
      }
      body.appendChild(h("tr", { "data-app": ch.app, "data-change": ch.change, "data-design": ch.design ? "true" : "false", "data-regression-free": ch.regression_free ? "true" : "false" },
        h("td", { class: "nowrap" }, h("code", { text: ch.change }), ch.design ? [" ", badge("design", "info", "A design change: reviewed by both tasks, regression and visual")] : null),
        h("td", { "data-testid": "change-carries" }, ch.regression_free
          ? badge("regression-free", "good", "No regression of this change shows in the states reviewed: blocking it is a false block")
          : h("span", { class: "mono small", title: "Regressions that show in some reviewed state", text: ch.regressions.join(", ") })),
        agents.map((a, i) => {
          const list = rowCells[i];
          if (!list.length) return h("td", { class: "cell hna", "data-agent": a, title: a + " did not review " + ch.change, text: "—" });
          return h("td", { class: "cell review-cell", "data-agent": a, "data-testid": "change-cell" }, h("div", { class: "chips" }, list.map((c) => {
            const o = OUTCOMES[c.outcome] || { text: c.outcome, cls: "hna", help: "" };
            const ctx = [show.task ? c.task : null, show.budget ? budgetText(c.budget_s) : null, show.state ? c.state : null, show.repeat ? "#" + c.repeat : null].filter(Boolean);
            const title = a + " on " + ch.change + " (" + c.task + ", CI budget " + budgetText(c.budget_s) + ", " + c.state + ", repeat " + c.repeat + "): " + o.text + ". " + o.help +
              (c.decision ? ". Decision: " + c.decision + (isNum(c.decided_at) ? " after " + secs(c.decided_at) : " (none given)") : "") +
              (c.caught.length ? ". Validated: " + c.caught.join(", ") : "") + ". Episode #" + c.episode;
            return h("a", { class: "outcome " + o.cls, href: "#/episode/" + c.episode, "data-testid": "outcome", "data-outcome": c.outcome, "data-episode": String(c.episode), "data-task": c.task, "data-budget": String(c.budget_s), title: title },
              o.text, ctx.length ? h("span", { class: "ctx", text: " · " + ctx.join(" · ") }) : null);
          })));
        })));
    }
    table.appendChild(body);
    return table;
  }

  async function pageChanges(arg, params) {
    const st = common(params, { task: "all" });
    st.slice = "all";
    const data = await getJSON("changes/" + st.asof + ".json");
    if (!data.tasks.includes(st.task)) st.task = "all";
    const budgetParam = parseFloat(params.get("budget"));
    const budget = data.budgets.includes(budgetParam) ? budgetParam : null;
    const upd = (ch) => go("changes", null, Object.assign({ asof: st.asof, task: st.task, budget: budget }, ch));
    const tasks = st.task === "all" ? data.tasks : [st.task];
    const rows = budget === null
      ? data.rows.filter((r) => tasks.includes(r.task))
      : data.budget_rows.filter((r) => tasks.includes(r.task) && r.budget_s === budget);
    const cells = data.cells.filter((c) => tasks.includes(c.task) && (budget === null || c.budget_s === budget));
    const base = "data/changes/" + st.asof;
    const dl = (part, text) => h("a", { class: "btn-link", href: base + "/" + part + ".csv", download: "frontendx-changes-" + st.asof + "-" + part + ".csv", "data-testid": "download-changes-" + part, text: text });
    const head = h("div", { class: "page-head" }, h("div", null,
      h("h1", { text: "Pre-merge review and visual QA" }),
      h("p", { text: "Agents reviewing changes (pull requests with known content) before they merge: task regression takes every change, visual the design changes and only visual claims. Newest result per cell" +
        (st.asof === "latest" ? "" : " as of " + asOfText(st.asof)) + "; every figure carries its " + ciText() + " and n (docs/design.md \u00a76.2)." })));
    if (!data.cells.length) {
      return { node: h("div", null, head, h("div", { class: "panel empty", "data-testid": "changes-empty",
        text: "No change reviews in this view: `frontendx run --tasks regression` (or visual) adds some, and `--ci-budget 30,60,120,300` sweeps the CI budget." })), state: st };
    }
    const pending = [];
    const curves = tasks.map((t) => {
      const br = data.budget_rows.filter((r) => r.task === t);
      const budgets = Array.from(new Set(br.map((r) => r.budget_s))).sort((a, b) => a - b);
      const canvas = h("canvas", { id: "chart-budget-" + t, "data-testid": "chart-budget", "data-task": t, role: "img", "aria-label": "Catch rate against CI budget, task " + t });
      if (br.some((r) => isNum(r.catch_rate))) pending.push([canvas, br, budgets]);
      return h("div", { class: "chart-card budget-card" },
        h("h3", { text: "Catch rate against CI budget \u2014 task " + t }),
        h("p", { class: "sub", text: "The curve a team reads to choose its CI budget: each agent config's catch rate at every CI budget it ran with (whiskers: the CI; calibration agents dashed)." }),
        budgets.length === 1 ? h("p", { class: "note", "data-testid": "budget-single", text: "One CI budget in this view (" + budgetText(budgets[0]) + "): sweep it with `frontendx run --ci-budget 30,60,120,300` to draw the curve." }) : null,
        br.some((r) => isNum(r.catch_rate)) ? h("div", { class: "chart-box" }, canvas) : h("p", { class: "empty", text: "No change carrying a regression was reviewed: catch rate is not defined." }),
        h("div", { class: "table-wrap" }, budgetTable(br, budgets, t)));
    });
    const legend = h("div", { class: "legend", "data-testid": "outcome-legend" }, "Each entry is one episode, linked to it:",
      Object.entries(OUTCOMES).filter(([k]) => k !== "not_scored").map(([k, o]) => h("span", { class: "sw " + o.cls, title: o.help, "data-outcome": k, text: o.text })));
    const node = h("div", null, head,
      h("div", { class: "controls" },
        asOfSelect(st.asof, (v) => upd({ asof: v })),
        control("Task", select("task", [{ value: "all", text: "All change tasks" }].concat(data.tasks.map((t) => ({ value: t, text: t }))), st.task, (v) => upd({ task: v }))),
        control("CI budget", select("budget", [{ value: "all", text: "All budgets" }].concat(data.budgets.map((b) => ({ value: String(b), text: budgetText(b) }))), budget === null ? "all" : String(budget), (v) => upd({ budget: v === "all" ? null : v }))),
        h("div", { class: "downloads wrap" },
          h("a", { class: "btn-link", href: base + ".json", download: "frontendx-changes-" + st.asof + ".json", "data-testid": "download-changes-json", text: "⇩ JSON" }),
          dl("figures", "⇩ Figures CSV"), dl("budgets", "⇩ Budgets CSV"), dl("matrix", "⇩ Matrix CSV"))),
      h("h2", { text: "Review figures" + (budget === null ? "" : " at a CI budget of " + budgetText(budget)) }),
      tasks.map((t) => h("div", { class: "table-wrap" },
        h("div", { class: "table-caption" }, "Task: " + t, h("span", { class: "muted", text: (budget === null && data.budgets.length > 1 ? "all CI budgets pooled · " : "") + ciText() })),
        reviewFigures(rows.filter((r) => r.task === t), t))),
      h("h2", { text: "Catch rate against CI budget" }),
      h("div", { class: "chart-grid" }, curves),
      h("h2", { text: "Change \u00d7 agent" }),
      h("div", { class: "panel" }, legend),
      h("div", { class: "table-wrap" }, changeMatrix(data, cells)));
    return { node: node, state: st, after: () => { for (const [c, br, b] of pending) charts.push(budgetChart(c, br, b)); } };
  }

  // --- agents and episode lists ----------------------------------------------------------------

  async function pageAgents() {
    const node = h("div", null,
      h("div", { class: "page-head" }, h("div", null, h("h1", { text: "Episodes by agent config" }),
        h("p", { text: "Pick an agent config to browse its episodes; each links to the episode's steps, verdicts, screenshots, trace and exported tests." }))),
      INDEX.agents.length
        ? h("div", { class: "agent-list" }, INDEX.agents.map((a) => {
            const dot = h("span", { class: "dot", title: "colour used in the charts", text: "●" });
            dot.style.color = agentColor(a.label); // CSSOM, allowed by the CSP
            return h("a", { href: "#/agent/" + encodeURIComponent(a.key), "data-testid": "agent-link" }, dot, " ", a.label);
          }))
        : h("p", { class: "empty", text: "No agents in the store yet." }));
    return { node: node, state: {} };
  }

  function statusBadge(status) {
    const kind = { ok: "good", infra_error: "", agent_error: "bad", timeout: "warn", budget_exceeded: "warn" }[status];
    return badge(status, kind);
  }

  async function pageAgent(key, params) {
    const st = common(params, { task: "all" });
    const page = Math.max(0, parseInt(params.get("page") || "0", 10) || 0);
    const agent = INDEX.agents.find((a) => a.key === key);
    if (!agent) throw new Error("no agent " + JSON.stringify(key) + " in data/index.json");
    const data = await getJSON("episodes/" + st.asof + "/" + agent.key + "/" + page + ".json");
    const upd = (ch) => go("agent", agent.key, Object.assign({ asof: st.asof, page: 0 }, ch));
    const rows = data.episodes.filter((e) => st.task === "all" || e.task === st.task);
    const table = h("table", { "data-testid": "episodes-table" },
      h("thead", null, h("tr", null,
        ["Episode", "Finished", "App", "State", "Task", "Variant", "Status", "Trust"].map((t) => h("th", { text: t })),
        ["Findings", "Validated", "False pos.", "Wall time"].map((t) => h("th", { class: "num", text: t })),
        h("th", { text: "Bugs found" }))),
      h("tbody", null, rows.map((e) => h("tr", null,
        h("td", null, h("a", { href: "#/episode/" + e.id, "data-testid": "episode-link", text: "#" + e.id })),
        h("td", { class: "nowrap", text: date(e.finished_at) }),
        h("td", { text: e.app }), h("td", { text: e.state }), h("td", { text: e.task }),
        h("td", null, variantNode(e.variant === "clean" ? [] : e.variant.split("+"))),
        h("td", null, statusBadge(e.status)),
        h("td", { "data-testid": "episode-trust" }, trustBadges(e.trust)),
        h("td", { class: "num", text: num(e.findings) }),
        h("td", { class: "num", text: num(e.validated) }),
        h("td", { class: "num", text: num(e.false_positives) }),
        h("td", { class: "num", text: secs(e.wall_seconds) }),
        h("td", { class: "mono", text: e.found.join(", ") || "—" })))));
    if (!rows.length) table.lastChild.appendChild(h("tr", null, h("td", { colspan: "13", class: "empty", text: "No episodes on this page for this task." })));
    const prev = h("button", { type: "button", "data-testid": "prev-page", on: { click: () => upd({ page: page - 1, task: st.task }) } }, "← Newer");
    const next = h("button", { type: "button", "data-testid": "next-page", on: { click: () => upd({ page: page + 1, task: st.task }) } }, "Older →");
    prev.disabled = page <= 0;
    next.disabled = page >= data.pages - 1;
    const node = h("div", null,
      h("div", { class: "page-head" }, h("div", null,
        h("h1", { text: agent.label }),
        h("p", { text: num(data.total) + " episodes in the view" + (st.asof === "latest" ? " (newest result per cell)" : " as of " + asOfText(st.asof)) + ", newest first." }))),
      h("div", { class: "controls" },
        asOfSelect(st.asof, (v) => upd({ asof: v, task: st.task })),
        taskSelect(st.task, true, (v) => go("agent", agent.key, { asof: st.asof, page: page, task: v }))),
      h("div", { class: "pager" }, prev, h("span", { class: "muted", text: "Page " + (page + 1) + " of " + data.pages }), next),
      h("div", { class: "table-wrap" }, table));
    return { node: node, state: { asof: st.asof, task: st.task } };
  }

  // --- variants ----------------------------------------------------------------------------------

  /** A set of active bugs in words, relative to the episode's own variant (`of`): "clean app",
   * "all 13 bugs", "all but cart-remove-unnamed", one id, or "N bugs". */
  function variantText(bugs, of) {
    const set = bugs || [];
    const base = of || set;
    if (!set.length) return "clean app";
    if (set.length === 1 && base.length <= 1) return set[0];
    const inBase = set.every((b) => base.includes(b));
    if (inBase && set.length === base.length) return base.length === 1 ? set[0] : "all " + set.length + " bugs";
    if (inBase && set.length === base.length - 1) return "all but " + base.find((b) => !set.includes(b));
    if (set.length === 1) return set[0];
    return set.length + " bugs";
  }

  /** The summary, with the full list one click away when it is not already the whole text. */
  function variantNode(bugs, of) {
    const text = variantText(bugs, of);
    const set = bugs || [];
    if (set.length <= 1 && !text.startsWith("all but")) return h("span", { class: "variant", "data-testid": "variant", text: text });
    return h("details", { class: "variant", "data-testid": "variant" },
      h("summary", { text: text }),
      h("code", { class: "variant-list", text: set.join(", ") || "none" }));
  }

  // --- episode ---------------------------------------------------------------------------------

  function kv(pairs) {
    const dl = h("dl", { class: "kv" });
    for (const [k, v] of pairs) {
      if (v === null || v === undefined || v === "") continue;
      dl.appendChild(h("dt", { text: k }));
      dl.appendChild(h("dd", null, v));
    }
    return dl;
  }

  function describeValue(v) {
    if (v === null || v === undefined) return "null";
    if (typeof v === "object" && !Array.isArray(v)) {
      return Object.entries(v).filter(([, x]) => x !== null && x !== undefined && x !== false)
        .map(([k, x]) => k + "=" + JSON.stringify(x)).join(" ");
    }
    return JSON.stringify(v);
  }

  function stepItem(step) {
    const rest = Object.entries(step).filter(([k, v]) => k !== "action" && v !== null && v !== undefined && v !== false && !(k === "timeout_ms" && v === 2000));
    return h("li", null,
      h("span", { class: "action", text: step.action || "?" }),
      h("span", { class: "args", text: rest.map(([k, v]) => k + ": " + describeValue(v)).join(" · ") }));
  }

  const VERDICT_KIND = { validated: "good", duplicate: "info", flaky_repro: "warn", ambiguous: "warn" };

  function verdictBlock(v, episodeBugs) {
    if (!v) return h("div", { class: "verdict" }, badge("not judged"), " The validator did not judge this finding; it counts as a false positive.");
    const cls = VERDICT_KIND[v.kind] || "bad";
    const block = h("div", { class: "verdict " + (cls === "info" ? "" : cls), "data-testid": "verdict" },
      h("div", null, h("strong", { text: "Verdict " }), badge(v.kind, cls),
        v.bug_id ? [" ", h("span", { class: "muted", text: "bug " }), h("code", { text: v.bug_id })] : null),
      v.reason ? h("p", { class: "untrusted", text: v.reason }) : null);
    if (v.replays && v.replays.length) {
      const failed = v.replays.filter((r) => r.outcome === "fails").length;
      const evidence = h("details", { class: "replay-evidence", "data-testid": "replay-evidence" },
        h("summary", { text: "Replay evidence: " + v.replays.length + " replay" + (v.replays.length === 1 ? "" : "s") + " (" + failed + " failed the claim)" }));
      block.appendChild(evidence);
      evidence.appendChild(h("table", { class: "replays", "data-testid": "replays" },
        h("thead", null, h("tr", null, ["Variant", "Purpose", "Outcome", "Step", "Message"].map((t) => h("th", { text: t })), h("th", { class: "num", text: "Seconds" }))),
        h("tbody", null, v.replays.map((r) => h("tr", null,
          h("td", null, variantNode(r.variant, episodeBugs)),
          h("td", { text: r.purpose }),
          h("td", null, badge(r.outcome, r.outcome === "fails" ? "bad" : r.outcome === "holds" ? "good" : "warn")),
          h("td", { class: "num", text: r.step_index === null || r.step_index === undefined ? "—" : String(r.step_index) }),
          h("td", { class: "untrusted", text: r.message || "—" }),
          h("td", { class: "num", text: isNum(r.seconds) ? r.seconds.toFixed(2) : "—" }))))));
    }
    return block;
  }

  function findingCard(ep, f) {
    const fd = f.finding;
    const test = ep.tests.includes("test-" + f.index + ".py") ? "test-" + f.index + ".py" : null;
    const head = h("div", { class: "finding-head" },
      h("span", { class: "idx", text: "#" + f.index }),
      h("span", { class: "finding-title", "data-testid": "finding-title", text: fd ? fd.title : "Malformed finding" }),
      h("span", { class: "muted", text: "reported " + secs(f.found_at) + " into the episode" }),
      test ? h("a", { class: "btn-link", href: "data/episode/" + ep.id + "/" + test, download: "frontendx-episode-" + ep.id + "-" + test, "data-testid": "download-test", text: "⇩ Playwright test" }) : null);
    const body = h("div", { class: "finding-body" });
    if (fd) {
      if (fd.description) body.appendChild(h("p", { class: "untrusted", "data-testid": "finding-description", text: fd.description }));
      const ea = [];
      if (fd.expected) ea.push(["Expected", h("span", { class: "untrusted", text: fd.expected })]);
      if (fd.actual) ea.push(["Actual", h("span", { class: "untrusted", text: fd.actual })]);
      if (fd.symptom) ea.push(["Symptom", h("span", { class: "untrusted", text: fd.symptom })]);
      if (fd.evidence && fd.evidence.length) ea.push(["Evidence", h("ul", { class: "plain" }, fd.evidence.map((e) => h("li", { class: "untrusted", text: e })))]);
      if (ea.length) body.appendChild(kv(ea));
      body.appendChild(h("h3", { text: "Steps (" + fd.steps.length + ")" }));
      body.appendChild(h("ol", { class: "steps", "data-testid": "steps" }, fd.steps.map(stepItem)));
    } else {
      body.appendChild(h("p", { class: "untrusted", text: "Could not be parsed: " + (f.error || "unknown error") }));
      body.appendChild(h("pre", { class: "raw", text: JSON.stringify(f.raw, null, 2) }));
    }
    body.appendChild(verdictBlock(f.verdict, ep.spec.bugs));
    return h("section", { class: "finding", "data-testid": "finding" }, head, body);
  }

  // --- generate: the suite an agent wrote and the kill matrix ---------------------------------

  function generatedSuite(ep) {
    if (ep.spec.task.kind !== "generate") return null;
    const tests = ep.generated_tests || [];
    const kills = {};
    (ep.kills || []).forEach((k) => { kills[k.bug_id] = k; });
    const kept = tests.filter((t) => t.status === "kept");
    const bugs = Object.keys(ep.kill_matrix || {}).sort();
    const files = ep.files || [];
    const statusKind = { kept: "good", flaky_test: "warn", fails_on_clean: "bad", invalid: "bad" };
    const list = h("table", { "data-testid": "generated-tests" },
      h("thead", null, h("tr", null, h("th", { class: "num", text: "#" }), h("th", { text: "Test (named by the agent)" }), h("th", { text: "On the clean app" }), h("th", { class: "num", text: "Steps" }), h("th", { text: "Kills" }))),
      h("tbody", null, tests.map((t) => h("tr", { "data-status": t.status || "" },
        h("td", { class: "num", text: String(t.index) }),
        h("td", { text: t.name }),
        h("td", null, badge(t.status || "not judged", statusKind[t.status] || "info"), t.reason ? h("div", { class: "muted", text: t.reason }) : null),
        h("td", { class: "num", text: t.steps ? String(t.steps.length) : "—" }),
        h("td", null, Object.values(kills).filter((k) => k.test_index === t.index).map((k) => h("code", { text: k.bug_id + " " })))))));
    const cell = (bug, t) => {
      const outcome = ((ep.kill_matrix || {})[bug] || {})[String(t.index)];
      const k = kills[bug];
      if (k && k.test_index === t.index) return h("td", { class: "kill", "data-outcome": "killed", title: "killed: failed " + k.replays.length + " of " + k.replays.length + " runs", text: "✕ kill" });
      if (outcome === "fails" || outcome === "broken") return h("td", { "data-outcome": outcome, title: outcome + " once, not confirmed as the kill", text: outcome === "fails" ? "fails" : "broken" });
      return h("td", { class: "muted", "data-outcome": outcome || "not run", title: outcome || "not run", text: outcome === "holds" ? "·" : "—" });
    };
    const matrix = h("table", { class: "kill-matrix", "data-testid": "kill-matrix" },
      h("thead", null, h("tr", null, h("th", { text: "Seeded bug (mutant)" }), kept.map((t) => h("th", { class: "num", title: t.name, text: "#" + t.index })))),
      h("tbody", null, bugs.map((b) => {
        const trace = kills[b] && kills[b].trace ? kills[b].trace.split("/").pop() : null;
        return h("tr", { "data-bug": b },
          h("td", null, h("code", { text: b }), " ", kills[b] ? badge("killed", "good") : badge("survived", "bad"),
            trace && files.includes(trace) ? [" ", h("a", { href: "data/episode/" + ep.id + "/files/" + trace, download: "frontendx-episode-" + ep.id + "-" + trace, title: "Playwright trace of the run that confirmed the kill", text: "⇩ trace" })] : null),
          kept.map((t) => cell(b, t)));
      })));
    const killed = bugs.filter((b) => kills[b]).length;
    return h("div", { "data-testid": "generated-suite" },
      h("h2", { text: "Generated tests (" + tests.length + ", " + kept.length + " kept) · mutation score " + killed + "/" + bugs.length }),
      h("div", { class: "table-wrap" }, list),
      h("h2", { text: "Kill matrix: each kept test's first run on each seeded bug" }),
      bugs.length && kept.length ? h("div", { class: "table-wrap" }, matrix) : h("div", { class: "panel empty", text: "No kept test ran on a seeded bug." }));
  }

  async function pageEpisode(id) {
    if (!/^\d+$/.test(id || "")) throw new Error("episode ids are numbers");
    const ep = await getJSON("episode/" + id + ".json");
    const s = ep.spec;
    const key = agentKey(ep.agent);
    const state = s.state;
    const u = ep.usage;
    const spec = kv([
      ["App", s.app],
      ["Variant", variantNode(s.bugs)],
      ["Browser state", state.name + " — " + state.viewport.width + "×" + state.viewport.height + ", " + state.locale + ", " + state.color_scheme + (state.role !== "anonymous" ? ", signed in as " + state.role : "")],
      ["Task", s.task.kind + (s.task.target_bug ? " (target " + s.task.target_bug + ")" : "") + " · budget " + secs(s.task.budget.wall_seconds) + ", " + s.task.budget.steps + " steps"],
      ["Agent", [key ? h("a", { href: "#/agent/" + encodeURIComponent(key), text: ep.agent }) : ep.agent, " ", h("span", { class: "muted", text: "v" + s.agent.version })]],
      ["Agent config", Object.keys(s.agent.config || {}).length ? h("code", { text: JSON.stringify(s.agent.config) }) : null],
      ["Trust", [trustBadges(ep.trust), " ", h("span", { class: "muted", text: trustOf(ep.trust).text })]],
      ["Repeat", String(s.repeat)],
      ["Status", [statusBadge(ep.status), ep.error ? [" ", h("span", { class: "untrusted", text: ep.error })] : null]],
      ["Run", h("code", { text: ep.run_id })],
      ["Started", date(ep.started_at)],
      ["Finished", date(ep.finished_at) + " (" + age(ep.finished_at) + " ago)"],
      ["Manifest bugs", ep.manifestable_bugs.length ? ep.manifestable_bugs.map((b) => {
        const f = ep.bug_facts[b];
        return h("div", null, h("code", { text: b }), f ? h("span", { class: "muted", text: " " + f.category + " · " + f.difficulty + " · " + f.severity }) : null);
      }) : "none (clean or not manifest in this state)"],
    ]);
    const usage = kv([
      ["Wall time", secs(u.wall_seconds)],
      ["Browser time", secs(u.browser_seconds)],
      ["Steps", num(u.steps)],
      ["Questions asked", num(u.questions)],
      ["Tokens", num(u.input_tokens) + " in / " + num(u.output_tokens) + " out"],
      ["Model cost", usd(u.model_cost_usd) + " (metered)"],
      ["Versions", Object.keys(ep.versions || {}).length ? h("ul", { class: "plain" }, Object.entries(ep.versions).map(([k, v]) => h("li", null, k + ": ", h("code", { text: v || "(none)" })))) : null],
    ]);
    const files = ep.files || [];
    const dl = h("div", { class: "downloads", "data-testid": "episode-downloads" },
      files.includes("trace.zip") ? h("a", { class: "btn-link", href: "data/episode/" + ep.id + "/files/trace.zip", download: "frontendx-episode-" + ep.id + "-trace.zip", "data-testid": "download-trace", text: "⇩ Playwright trace" }) : h("span", { class: "muted", text: "No trace stored" }),
      files.filter((f) => /^failing-replay-\d+\.zip$/.test(f)).map((f) => h("a", { class: "btn-link", href: "data/episode/" + ep.id + "/files/" + f, download: "frontendx-episode-" + ep.id + "-" + f, "data-testid": "download-failing-replay", title: "Playwright trace of the validator's failing buggy replay: open with `playwright show-trace`", text: "⇩ Failing replay, finding #" + f.match(/\d+/)[0] })),
      ep.tests.map((t) => h("a", { class: "btn-link", href: "data/episode/" + ep.id + "/" + t, download: "frontendx-episode-" + ep.id + "-" + t, "data-testid": "download-test-all", text: "⇩ " + t })));
    const shot = files.includes("final.png")
      ? h("img", { class: "shot", src: "data/episode/" + ep.id + "/files/final.png", alt: "Final screenshot of episode " + ep.id, "data-testid": "screenshot" })
      : h("p", { class: "empty", text: "No screenshot stored for this episode." });
    const validated = ep.findings.filter((f) => f.verdict && f.verdict.kind === "validated").length;
    const node = h("div", null,
      h("div", { class: "page-head" }, h("div", null,
        h("h1", null, "Episode #" + ep.id + " ", statusBadge(ep.status)),
        h("p", { text: s.app + " · " + variantText(s.bugs) + " · " + state.name + " · " + s.task.kind + " · " + ep.agent })),
        dl),
      h("div", { class: "episode-grid" },
        h("div", null, h("div", { class: "panel" }, h("h2", { text: "Spec" }), spec), h("div", { class: "panel" }, h("h2", { text: "Usage" }), usage)),
        h("div", { class: "panel" }, h("h2", { text: "Final screenshot" }), shot)),
      generatedSuite(ep),
      h("h2", { text: "Findings (" + ep.findings.length + ", " + validated + " validated)" }),
      h("p", { class: "note", text: "Titles, descriptions, steps and messages below are written by the agent and shown as plain text." }),
      ep.findings.length ? ep.findings.map((f) => findingCard(ep, f)) : h("div", { class: "panel empty", text: "The agent reported no findings." }));
    return { node: node, state: {} };
  }

  // --- regressions -----------------------------------------------------------------------------

  async function pageRegressions() {
    const data = await getJSON("regressions.json");
    const entries = Object.entries(data.regressions).filter(([, worse]) => worse.length).map(([k, worse]) => {
      const [agent, task] = k.split("\u001f");
      return { agent: agent, task: task, worse: worse };
    }).sort((a, b) => a.agent.localeCompare(b.agent) || a.task.localeCompare(b.task));
    const table = h("table", { "data-testid": "regressions-table" },
      h("thead", null, h("tr", null, h("th", { text: "Agent config" }), h("th", { text: "Task" }), h("th", { text: "Worse than its previous result (change, 95% CI of the change, previous version)" }))),
      h("tbody", null, entries.map((e) => {
        const key = agentKey(e.agent);
        return h("tr", { "data-agent": e.agent, "data-task": e.task },
          h("td", { title: agentTitle(e.agent, (agentInfo(e.agent) || {}).version || "?") }, key ? h("a", { href: "#/agent/" + encodeURIComponent(key), text: e.agent }) : e.agent),
          h("td", { text: e.task }),
          h("td", null, h("ul", { class: "plain" }, e.worse.map((w) => h("li", { text: w })))));
      })));
    if (!entries.length) table.lastChild.appendChild(h("tr", null, h("td", { colspan: "3", class: "empty", text: "No regressions: no agent config's newest result is worse than its previous one beyond the CI." })));
    const node = h("div", null,
      h("div", { class: "page-head" }, h("div", null, h("h1", { text: "Regressions" }),
        h("p", { text: "Agent configs whose newest result is worse than their previous one on a headline metric, with the whole 95% interval of the change on the worse side (what `frontendx compare` flags)." }))),
      h("div", { class: "table-wrap" }, table));
    return { node: node, state: {} };
  }

  // --- review queue ----------------------------------------------------------------------------

  function reviewCandidate(c) {
    const accepted = c.accepted_as
      ? badge("accepted as native bug " + c.accepted_as, "good", "since " + date(c.accepted_at) + ": findings making this claim on this app version score as validated")
      : badge("open", "warn", "not reviewed: its findings count as false positives (also_on_clean)");
    const head = h("div", { class: "finding-head" },
      h("span", { class: "idx mono", text: c.id }),
      h("span", { class: "finding-title untrusted", "data-testid": "candidate-title", text: c.title }),
      accepted);
    const episodes = h("span", { "data-testid": "candidate-episodes" }, c.episodes.slice(0, 30).map((id, i) =>
      [i ? ", " : "", h("a", { href: "#/episode/" + id, text: "#" + id })]), c.episodes.length > 30 ? " and " + (c.episodes.length - 30) + " more" : null);
    const facts = kv([
      ["App", h("span", null, c.app + " ", h("code", { title: c.app_version, text: (c.app_version || "?").slice(0, 12) }))],
      ["Claim (last assertion)", h("ol", { class: "steps claim", "data-testid": "candidate-claim" }, stepItem(c.claim))],
      ["Made by", h("span", { "data-testid": "candidate-agents" }, h("strong", { text: c.n_agents + " agent" + (c.n_agents === 1 ? "" : "s") }), " (" + c.agents.join(", ") + ")")],
      ["Episodes", [h("strong", { "data-testid": "candidate-n-episodes", text: c.n_episodes + " episode" + (c.n_episodes === 1 ? "" : "s") }), " · " + c.n_findings + " finding" + (c.n_findings === 1 ? "" : "s") + ": ", episodes]],
      ["Browser states", c.states.join(", ")],
      ["Validator", c.evidence.length ? h("ul", { class: "plain" }, c.evidence.map((r) => h("li", { class: "untrusted", text: r }))) : null],
    ]);
    const examples = c.examples.map((x) => h("div", { class: "review-example", "data-testid": "review-example" },
      h("p", null, h("a", { href: "#/episode/" + x.episode, text: "Episode #" + x.episode }), ", finding #" + x.finding + " · " + x.agent + " · " + x.state + " · ", variantNode(x.variant)),
      h("details", { class: "review-steps" }, h("summary", { text: "Steps (" + x.steps.length + ")" }), h("ol", { class: "steps" }, x.steps.map(stepItem))),
      verdictBlock({ kind: "also_on_clean", bug_id: null, reason: x.reason, replays: x.replays }, x.variant)));
    const how = c.accepted_as ? null : h("p", { class: "muted small" }, "Accept it as a native bug of this app version: ",
      h("code", { text: "frontendx review accept " + c.id + " --as BUG_ID [--category C --manual-minutes M] --db DB" }));
    return h("section", { class: "finding", "data-testid": "review-candidate", "data-candidate": c.id, "data-accepted": c.accepted_as || "" },
      head, h("div", { class: "finding-body" }, how, facts, examples));
  }

  async function pageReview() {
    const data = await getJSON("review.json");
    const open = data.candidates.filter((c) => !c.accepted_as).length;
    const natives = h("table", { "data-testid": "native-bugs" },
      h("thead", null, h("tr", null, ["Native bug", "App", "Claim", "Triage", "Accepted", "Candidate"].map((t) => h("th", { text: t })))),
      h("tbody", null, data.native_bugs.map((b) => h("tr", null,
        h("td", null, h("code", { text: b.bug_id })),
        h("td", null, b.app + " ", h("code", { title: b.app_version, text: (b.app_version || "?").slice(0, 12) })),
        h("td", { class: "untrusted", text: b.title }),
        h("td", { "data-testid": "native-triage", text: b.facts
          ? `${b.facts.category} · ${b.facts.difficulty} · ${b.facts.severity} · ${b.facts.manual_minutes} manual min`
          : "not given (no manual minutes)" }),
        h("td", { class: "nowrap", text: date(b.accepted_at) }),
        h("td", { class: "mono", text: b.candidate })))));
    if (!data.native_bugs.length) natives.lastChild.appendChild(h("tr", null, h("td", { colspan: "6", class: "empty", text: "No native bug accepted yet." })));
    const node = h("div", null,
      h("div", { class: "page-head" }, h("div", null, h("h1", { text: "Review queue" }),
        h("p", { text: "Findings judged also_on_clean: the claim fails on the clean app too, so it is either false or a real bug nobody seeded. Grouped by app version and claim, with the agents and episodes that made each and the validator's replays. Until a reviewer accepts one (`frontendx review accept`), its findings count as false positives; from the acceptance on they score as validated against the native bug, and the changelog says when." }),
        h("p", { "data-testid": "review-summary", text: data.candidates.length + " claim" + (data.candidates.length === 1 ? "" : "s") + ", " + open + " open, " + data.native_bugs.length + " native bug" + (data.native_bugs.length === 1 ? "" : "s") + " accepted" }))),
      h("h2", { text: "Accepted native bugs" }),
      h("div", { class: "table-wrap" }, natives),
      h("h2", { text: "Claims" }),
      data.candidates.length ? data.candidates.map(reviewCandidate) : h("div", { class: "panel empty", text: "No finding was judged also_on_clean." }));
    return { node: node, state: {} };
  }

  // --- changelog -------------------------------------------------------------------------------

  async function pageChangelog() {
    const data = await getJSON("changelog.json");
    const entries = data.entries.slice().reverse();
    const table = h("table", { "data-testid": "changelog-table" },
      h("thead", null, h("tr", null, h("th", { text: "When" }), h("th", { text: "What changed" }), h("th", { text: "Run" }), h("th", { class: "num", text: "Re-run" }), h("th", { class: "num", text: "Reused" }))),
      h("tbody", null, entries.map((e) => h("tr", null,
        h("td", { class: "nowrap", text: date(e.at) }),
        h("td", null, e.changes.length ? h("ul", { class: "plain" }, e.changes.map((c) => h("li", { text: c }))) : h("span", { class: "muted", text: "no change" })),
        h("td", { class: "mono", text: e.run_id || "—" }),
        h("td", { class: "num", text: num(e.ran) }),
        h("td", { class: "num", text: num(e.reused) })))));
    if (!entries.length) table.lastChild.appendChild(h("tr", null, h("td", { colspan: "5", class: "empty", text: "No version checks recorded yet (`frontendx watch` writes them)." })));
    const node = h("div", null,
      h("div", { class: "page-head" }, h("div", null, h("h1", { text: "Changelog" }),
        h("p", { text: "Version checks of `frontendx watch`: what changed (agents, models, apps, browser, FrontendX) and what was re-run or reused because of it; and changes of the ground truth (native bugs accepted from the review queue)." }))),
      h("div", { class: "table-wrap" }, table));
    return { node: node, state: {} };
  }

  // --- start -------------------------------------------------------------------------------------

  if (window.Chart) {
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.font.size = 12;
    Chart.defaults.color = "#344054";
  }
  // the formatting rules, for the tests that hold them to frontendx.report._format's
  window.FrontendXFormat = Object.freeze({ usd: usd, tickLabels: tickLabels, variantText: variantText, timeTick: timeTick });
  window.addEventListener("hashchange", route);
  route();
})();
