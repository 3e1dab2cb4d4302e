// The what-if panel: the inputs with the plan's values, the query that sets
// them (?baseline.requests_per_day=600000), the recomputed figures (marked
// data-figure) and the brief updated in place. The model's program above
// (own, options, late, run) computes every figure; this code only reads
// the inputs and lays the figures out.
(function () {
  "use strict";
  const panel = document.getElementById("what-if");
  if (!panel) return;
  const data = JSON.parse(panel.getAttribute("data-model"));
  const plan = data.values;

  // Numbers as the memo writes them (format::number, by the unit's style).
  function grouped(x, places) {
    const body = Math.abs(x).toFixed(places).replace(/^(\d+)/, (d) => d.replace(/\B(?=(\d{3})+(?!\d))/g, ","));
    return x < 0 && /[1-9]/.test(body) ? "-" + body : body;
  }
  function percent(x) {
    const pct = x * 100;
    let text = pct.toFixed(1) + "%";
    if (pct !== 0 && Math.abs(pct) < 1) {
      const places = Math.floor(-Math.log10(Math.abs(pct))) + 1;
      text = pct.toFixed(Math.min(places, 6)) + "%";
    }
    return /[1-9]/.test(text) ? text : "0.0%";
  }
  function number(x, style) {
    if (style[0] === "$") {
      const body = grouped(x, Number(style.slice(1)));
      return body[0] === "-" ? "-$" + body.slice(1) : "$" + body;
    }
    if (style === "%") return percent(x);
    if (style === "r") return x > data.returnRateShownUpTo ? "over 1,000%" : percent(x);
    if (style === "g1") return grouped(x, 1);
    if (style === "h") return grouped(x, Number.isInteger(x) ? 0 : 1);
    if (style === "t") {
      const s = grouped(x, 2);
      return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
    }
    return grouped(x, 0);
  }
  function show(x, style) {
    if (x === null) return "never";
    if (x === true) return "yes";
    if (x === false) return "no";
    if (typeof x === "string") return x;
    return number(x, style);
  }
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // The brief's elements the panel rewrites, found by their headings.
  function after(heading, test) {
    const h = Array.from(document.querySelectorAll("h2")).find((x) => x.textContent === heading);
    for (let e = h && h.nextElementSibling; e && e.tagName !== "H2"; e = e.nextElementSibling) {
      if (test(e)) return e;
    }
    return null;
  }
  const answer = after("The answer", (e) => e.tagName === "P");
  const odds = after("The answer", (e) => e.tagName === "P" && e.firstElementChild && e.firstElementChild.textContent === "The odds.");
  const lead = (words) => after("The answer", (e) => e.tagName === "P" && e.firstElementChild && e.firstElementChild.textContent === words);
  const driverLine = lead("What drives it.");
  const riskLine = lead("Main risk.");
  const volumeNote = after("Cost against volume", (e) => e.tagName === "P");
  const keyTable = after("Key figures", (e) => e.classList.contains("table-box"));
  const keyRows = keyTable ? Array.from(keyTable.querySelectorAll("tbody tr")) : [];
  const volume = document.getElementById("chart-volume");
  const volumeFigure = volume && volume.closest("figure");
  const leverTable = after("What would change the decision", (e) => e.classList.contains("table-box"));
  const saved = new Map();
  function keep(e) { if (e && !saved.has(e)) saved.set(e, e.innerHTML); }
  [answer, odds, volumeFigure, leverTable].forEach(keep);
  keyRows.forEach(keep);
  if (answer && answer.firstElementChild) answer.firstElementChild.setAttribute("data-figure", "verdict_sentence");
  keyRows.forEach((row, k) => { if (data.keys[k]) row.cells[1].setAttribute("data-figure", "key:" + data.keys[k].id); });

  // The panel: its inputs, the figures, what changed, the reset and the link.
  const inputs = panel.querySelector(".wi-inputs");
  const figures = panel.querySelector(".wi-figures");
  const changedList = panel.querySelector(".wi-changed-list");
  const problem = panel.querySelector(".wi-problem");
  const link = panel.querySelector(".wi-link");
  const state = new Map();
  const fields = new Map();
  for (const input of data.inputs) {
    const id = "wi-" + input.id;
    const row = el("div", { class: "wi-input" });
    row.appendChild(el("label", { for: id }, input.label));
    const box = el("input", { id: id, type: "number", step: "any", value: String(plan[input.i]) });
    box.addEventListener("input", () => { set(input, box.value); update(); });
    row.appendChild(box);
    row.appendChild(el("span", { class: "wi-unit" }, input.unit === "fraction" ? "(0.05 = 5%)" : input.unit));
    inputs.appendChild(row);
    fields.set(input, box);
  }
  for (const f of data.figures) {
    figures.appendChild(el("dt", {}, f.label));
    figures.appendChild(el("dd", { "data-figure": f.hook }));
  }

  // Why a value cannot be taken, or "" when it can.
  function refuse(input, x) {
    const low = input.min === null ? -Infinity : input.min;
    const ok = isFinite(x) && (input.minIn ? x >= low : x > low) &&
      (input.max === null || x <= input.max) && (!input.whole || Number.isInteger(x));
    return ok ? "" : input.label + ": expected " + input.expected + ".";
  }
  function set(input, text) {
    const x = text.trim() === "" ? NaN : Number(text);
    if (x === plan[input.i]) state.delete(input);
    else state.set(input, x);
  }

  // A what-if link: the changed inputs by plan path (by id where the plan
  // has no path for it).
  function query() {
    const q = new URLSearchParams();
    for (const [input, x] of state) q.set(input.path || input.id, String(x));
    return q.toString();
  }

  function update() {
    const problems = [];
    for (const [input, x] of state) {
      const why = refuse(input, x);
      if (why) problems.push(why);
      fields.get(input).setAttribute("aria-invalid", why ? "true" : "false");
    }
    let v = null;
    if (!problems.length) {
      v = plan.slice();
      for (const [input, x] of state) v[input.i] = x;
      try { run(v); } catch (e) { problems.push("These inputs cannot be evaluated: " + e.message + "."); v = null; }
    }
    problem.textContent = problems.join(" ");
    problem.hidden = !problems.length;
    panel.classList.toggle("wi-changed", state.size > 0);
    changedList.textContent = "";
    for (const [input, x] of state) {
      changedList.appendChild(el("li", {}, input.label + ": " + (isFinite(x) ? show(x, input.style) : "?") +
        " (plan: " + show(plan[input.i], input.style) + ")"));
    }
    const q = query();
    link.setAttribute("href", q ? "?" + q : "?");
    try { history.replaceState(null, "", q ? "?" + q : location.pathname); } catch (e) { /* file: pages may refuse */ }
    if (!v) return;
    for (const f of data.figures) {
      const dd = figures.querySelector('[data-figure="' + f.hook + '"]');
      dd.textContent = show(v[f.i], f.style);
      dd.setAttribute("data-value", JSON.stringify(v[f.i]));
    }
    brief(v);
  }

  // The brief: its words and key figures recomputed, or as written when
  // nothing is changed.
  function brief(v) {
    for (const [e, html] of saved) e.innerHTML = html;
    if (answer && answer.firstElementChild) answer.firstElementChild.setAttribute("data-figure", "verdict_sentence");
    keyRows.forEach((row, k) => { if (data.keys[k]) row.cells[1].setAttribute("data-figure", "key:" + data.keys[k].id); });
    for (const e of document.querySelectorAll(".wi-stale")) e.remove();
    if (!state.size) return;
    if (answer) {
      answer.textContent = "";
      answer.appendChild(el("strong", { "data-figure": "verdict_sentence" }, v[data.words[0]]));
      const rest = [v[data.words[1]]];
      if (data.words[2] !== undefined && v[data.words[2]] !== data.notApplicable) rest.push(v[data.words[2]]);
      answer.appendChild(document.createTextNode(" " + rest.join(" ") + " "));
      answer.appendChild(el("em", { class: "wi-stale" }, "(What-if: " + state.size + " input" + (state.size > 1 ? "s" : "") + " changed, listed at the top.)"));
    }
    keyRows.forEach((row, k) => {
      const f = data.keys[k];
      if (!f) return;
      const x = v[f.i];
      row.cells[1].textContent = typeof x === "number" ? show(x, f.style) + f.suffix : show(x, f.style);
    });
    const stale = (e, text) => { if (e) e.appendChild(el("p", { class: "wi-stale" }, text)); };
    if (odds) odds.appendChild(el("em", { class: "wi-stale" }, " (The plan as written: the what-if does not rerun the simulation, so the answer keeps these odds.)"));
    for (const line of [driverLine, riskLine, volumeNote]) {
      if (line) line.appendChild(el("em", { class: "wi-stale" }, " (The plan as written.)"));
    }
    stale(volumeFigure, "What-if: this chart shows the plan as written.");
    if (!leverTable) return;
    if (!data.levers) {
      stale(leverTable, "What-if: these thresholds are the plan's as written: under ranges the verdict asks the simulation's odds too, and the page does not rerun the simulation.");
      return;
    }
    const started = performance.now();
    leverRows(v, leverSearch(v));
    leverTable.setAttribute("data-ms", String(Math.round(performance.now() - started)));
    stale(leverTable, "What-if: each value is searched again for the changed inputs, the others held where they are (— where the verdict no longer flips within the input's range). The note above is the plan's as written.");
  }

  // What would change the decision, searched again as the tool searches
  // (analysis::levers): for the candidate the changed inputs recommend,
  // each lever's value nearest today, within its range, where the candidate
  // stops winning (its net present value no longer beats the best other
  // candidate's score, the API's 0 among them, or it cannot be built).
  function leverSearch(v) {
    const L = data.levers;
    const row = v[L.row];
    const c = typeof row === "number" && row >= 1 ? L.candidates[Math.trunc(row) - 1] : undefined;
    const api = !c || c.api;
    // The API recommended: the plan's levers, against 0.
    const mine = api ? L.candidates.find((x) => !x.api && x.option === null) : c;
    let threshold = 0;
    if (!api) {
      const apiScore = L.candidates.filter((x) => x.api).map((x) => v[x.score]);
      threshold = typeof apiScore[0] === "number" ? apiScore[0] : -Infinity;
      for (const x of L.candidates) {
        if (x !== mine && !x.api && typeof v[x.score] === "number") threshold = Math.max(threshold, v[x.score]);
      }
    }
    const cand = mine && mine.option !== null ? OPTS[mine.option](v) : v;
    const prefix = mine ? mine.prefix : "";
    const found = [];
    for (const kind of L.kinds) {
      const today = cand[kind.i];
      if (typeof today !== "number" || kind.moved.some((i) => typeof cand[i] !== "number")) continue;
      if (kind.scaled && today <= 0) continue;
      const wins = (x) => {
        const w = cand.slice();
        for (const i of kind.moved) w[i] = kind.scaled ? cand[i] * x / today : x;
        lenient = true;
        try { own(w); } catch (e) { return false; } finally { lenient = false; }
        const npv = w[L.npv];
        return w[L.feasible] === true && typeof npv === "number" && npv > threshold;
      };
      const high = kind.high !== null ? kind.high : today > 0 ? today * L.amountTimes : L.amountIfZero;
      found.push({ kind: kind, input: prefix + kind.path, today: today, flipsAt: flip(wins, today, kind.low, high) });
    }
    return found;
  }

  // The value nearest today, between low and high, where whether the
  // candidate wins changes; null when it does not. Each round tries points
  // spread evenly across the bracket (as many as the tool's lanes) and keeps
  // the part where the answer first changes.
  function flip(wins, today, low, high) {
    const L = data.levers;
    const now = wins(today);
    const ends = [[low, wins(low)], [high, wins(high)]];
    let best = null;
    for (const [end, there] of ends) {
      if (there === now || end === today) continue;
      let near = today, far = end;
      for (let round = 0; round < L.rounds; round++) {
        const xs = [];
        for (let k = 0; k < L.lanes; k++) xs.push(near + (far - near) * (k + 1) / L.lanes);
        let first = L.lanes - 1;
        for (let k = 0; k < L.lanes; k++) if (wins(xs[k]) !== now) { first = k; break; }
        far = xs[first];
        if (first > 0) near = xs[first - 1];
        if (Math.abs(far - near) <= L.tolerance * Math.max(Math.abs(far), Math.abs(near), 1e-300)) break;
      }
      if (best === null || Math.abs(far - today) < Math.abs(best - today)) best = far;
    }
    return best;
  }

  // The table's rows: each lever that flips, and each of the plan's as
  // written that no longer does ("—"). Each flip carries its value.
  function leverRows(v, found) {
    const L = data.levers;
    const fineTune = L.fineTune.includes(v[L.verdict]);
    const switching = v[L.verdict] === L.switch;
    const table = leverTable.querySelector("table");
    if (!table) return;
    const align = Array.from(table.querySelectorAll("thead th")).map((th) => th.getAttribute("style"));
    let body = table.querySelector("tbody");
    if (!body) body = table.appendChild(el("tbody"));
    body.textContent = "";
    for (const l of found) {
      if (l.flipsAt === null && !L.written.includes(l.input)) continue;
      const label = switching && l.kind.switchLabel ? l.kind.switchLabel : l.kind.label;
      const reading = l.flipsAt === null ? "" : L.readings[(fineTune ? 0 : 2) + (l.flipsAt > l.today ? 0 : 1)];
      const cells = [
        el("td", {}, label),
        el("td", {}, show(l.today, l.kind.style)),
        el("td", { "data-figure": "lever:" + l.input, "data-value": JSON.stringify(l.flipsAt) },
          l.flipsAt === null ? "—" : show(l.flipsAt, l.kind.style)),
        el("td", {}, reading),
      ];
      const tr = el("tr");
      cells.forEach((td, k) => { if (align[k]) td.setAttribute("style", align[k]); tr.appendChild(td); });
      body.appendChild(tr);
    }
  }

  panel.querySelector(".wi-reset").addEventListener("click", () => {
    state.clear();
    for (const [input, box] of fields) box.value = String(plan[input.i]);
    update();
  });

  // The query: each parameter a plan path (or an input's id) and a number.
  const unknown = [];
  for (const [key, value] of new URLSearchParams(location.search)) {
    const input = data.inputs.find((x) => x.path === key || x.id === key);
    if (!input) { unknown.push(key); continue; }
    fields.get(input).value = value;
    set(input, value);
  }
  panel.hidden = false;
  update();
  if (unknown.length) {
    problem.textContent = (problem.textContent + " Not an input of this panel: " + unknown.join(", ") + ".").trim();
    problem.hidden = false;
  }
})();
