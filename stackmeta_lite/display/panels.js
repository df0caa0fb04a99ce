// Browser panels of the stackmeta-lite book: a small, readable port of the exact solver, and the
// panels that display it. No dependencies, no network.
//
// The Python package stays the reference: every solver function below names the Python function
// it mirrors, and tests/test_panels_js.py checks on random games that both give identical values
// and tables. Payoffs are raw (1..4 per step for the canonical games); returns are per episode.
// Games may be n x m: a 3x3 game's 59,049 leader tables are solved exactly against the
// time-aware follower (typed arrays, a few hundred ms); its stationary follower is refused.
//
// Loading, two ways (stackmeta_lite/display/panels.py): with a kernel, each panel is an anywidget
// whose `_esm` is this module, so `render({model, el})` gets the widget's model: the controls
// write its synced traits (Python reads them), Python's writes redraw the panel, and the game
// panel's "train" button asks the kernel to train the method. Without a kernel (the static book,
// an untrusted notebook's HTML output) the panel's state (JSON) and this module are inline in the
// cell's text/html output, which calls `render` with `plainModel(state)`: the same panel, no
// training.

// ---- exact solver (mirrors stackmeta_lite/games/ties.py, solver.py, one_shot.py) ------------

/** ties.RELATIVE_TOLERANCE: values within this fraction of the payoff scale tie. */
export const RELATIVE_TOLERANCE = 1e-9;

/** games.from_cells for n x m games: (leader, follower) cells row by row, one row per leader
 * action (CC, CD, DC, DD for a 2x2 game). */
export function fromCells(cells, leaderActions = ["C", "D"], followerActions = leaderActions) {
  const m = followerActions.length;
  const matrix = (who) =>
    leaderActions.map((_, a) => followerActions.map((_, b) => cells[a * m + b][who]));
  return { L: matrix(0), F: matrix(1), leaderActions, followerActions };
}

const nLeader = (game) => game.L.length;
const nFollower = (game) => game.L[0].length;
/** IteratedGame.n_states: the start state plus one per joint action. */
const nStates = (game) => 1 + nLeader(game) * nFollower(game);
/** IteratedGame.next_state: 1 + a_leader + n * a_follower. */
const nextState = (game, a, b) => 1 + a + nLeader(game) * b;

/** ties.tie_tolerance: the absolute tie tolerance of returns over `horizon` steps, 1e-9 of
 * the payoff range per step: unchanged by adding a constant to the payoffs. */
export function tolerance(matrix, horizon = 1) {
  const values = matrix.flat();
  const halfRange = Math.max(...values) / 2 - Math.min(...values) / 2;
  return horizon * 2 * RELATIVE_TOLERANCE * halfRange;
}

/** iterated.IteratedGame.leader_tables: the table of code `code`, digit s = action in state s. */
export function tableOf(code, count, states) {
  const table = [];
  for (let s = 0; s < states; s++, code = Math.floor(code / count)) table.push(code % count);
  return table;
}

/** ties.first_best without `allowed`: the lowest index within `tol` of the best value. */
function firstBest(values, tol) {
  let best = -Infinity;
  for (const v of values) if (v > best) best = v;
  return values.findIndex((v) => v >= best - tol);
}

/** ties.pick_reply over the first `count` entries, allocation-free (the solver calls it for
 * every leader table, step and state): among the follower's best replies (within `tolF`), the
 * best (sign 1, strong ties) or worst (sign -1, weak) for the leader within `tolL`, then the
 * lowest index. */
function pickReply(qL, qF, count, tolL, tolF, sign) {
  let bestF = -Infinity;
  for (let b = 0; b < count; b++) if (qF[b] > bestF) bestF = qF[b];
  let bestL = -Infinity;
  for (let b = 0; b < count; b++) {
    if (qF[b] >= bestF - tolF && sign * qL[b] > bestL) bestL = sign * qL[b];
  }
  for (let b = 0; b < count; b++) {
    if (qF[b] >= bestF - tolF && sign * qL[b] >= bestL - tolL) return b;
  }
  return -1;
}

/** ties.pick_reply: the follower's best reply; ties go for (strong) or against (weak) the leader. */
function pick(leaderValues, followerValues, ties, game, horizon = 1) {
  const [tolL, tolF] = [tolerance(game.L, horizon), tolerance(game.F, horizon)];
  const sign = ties === "strong" ? 1 : -1;
  return pickReply(leaderValues, followerValues, leaderValues.length, tolL, tolF, sign);
}

/** batched.play_tables: one episode; `followerAt(t, state)` gives the follower's action. */
export function playEpisode(game, horizon, leaderTable, followerAt) {
  const steps = [];
  let state = 0;
  for (let t = 0; t < horizon; t++) {
    const a = leaderTable[state];
    const b = followerAt(t, state);
    steps.push({ state, a, b, leader: game.L[a][b], follower: game.F[a][b] });
    state = nextState(game, a, b);
  }
  return steps;
}

const total = (steps, key) => steps.reduce((sum, step) => sum + step[key], 0);

/** solver._stationary_responses: a function of a leader table that enumerates every follower
 * table against it and returns the follower's best one (`policy`) and both returns. */
function stationaryResponder(game, horizon, ties) {
  const states = nStates(game);
  const count = nFollower(game) ** states;
  return (leaderTable) => {
    const leaderValues = [];
    const followerValues = [];
    for (let code = 0; code < count; code++) {
      const table = tableOf(code, nFollower(game), states);
      const steps = playEpisode(game, horizon, leaderTable, (t, s) => table[s]);
      leaderValues.push(total(steps, "leader"));
      followerValues.push(total(steps, "follower"));
    }
    const choice = pick(leaderValues, followerValues, ties, game, horizon);
    return {
      policy: tableOf(choice, nFollower(game), states),
      leaderReturn: leaderValues[choice],
      followerReturn: followerValues[choice],
    };
  };
}

/** solver._time_aware_responses: a function of a leader table that finds the follower's best
 * response by backward induction over (step, state) and returns both returns, with the
 * `policy` (step x state) when `withPolicy`. Typed arrays and no allocation per state: a 3x3
 * game runs it for each of its 59,049 leader tables. */
function timeAwareResponder(game, horizon, ties) {
  const [n, m, states] = [nLeader(game), nFollower(game), nStates(game)];
  const [L, F] = [game.L, game.F].map((matrix) => Float64Array.from(matrix.flat()));
  const [tolL, tolF] = [tolerance(game.L, horizon), tolerance(game.F, horizon)];
  const sign = ties === "strong" ? 1 : -1;
  const [qL, qF] = [new Float64Array(m), new Float64Array(m)];
  let [valueL, valueF, newL, newF] = [0, 0, 0, 0].map(() => new Float64Array(states));
  return (leaderTable, withPolicy = false) => {
    const policy = [];
    valueL.fill(0);
    valueF.fill(0);
    for (let t = horizon - 1; t >= 0; t--) {
      const row = withPolicy ? new Array(states) : null;
      for (let s = 0; s < states; s++) {
        const a = leaderTable[s];
        for (let b = 0; b < m; b++) {
          const next = 1 + a + n * b; // nextState
          qF[b] = F[a * m + b] + valueF[next];
          qL[b] = L[a * m + b] + valueL[next];
        }
        const choice = pickReply(qL, qF, m, tolL, tolF, sign);
        if (row) row[s] = choice;
        newF[s] = qF[choice];
        newL[s] = qL[choice];
      }
      if (row) policy.unshift(row);
      [valueL, newL, valueF, newF] = [newL, valueL, newF, valueF];
    }
    return { policy, leaderReturn: valueL[0], followerReturn: valueF[0] };
  };
}

/** The limits of the browser solver: (leader, follower) table pairs a stationary follower's
 * enumeration may play, and (leader table, step, state, reply) evaluations of the time-aware
 * backward induction (a 3x3 game at horizon 10: 59,049 x 10 x 10 x 3 = 17.7 million). */
export const MAX_STATIONARY_PAIRS = 2 ** 20;
export const MAX_TIME_AWARE_EVALUATIONS = 10 ** 8;

const thousands = (x) => x.toLocaleString("en");

/** Why the browser does not solve this game for this follower class, or "" when it does. */
export function refusal(game, horizon, followerClass) {
  const [n, m, states] = [nLeader(game), nFollower(game), nStates(game)];
  const [tables, size] = [n ** states, `${n}x${m}`];
  if (followerClass === "stationary") {
    const replies = m ** states;
    if (tables * replies <= MAX_STATIONARY_PAIRS) return "";
    return (
      `The stationary follower is not solved exactly for a ${size} game: the leader has ` +
      `${n}**${states} = ${thousands(tables)} memory-1 tables and the follower ` +
      `${m}**${states} = ${thousands(replies)}, so the exact solution would play all ` +
      `${thousands(tables)} x ${thousands(replies)} = ${thousands(tables * replies)} (leader, ` +
      `follower) table pairs (this panel plays at most ${thousands(MAX_STATIONARY_PAIRS)}). ` +
      `Choose the time-aware follower: backward induction solves it exactly.`
    );
  }
  const evaluations = tables * horizon * states * m;
  if (evaluations <= MAX_TIME_AWARE_EVALUATIONS) return "";
  return (
    `A ${size} game at horizon ${horizon} is too large for this panel: backward induction ` +
    `against each of its ${n}**${states} = ${thousands(tables)} leader tables takes ` +
    `${thousands(evaluations)} evaluations (this panel does at most ` +
    `${thousands(MAX_TIME_AWARE_EVALUATIONS)}).`
  );
}

/** solver.solve_iterated: the best leader table (lowest code among ties) and the follower's
 * response to it; every leader table is enumerated in code order. Throws `refusal`'s message
 * when the game is too large. */
export function solveIterated(game, horizon, followerClass, ties) {
  const why = refusal(game, horizon, followerClass);
  if (why) throw new Error(why);
  const responder = followerClass === "stationary" ? stationaryResponder : timeAwareResponder;
  const respond = responder(game, horizon, ties);
  const [n, states] = [nLeader(game), nStates(game)];
  const values = new Float64Array(n ** states);
  const table = new Array(states).fill(0);
  for (let code = 0; code < values.length; code++) {
    values[code] = respond(table).leaderReturn;
    for (let s = 0; s < states && ++table[s] === n; s++) table[s] = 0; // the next code
  }
  const best = tableOf(firstBest(values, tolerance(game.L, horizon)), n, states);
  return { table: best, ...respond(best, true) };
}

/** describe.replay: the episode of a leader table against a (stationary or time-aware) policy. */
export function replay(game, horizon, leaderTable, policy) {
  const timeAware = Array.isArray(policy[0]);
  return playEpisode(game, horizon, leaderTable, (t, s) => (timeAware ? policy[t][s] : policy[s]));
}

/** one_shot.follower_reply: the follower's reply to a mixed commitment x (one-shot game). */
export function followerReply(game, x, ties) {
  const expect = (M, b) => x.reduce((sum, p, a) => sum + p * M[a][b], 0);
  const leader = game.L[0].map((_, b) => expect(game.L, b));
  const follower = game.F[0].map((_, b) => expect(game.F, b));
  const b = pick(leader, follower, ties, game);
  return { action: b, leader: leader[b], follower: follower[b] };
}

/** one_shot.pure_stackelberg: the best pure commitment (one-shot). */
export function pureStackelberg(game, ties) {
  const replies = game.L.map((_, a) =>
    followerReply(
      game,
      game.L.map((_, i) => +(i === a)),
      ties,
    ),
  );
  const row = firstBest(
    replies.map((r) => r.leader),
    tolerance(game.L),
  );
  return { row, ...replies[row] };
}

/** one_shot.mixed_stackelberg for two leader actions: per follower action b, the commitments
 * p = P(first action) that make b a best reply form an interval, and the leader's payoff is
 * linear in p, so the best p is an end of it (the Python version solves the same LP). */
export function mixedStackelberg(game) {
  let best = null;
  for (let b = 0; b < nFollower(game); b++) {
    let lo = 0;
    let hi = 1;
    for (let c = 0; c < nFollower(game); c++) {
      // b is weakly preferred to c when p * (d0 - d1) + d1 <= 0.
      const d0 = game.F[0][c] - game.F[0][b];
      const d1 = game.F[1][c] - game.F[1][b];
      const slope = d0 - d1;
      if (slope > 0) hi = Math.min(hi, -d1 / slope);
      else if (slope < 0) lo = Math.max(lo, -d1 / slope);
      else if (d1 > 0) hi = -1;
    }
    if (lo > hi) continue;
    const payoff = (p) => p * game.L[0][b] + (1 - p) * game.L[1][b];
    const p = payoff(hi) >= payoff(lo) ? hi : lo;
    if (best === null || payoff(p) > best.leader + tolerance(game.L)) {
      best = { p, action: b, leader: payoff(p) };
    }
  }
  return best;
}

/** one_shot.pure_nash_equilibria: every cell where both reply best to each other. */
export function pureNash(game) {
  const cells = [];
  const tolL = tolerance(game.L);
  const tolF = tolerance(game.F);
  game.L.forEach((row, a) =>
    row.forEach((_, b) => {
      const leaderBest = game.L.every((r) => game.L[a][b] >= r[b] - tolL);
      const followerBest = game.F[a].every((v) => game.F[a][b] >= v - tolF);
      if (leaderBest && followerBest) cells.push([a, b]);
    }),
  );
  return cells;
}

// ---- display helpers ---------------------------------------------------------------------------

// Colours follow the text colour (currentColor) so the panel reads on light and dark pages, in
// the book (whose dark mode draws cell outputs on a light box) as in JupyterLab.
const CSS = `
.smeta-panel{--smeta-line:color-mix(in srgb,currentColor 35%,transparent);
  border:1px solid var(--smeta-line);border-radius:6px;padding:.6em .8em;margin:.5em 0;
  color:inherit;font-size:.95em}
.smeta-panel fieldset{border:none;margin:.3em 0;padding:0}
.smeta-panel legend{font-size:1em;font-weight:600;padding:0;margin:0 0 .2em 0;float:none;
  width:auto;color:inherit}
.smeta-panel label{margin-right:1em;white-space:nowrap}
.smeta-panel .smeta-field{white-space:nowrap}
.smeta-panel .smeta-field label{margin-right:.3em}
.smeta-panel input[data-cell],.smeta-panel select{color:inherit;background:transparent;
  border:1px solid var(--smeta-line);border-radius:3px;padding:1px 3px;font:inherit}
.smeta-panel input[data-cell]{width:4em}
.smeta-panel option{color:initial;background:initial}
.smeta-panel :focus-visible{outline:2px solid var(--pst-color-primary,#0173b2);outline-offset:1px}
.smeta-panel table{border-collapse:collapse;margin:.3em 0 .6em 0;color:inherit}
.smeta-panel caption{caption-side:top;text-align:left;color:inherit;padding:0 0 .2em 0}
.smeta-panel td,.smeta-panel th{border:1px solid var(--smeta-line);padding:2px 8px;
  text-align:center;background:transparent;color:inherit}
.smeta-panel th{font-weight:600}
.smeta-panel .smeta-error{color:#c0392b;font-weight:600}
.smeta-panel svg{max-width:100%;height:auto;display:block}
.smeta-panel svg text{fill:currentColor;font-size:11px}
.smeta-panel .smeta-row{display:flex;flex-wrap:wrap;gap:.3em 1.5em;align-items:center}
.smeta-panel button{color:inherit;background:transparent;border:1px solid var(--smeta-line);
  border-radius:3px;padding:2px 10px;font:inherit;cursor:pointer}
`;

function addStyle(doc) {
  if (doc.getElementById("smeta-panel-style")) return;
  const style = doc.createElement("style");
  style.id = "smeta-panel-style";
  style.textContent = CSS;
  doc.head.appendChild(style);
}

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Python's format(x, "g") for the numbers the panels show (6 significant digits). */
export const fmtG = (x) => String(Number(x.toPrecision(6)));

function tableHtml(columns, rows, cls) {
  const head = columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join("");
  const body = rows
    .map((row) => `<tr>${row.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`)
    .join("");
  return `<table class="${cls}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** IteratedGame.describe_state: 'start' or '(leader action, follower action)'. */
function describeState(game, s) {
  if (s === 0) return "start";
  const a = (s - 1) % nLeader(game);
  const b = Math.floor((s - 1) / nLeader(game));
  return `(${game.leaderActions[a]}, ${game.followerActions[b]})`;
}

/** State s > 0 in words, with the roles named: "the leader played C, the follower D" (action
 * names such as "leader's choice" cannot then be read as the roles). */
function describeMove(game, s) {
  const a = (s - 1) % nLeader(game);
  const b = Math.floor((s - 1) / nLeader(game));
  return `the leader played ${game.leaderActions[a]}, the follower ${game.followerActions[b]}`;
}

let uid = 0;
let idPrefix = "smeta"; // the panel element's id: control ids stay unique on a page
function radios(name, legend, options, value) {
  const group = `${idPrefix}-${name}-${++uid}`;
  const inputs = options
    .map(
      ([v, text]) =>
        `<label><input type="radio" name="${group}" data-key="${name}" value="${v}"` +
        `${v === value ? " checked" : ""}> ${escapeHtml(text)}</label>`,
    )
    .join("");
  return `<fieldset><legend>${escapeHtml(legend)}</legend>${inputs}</fieldset>`;
}

function select(name, label, options, value) {
  const id = `${idPrefix}-${name}-${++uid}`;
  const items = options
    .map(([v, text]) => `<option value="${v}"${v === value ? " selected" : ""}>${text}</option>`)
    .join("");
  const box = `<select id="${id}" data-key="${name}">${items}</select>`;
  return `<span class="smeta-field"><label for="${id}">${escapeHtml(label)}</label> ${box}</span>`;
}

/** An element as text: tag("line", { x1: 0 }) or tag("text", { x: 4 }, "label"). */
function tag(name, attrs, content) {
  const list = Object.entries(attrs)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${escapeHtml(value)}"`)
    .join("");
  return content === undefined ? `<${name}${list}/>` : `<${name}${list}>${content}</${name}>`;
}

const tick = (x) => fmtG(Number(x.toPrecision(2)));

/** The frame of a chart: axes, y grid and labels; X and Y map data to pixels. */
function chartFrame({ X, Y, yTicks, xTicks, xLabel, yLabel, width, height, margin }) {
  const [left, right, bottom] = [margin.left, width - margin.right, height - margin.bottom];
  const grid = yTicks.map(
    (y) =>
      tag("line", {
        x1: left,
        x2: right,
        y1: Y(y),
        y2: Y(y),
        stroke: "currentColor",
        "stroke-opacity": 0.15,
      }) + tag("text", { x: left - 4, y: Y(y) + 4, "text-anchor": "end" }, tick(y)),
  );
  const xs = xTicks.map((x) =>
    tag("text", { x: X(x), y: bottom + 14, "text-anchor": "middle" }, tick(x)),
  );
  return (
    tag("line", { x1: left, x2: left, y1: margin.top, y2: bottom, stroke: "currentColor" }) +
    tag("line", { x1: left, x2: right, y1: bottom, y2: bottom, stroke: "currentColor" }) +
    grid.join("") +
    xs.join("") +
    tag(
      "text",
      { x: (left + right) / 2, y: height - 4, "text-anchor": "middle" },
      escapeHtml(xLabel),
    ) +
    tag(
      "text",
      {
        transform: `translate(14 ${(margin.top + bottom) / 2}) rotate(-90)`,
        "text-anchor": "middle",
      },
      escapeHtml(yLabel),
    )
  );
}

const svg = (width, height, label, content) =>
  tag(
    "svg",
    { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": label },
    content,
  );

/** A line chart: `series` = [{points: [[x, y]], colour, dash, label}]; marker = [x, y, label]. */
function lineChart({ series, xLabel, yLabel, marker, width = 520, height = 240 }) {
  const margin = { left: 60, right: 28, top: 12, bottom: 38 };
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(0, ...ys), Math.max(...ys, Math.min(0, ...ys) + 1e-9)];
  const pad = (y1 - y0) * 0.05;
  const X = (x) => margin.left + ((x - x0) / (x1 - x0 || 1)) * (width - margin.left - margin.right);
  const Y = (y) =>
    height -
    margin.bottom -
    ((y - y0 + pad) / (y1 - y0 + 2 * pad)) * (height - margin.top - margin.bottom);
  const quarters = (a, b) => [0, 0.25, 0.5, 0.75, 1].map((f) => a + f * (b - a));
  const lines = series.map((s, i) => {
    const style = { fill: "none", stroke: s.colour, "stroke-width": 2, "stroke-dasharray": s.dash };
    const points = s.points.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(" ");
    const keyY = margin.top + 8 + 14 * i;
    return (
      tag("polyline", { ...style, points }, tag("title", {}, escapeHtml(s.label))) +
      tag("line", { ...style, x1: width - 150, x2: width - 128, y1: keyY, y2: keyY }) +
      tag("text", { x: width - 124, y: keyY + 4 }, escapeHtml(s.label))
    );
  });
  const dot = marker
    ? tag(
        "circle",
        { cx: X(marker[0]), cy: Y(marker[1]), r: 5, fill: "currentColor" },
        tag("title", {}, escapeHtml(marker[2])),
      )
    : "";
  const frame = chartFrame({
    X,
    Y,
    yTicks: quarters(y0, y1),
    xTicks: quarters(x0, x1),
    xLabel,
    yLabel,
    width,
    height,
    margin,
  });
  return svg(width, height, `${yLabel} against ${xLabel}`, frame + lines.join("") + dot);
}

/** Bars of the final gap per leader table: green where the follower best-responds exactly. */
function barChart(labels, gaps, exactBelow, width = 520, height = 170) {
  const margin = { left: 60, right: 28, top: 10, bottom: 50 };
  const top = Math.max(0.2, ...gaps);
  const w = (width - margin.left - margin.right) / gaps.length;
  const X = (i) => margin.left + i * w;
  const Y = (y) =>
    height - margin.bottom - (y / (top * 1.1)) * (height - margin.top - margin.bottom);
  const bars = gaps.map((g, i) => {
    const fill = g > exactBelow ? "#d55e00" : "#029e73";
    const y = Math.min(Y(g), Y(0) - 3); // exact tables get a visible green stub
    const bar = { x: X(i) + 1, y, width: Math.max(w - 2, 1), height: Y(0) - y, fill };
    const name = {
      transform: `translate(${X(i) + w / 2 + 3} ${Y(0) + 4}) rotate(-90)`,
      "text-anchor": "end",
      style: "font-size:8px",
    };
    return (
      tag("rect", bar, tag("title", {}, `${escapeHtml(labels[i])}: gap ${fmtG(g)}`)) +
      tag("text", name, escapeHtml(labels[i]))
    );
  });
  const frame = chartFrame({
    X,
    Y,
    yTicks: [0, top],
    xTicks: [],
    xLabel: "leader table (green: exact best response)",
    yLabel: "gap per step",
    width,
    height,
    margin,
  });
  return svg(width, height, "final gap per leader table", frame + bars.join(""));
}

// Two colours of the book's colorblind palette, readable on light and dark backgrounds.
const BLUE = "#3b8fd6";
const ORANGE = "#e69a1c";

// ---- the game panel (chapters 1 and 2, Beyond 2x2) ----------------------------------------------

const PLAYERS = ["leader", "follower"];

/** Cell k of the payoff grid (row by row): "CD" when every action name is one letter, else
 * "(leader action, follower action)". */
function cellName([la, fa], k) {
  const [a, b] = [Math.floor(k / fa.length), k % fa.length];
  const short = [...la, ...fa].every((name) => /^[A-Za-z]$/.test(name));
  return short ? `${la[a]}${fa[b]}` : `(${la[a]}, ${fa[b]})`;
}

/** A payoff box's text as a number; null (Python's None) when it is empty or not a number. */
function payoffOf(text) {
  const value = Number(text);
  return text.trim() !== "" && Number.isFinite(value) ? value : null;
}

/** What makes `cells` no payoffs of the game with these `actions`, or "". `typed(k, who)` is
 * the text of a payoff's box, if any, to name what the reader typed. */
export function payoffProblem(cells, actions, typed = () => undefined) {
  const [n, m] = actions.map((names) => names.length);
  if (!Array.isArray(cells) || cells.length !== n * m) {
    const got = Array.isArray(cells) ? `${cells.length} pairs` : JSON.stringify(cells);
    return (
      `a ${n}x${m} game needs ${n * m} (leader, follower) payoff pairs, one per cell, row by ` +
      `row; got ${got}.`
    );
  }
  for (const [k, cell] of cells.entries()) {
    if (!Array.isArray(cell) || cell.length !== 2) {
      const got = JSON.stringify(cell);
      return `cell ${cellName(actions, k)} needs a (leader, follower) pair of payoffs, got ${got}.`;
    }
    const who = cell.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
    if (who >= 0) {
      const text = typed(k, who) ?? String(cell[who] ?? "");
      const got = text.trim() === "" ? "an empty box" : JSON.stringify(text);
      const where = `the ${PLAYERS[who]} payoff of cell ${cellName(actions, k)}`;
      return `${where} must be a finite number, got ${got}.`;
    }
  }
  return "";
}

function payoffGrid(model) {
  const cells = model.get("cells");
  const [la, fa] = model.get("actions");
  const box = (a, b, who) => {
    const k = a * fa.length + b;
    const value = escapeHtml(cells[k]?.[who] ?? "");
    const label = `${PLAYERS[who]} payoff when (leader, follower) play (${la[a]}, ${fa[b]})`;
    return (
      `<input type="text" inputmode="decimal" data-cell="${k}" data-who="${who}" ` +
      `value="${value}" aria-label="${escapeHtml(label)}">`
    );
  };
  const th = (scope, text) => tag("th", { scope }, escapeHtml(text));
  const rows = la.map(
    (name, a) =>
      `<tr>${th("row", name)}` +
      fa.map((_, b) => `<td>${box(a, b, 0)} ${box(a, b, 1)}</td>`).join("") +
      `</tr>`,
  );
  return (
    `<table class="smeta-payoffs"><caption>Payoffs (leader, follower); rows: the leader's ` +
    `action, columns: the follower's</caption>` +
    `<thead><tr><th></th>${fa.map((name) => th("col", name)).join("")}</tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table>`
  );
}

function gameControls(model) {
  const games = model.get("games");
  const size = ({ actions: [la, fa] }) =>
    la.length === 2 && fa.length === 2 ? "" : ` (${la.length}x${fa.length})`;
  const names = [
    ...Object.entries(games).map(([g, state]) => [g, g.replaceAll("_", " ") + size(state)]),
    ["custom", "custom (your payoffs)"],
  ];
  return (
    `<div class="smeta-row">${select("game", "Game", names, model.get("game"))}</div>` +
    payoffGrid(model) +
    `<div class="smeta-row">` +
    radios(
      "follower_class",
      "Follower",
      [
        ["stationary", "stationary (memory-1 table)"],
        ["time_aware", "time-aware (step and state)"],
      ],
      model.get("follower_class"),
    ) +
    radios(
      "ties",
      "Ties",
      [
        ["strong", "strong (for the leader)"],
        ["weak", "weak (against the leader)"],
      ],
      model.get("ties"),
    ) +
    `</div>`
  );
}

function iteratedResult(game, model) {
  const horizon = model.get("horizon");
  const followerClass = model.get("follower_class");
  const ties = model.get("ties");
  const why = refusal(game, horizon, followerClass);
  if (why) return tag("p", { class: "smeta-error" }, escapeHtml(why));
  const started = performance.now();
  const solution = solveIterated(game, horizon, followerClass, ties);
  const millis = performance.now() - started;
  const words = solution.table.map((a, s) => [
    s,
    s === 0 ? "first step" : `after ${describeMove(game, s)}`,
    game.leaderActions[a],
  ]);
  const steps = replay(game, horizon, solution.table, solution.policy);
  const rows = steps.map((st, t) => [
    t + 1,
    describeState(game, st.state),
    game.leaderActions[st.a],
    game.followerActions[st.b],
    fmtG(st.leader),
    fmtG(st.follower),
  ]);
  const follower =
    followerClass === "stationary" ? "stationary (memory-1 table)" : "time-aware (step and state)";
  const perStep = (value) => (value / horizon).toFixed(2);
  const value =
    `<b>Exact Stackelberg value: ${perStep(solution.leaderReturn)} per step</b> ` +
    `(${fmtG(solution.leaderReturn)} per ${horizon}-step episode, raw scale); the follower ` +
    `gets ${perStep(solution.followerReturn)} per step. Follower: ${follower}, ${ties} ` +
    `tie-breaking.`;
  const data = { "data-leader-return": solution.leaderReturn, "data-table": solution.table };
  return (
    tag("p", { class: "smeta-value", ...data }, value) +
    tag(
      "p",
      { class: "smeta-timing", "data-millis": millis.toFixed(1) },
      `Solved in your browser in ${millis.toFixed(0)} ms: all ` +
        `${thousands(nLeader(game) ** nStates(game))} leader tables, each against the follower's ` +
        `exact best response.`,
    ) +
    `<p><b>Optimal leader table</b> (its answers to the ${nStates(game)} queries):</p>` +
    tableHtml(["state", "when", "leader plays"], words, "smeta-words") +
    `<p><b>The episode it induces</b> against the follower's best response:</p>` +
    tableHtml(
      ["step", "state", "leader", "follower", "leader payoff", "follower payoff"],
      rows,
      "smeta-replay",
    )
  );
}

function oneShotControls(model) {
  const id = `${idPrefix}-p-${++uid}`;
  const p = model.get("p");
  const label = `Commitment P(leader plays ${model.get("actions")[0][0]})`;
  return (
    `<div class="smeta-row">${tag("label", { for: id }, escapeHtml(label))}` +
    `<input id="${id}" type="range" min="0" max="1" step="0.01" value="${p}" data-key="p">` +
    `<output class="smeta-p">${p.toFixed(2)}</output></div>`
  );
}

function oneShotResult(game, model) {
  const p = model.get("p");
  const ties = model.get("ties");
  const [la, fa] = [game.leaderActions, game.followerActions];
  const here = followerReply(game, [p, 1 - p], ties);
  const pure = pureStackelberg(game, "strong");
  const mixed = mixedStackelberg(game);
  const nash = pureNash(game).map(([a, b]) => `(${la[a]}, ${fa[b]}) paying ${fmtG(game.L[a][b])}`);
  const grid = Array.from({ length: 201 }, (_, i) => i / 200);
  const curve = (rule) => grid.map((q) => [q, followerReply(game, [q, 1 - q], rule).leader]);
  const chart = lineChart({
    series: [
      { points: curve("strong"), colour: BLUE, label: "strong ties" },
      { points: curve("weak"), colour: ORANGE, dash: "4 3", label: "weak ties" },
    ],
    xLabel: `probability the leader commits to ${la[0]}`,
    yLabel: "leader's expected payoff",
    marker: [p, here.leader, "your commitment"],
  });
  const first = escapeHtml(la[0]);
  const reply =
    `Commitment P(${first}) = ${p.toFixed(2)}: the follower replies ` +
    `<b>${escapeHtml(fa[here.action])}</b>, the leader expects <b>${here.leader.toFixed(2)}</b> ` +
    `and the follower ${here.follower.toFixed(2)} (${ties} ties).`;
  const commitments =
    `Best pure commitment: ${escapeHtml(la[pure.row])} → ${fmtG(pure.leader)}. Best mixed ` +
    `commitment (strong ties): P(${first}) = ${mixed.p.toFixed(2)} → ` +
    `${mixed.leader.toFixed(2)}. Pure Nash equilibria (leader, follower): ` +
    `${escapeHtml(nash.join(", ") || "none")}.`;
  return (
    tag(
      "p",
      { class: "smeta-reply", "data-action": here.action, "data-leader": here.leader },
      reply,
    ) +
    tag("p", { class: "smeta-commitments" }, commitments) +
    chart
  );
}

/** The kernel's training of the method on the panel's game: the button, its status, its curve. */
function trainingView(model) {
  const curve = model.get("curve");
  const busy = model.get("training");
  const button =
    `<button type="button" data-action="train"${busy ? " disabled" : ""}>` +
    `Train the method on this game</button>`;
  const status = tag("span", { class: "smeta-status" }, escapeHtml(model.get("status")));
  if (!curve || !curve.steps || !curve.steps.length) {
    return `<div class="smeta-row">${button}${status}</div>`;
  }
  const [first, last] = [curve.steps[0], curve.steps[curve.steps.length - 1]];
  const level = (value) => [
    [first, value],
    [last, value],
  ];
  const chart = lineChart({
    series: [
      { points: curve.steps.map((x, i) => [x, curve.value[i]]), colour: BLUE, label: "leader" },
      { points: level(curve.optimum), colour: ORANGE, dash: "4 3", label: "optimum, strong" },
      { points: level(curve.optimum_weak), colour: ORANGE, dash: "1 3", label: "optimum, weak" },
    ],
    xLabel: "env steps (with the query steps)",
    yLabel: "leader value per step",
  });
  return `<div class="smeta-row">${button}${status}</div>${chart}`;
}

/** The panel's link to its model: `write(changes)` sets and syncs them (to Python, in a kernel);
 * `onRemote(keys, redraw)` redraws on changes written elsewhere (by Python), not on the panel's
 * own writes, whose redraw would take the focus from the box being typed in. */
function link(model) {
  let writing = false;
  return {
    write(changes) {
      writing = true;
      Object.entries(changes).forEach(([key, value]) => model.set(key, value));
      model.save_changes();
      writing = false;
    },
    onRemote(keys, redraw) {
      keys.forEach((key) => model.on(`change:${key}`, () => writing || redraw()));
    },
  };
}

function renderGame(model, el) {
  const { write, onRemote } = link(model);
  const draw = () => {
    el.innerHTML =
      gameControls(model) +
      (model.get("one_shot") ? oneShotControls(model) : "") +
      `<div class="smeta-result" aria-live="polite"></div>` +
      (model.get("trainable") ? `<div class="smeta-train">${trainingView(model)}</div>` : "");
  };
  const update = () => {
    const result = el.querySelector(".smeta-result");
    const [cells, actions] = [model.get("cells"), model.get("actions")];
    const typed = (k, who) => el.querySelector(`input[data-cell="${k}"][data-who="${who}"]`)?.value;
    const problem = payoffProblem(cells, actions, typed);
    if (problem) {
      const message = `Cannot solve this game: ${escapeHtml(problem)}`;
      result.innerHTML = tag("p", { class: "smeta-error" }, message);
      return;
    }
    const started = performance.now();
    const game = fromCells(cells, ...actions);
    result.innerHTML =
      (model.get("one_shot") ? oneShotResult(game, model) : "") + iteratedResult(game, model);
    el.dataset.millis = (performance.now() - started).toFixed(2);
  };
  el.addEventListener("input", (event) => {
    const target = event.target;
    if (target.dataset.cell !== undefined) {
      const cells = model.get("cells").map((c) => [...c]);
      cells[+target.dataset.cell][+target.dataset.who] = payoffOf(target.value);
      write({ cells, game: "custom" });
      el.querySelector('select[data-key="game"]').value = "custom";
    } else if (target.dataset.key === "p") {
      write({ p: Number(target.value) });
      el.querySelector(".smeta-p").textContent = Number(target.value).toFixed(2);
    } else return;
    update();
  });
  el.addEventListener("change", (event) => {
    const { key } = event.target.dataset;
    if (key === "game" && event.target.value !== "custom") {
      const { cells, actions } = model.get("games")[event.target.value];
      write({ cells, actions, game: event.target.value });
      draw(); // new payoffs and action names: redraw the controls, keep the focus on the list
      el.querySelector('select[data-key="game"]').focus();
    } else if (key === "follower_class" || key === "ties") {
      write({ [key]: event.target.value });
    } else return;
    update();
  });
  el.addEventListener("click", (event) => {
    if (event.target.dataset.action === "train") model.send({ action: "train" });
  });
  onRemote(["game", "cells", "actions", "follower_class", "ties", "p"], () => {
    draw();
    update();
  });
  onRemote(["curve", "status", "training"], () => {
    el.querySelector(".smeta-train").innerHTML = trainingView(model);
  });
  draw();
  update();
}

// ---- the pre-training viewer (chapter 4) --------------------------------------------------------

function renderPretraining(model, el) {
  const { write, onRemote } = link(model);
  const runs = model.get("runs");
  const games = Object.keys(runs);
  el.innerHTML =
    `<div class="smeta-row">${select(
      "game",
      "Game",
      games.map((g) => [g, g.replaceAll("_", " ")]),
      model.get("game"),
    )}` +
    `<span class="smeta-seed"></span>` +
    select(
      "steps",
      "Steps",
      [
        ["with_queries", "with the query steps (paper)"],
        ["plain", "play steps only"],
      ],
      model.get("steps"),
    ) +
    `</div><div class="smeta-result" aria-live="polite"></div>`;
  const seedBox = el.querySelector(".smeta-seed");
  const result = el.querySelector(".smeta-result");
  const update = () => {
    const started = performance.now();
    const game = model.get("game");
    const seeds = Object.keys(runs[game]);
    if (!seeds.includes(String(model.get("seed")))) write({ seed: Number(seeds[0]) });
    seedBox.innerHTML = select(
      "seed",
      "Seed",
      seeds.map((s) => [s, s]),
      String(model.get("seed")),
    );
    const run = runs[game][model.get("seed")];
    const steps = model.get("steps") === "plain" ? run.steps_plain : run.steps_with_queries;
    const exact = run.table_gaps.filter((g) => g <= model.get("exact_below")).length;
    const last = steps.length - 1;
    const chart = lineChart({
      series: [{ points: steps.map((x, i) => [x, run.gap[i]]), colour: BLUE, label: "mean gap" }],
      xLabel:
        model.get("steps") === "plain"
          ? "env steps (play steps only)"
          : "env steps (with the query steps)",
      yLabel: "mean best-response gap per step",
    });
    const bars = barChart(run.tables, run.table_gaps, model.get("exact_below"));
    const where = `${escapeHtml(game.replaceAll("_", " "))}, seed ${model.get("seed")}`;
    const [withQueries, plain] = [run.steps_with_queries[last], run.steps_plain[last]];
    const summary =
      `${where}: after ${withQueries.toLocaleString("en")} env steps with queries ` +
      `(${plain.toLocaleString("en")} play steps) the mean gap is ` +
      `<b>${run.gap[last].toFixed(3)}</b> per step; the greedy follower best-responds exactly ` +
      `to <b>${exact} of ${run.table_gaps.length}</b> leader tables.`;
    result.innerHTML =
      tag("p", { class: "smeta-summary", "data-exact": exact }, summary) + chart + bars;
    el.dataset.millis = (performance.now() - started).toFixed(2);
  };
  el.addEventListener("change", (event) => {
    const { key } = event.target.dataset;
    if (!key) return;
    write({ [key]: key === "seed" ? Number(event.target.value) : event.target.value });
    update();
  });
  onRemote(["game", "seed", "steps"], () => {
    el.querySelector('select[data-key="game"]').value = model.get("game");
    el.querySelector('select[data-key="steps"]').value = model.get("steps");
    update();
  });
  update();
}

// ---- entry points -------------------------------------------------------------------------------

/** The entry point (anywidget's): draw the panel named by model.get("kind") into `el`. */
export function render({ model, el }) {
  addStyle(el.ownerDocument);
  el.classList.add("smeta-panel");
  idPrefix = el.id || "smeta";
  (model.get("kind") === "pretraining" ? renderPretraining : renderGame)(model, el);
}

/** A minimal anywidget-style model over a plain state object (the panels only get and set). */
export function plainModel(state) {
  return {
    get: (key) => state[key],
    set: (key, value) => {
      state[key] = value;
    },
    on: () => {},
    save_changes: () => {},
    send: () => {},
  };
}

export default { render };
