// Draws the benchmark results as SVG charts for the README (hand-written SVG, no
// dependencies; white background and system fonts, so they read well on GitHub).
//
//   node bench/chart.mjs [--dir=DIR]    DIR: where the JSON is read and the SVG written
//                                       (default bench/results; another one to try a chart
//                                       out without touching the committed ones)
//
// codec.json (from bench/codec/run.mjs)  -> codec.svg
//   ns/op per contender, decode and encode bars, one group per payload, log scale.
// http.json  (from bench/http/run.mjs), if present -> one chart per framework:
//   Express 4 -> http.svg, Express 5 -> http-express5.svg, Fastify 5 -> http-fastify.svg,
//   Hono -> http-hono.svg, Bun.serve -> http-bun.svg
//   req/s per contender for each route measured (/none, /read, /write), linear scale from 0,
//   and the framework's targets underneath. Any http-*.json beside it (a partial run written
//   with --out, say `--framework=hono,bun --out=bench/results/http-hono-bun.json`; not
//   http-instructions.json) is read too, and each chart is drawn from the newest run (its
//   `date`) that has its framework. Skipped, with a message, when no file has a framework, or
//   a file is not shaped as expected:
//   { frameworks: [{ name, label, package, bare, contenders: [{ name, routes: { read: { reqPerSec, p99 }, … } }] }],
//     targets: [{ framework, route, kind, versus, measured, target, met }] }
//   (p99 in ms; optional reqPerSecMin/reqPerSecMax are drawn as a min–max whisker). The older
//   Express-4-only shape, { config: { framework }, contenders: [...] }, still draws http.svg.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dirArg = process.argv.slice(2).find((a) => a.startsWith('--dir='));
const RESULTS = dirArg ? resolve(dirArg.slice('--dir='.length)) : fileURLToPath(new URL('./results/', import.meta.url));
const file = (name) => join(RESULTS, name);
const rel = (path) => relative(process.cwd(), path);

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const COLORS = { decode: '#2f6db5', encode: '#e8892b', none: '#8c959f', read: '#2f6db5', write: '#e8892b' };
const OURS = new Set(['native', 'js']);

// --- SVG helpers ------------------------------------------------------------------------------

const esc = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]);
const num = (n) => (Math.round(n * 10) / 10).toString();
const attrs = (a) =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => ` ${k}="${esc(typeof v === 'number' ? num(v) : v)}"`)
    .join('');
const text = (x, y, s, a = {}) => `<text${attrs({ x, y, ...a })}>${esc(s)}</text>`;
const rect = (x, y, width, height, a = {}) => `<rect${attrs({ x, y, width: Math.max(0, width), height, ...a })}/>`;
const line = (x1, y1, x2, y2, a = {}) => `<line${attrs({ x1, y1, x2, y2, ...a })}/>`;

function svgDocument(width, height, title, body) {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${num(height)}" viewBox="0 0 ${width} ${num(height)}" font-family="${esc(FONT)}" font-size="12" fill="#1f2328">`,
    `<title>${esc(title)}</title>`,
    rect(0, 0, width, height, { fill: '#ffffff' }),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Legend entries [label, color] in a row starting at (x, y); returns the elements. */
function legend(x, y, entries) {
  const out = [];
  for (const [label, color] of entries) {
    if (color) {
      out.push(rect(x, y - 9, 12, 12, { fill: color, rx: 2 }));
      x += 17;
    }
    out.push(text(x, y + 1, label, { fill: color ? '#1f2328' : '#57606a' }));
    x += label.length * 6.6 + 22;
  }
  return out;
}

/**
 * A tiny well-formedness check (tags balanced and properly nested, attributes quoted, no raw
 * `&` or `<` in text), so a broken chart fails here rather than on GitHub.
 */
function checkXml(svg) {
  const stack = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos|#\d+);)/g;
  let m;
  while ((m = re.exec(svg))) {
    if (m[2] === undefined) throw new Error(`stray "${m[0]}" at offset ${m.index}`);
    if (m[1]) {
      const open = stack.pop();
      if (open !== m[2]) throw new Error(`</${m[2]}> closes <${open}> at offset ${m.index}`);
    } else if (!m[4]) {
      stack.push(m[2]);
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
}

function writeSvg(path, svg, from) {
  checkXml(svg);
  writeFileSync(path, svg);
  console.log(`wrote ${rel(path)}${from ? ` (from ${rel(from)})` : ''}`);
}

// --- number formatting ------------------------------------------------------------------------

const sig3 = (n) => (n >= 100 ? Math.round(n).toString() : n >= 10 ? n.toFixed(1) : n.toFixed(2));
function duration(ns) {
  if (ns < 1e3) return `${Math.round(ns)} ns`;
  if (ns < 1e6) return `${sig3(ns / 1e3)} µs`;
  return `${sig3(ns / 1e6)} ms`;
}
const axisDuration = (ns) => (ns < 1e3 ? `${ns} ns` : ns < 1e6 ? `${ns / 1e3} µs` : `${ns / 1e6} ms`);
const thousands = (n) => Math.round(n).toLocaleString('en-US');
const shortDate = (iso) => (typeof iso === 'string' ? iso.slice(0, 10) : null);

// --- codec chart ------------------------------------------------------------------------------

function codecChart(data) {
  const contenders = data.contenders.map((c) => c.name);
  const notes = Object.fromEntries(data.contenders.filter((c) => c.note).map((c) => [c.name, c.note]));
  const groups = data.results.map((r) => ({
    payload: data.payloads.find((p) => p.name === r.payload) ?? { name: r.payload, bytes: r.bytes },
    rows: contenders.map((name) => r.rows.find((row) => row.contender === name)).filter(Boolean),
  }));

  // Log scale over whole decades around every value (and spread) drawn.
  const values = groups.flatMap((g) => g.rows.flatMap((r) => [r.decode, r.encode]).flatMap((s) => [s.median, s.p25, s.p75]));
  // Log scale from the decade below the smallest value to the first 1-2-5 step above the
  // largest (room left on the right for the value labels).
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const top125 = (v) => {
    const d = 10 ** Math.floor(Math.log10(v));
    return [1, 2, 5, 10].map((m) => m * d).find((t) => t >= v * 1.02);
  };
  const hi = top125(Math.max(...values));

  const W = 1000;
  const left = 200;
  const right = 80;
  const plotW = W - left - right;
  const x = (ns) => left + (plotW * Math.log10(ns / lo)) / Math.log10(hi / lo);

  const bar = 10;
  const rowGap = 9;
  const rowH = 2 * bar + 1 + rowGap;
  const groupHead = 30;
  const groupGap = 14;
  const top = 92;
  const plotH = groups.reduce((h, g) => h + groupHead + g.rows.length * rowH + groupGap, 0);
  const H = top + plotH + 64;

  const out = [];
  out.push(text(20, 28, 'Cookie codec cost per operation — lower is better', { 'font-size': 17, 'font-weight': 600 }));
  const processes = data.config?.processes;
  const sub = [
    `node ${data.node}`,
    `${data.cpu}${data.cores ? ` (${data.cores} cores)` : ''}`,
    processes ? `median of ${processes} processes × ${data.config.rounds} rounds` : null,
    shortDate(data.date),
  ].filter(Boolean);
  out.push(text(20, 48, sub.join(' · '), { fill: '#57606a' }));
  out.push(
    ...legend(20, 72, [
      ['decode (cookie → object)', COLORS.decode],
      ['encode (object → cookie)', COLORS.encode],
      ['whisker: p25–p75 · log scale', null],
    ]),
  );

  // Grid: 1-2-5 steps per decade, labelled at each decade and at 1-2-5 when there are few.
  const decades = Math.log10(hi / lo);
  const ticks = [];
  for (let d = lo; d < hi * 1.001; d *= 10) for (const m of [1, 2, 5]) if (d * m <= hi * 1.001) ticks.push(d * m);
  const last = ticks.at(-1);
  const gridTop = top - 6;
  const gridBottom = top + plotH - groupGap + 4;
  for (const t of ticks) {
    const major = Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9;
    out.push(line(x(t), gridTop, x(t), gridBottom, { stroke: major ? '#c9d1d9' : '#eaeef2', 'stroke-width': 1 }));
    if (major || t === last || decades <= 2.5) {
      out.push(text(x(t), gridBottom + 16, axisDuration(Math.round(t)), { 'text-anchor': 'middle', fill: major ? '#1f2328' : '#57606a', 'font-size': 11 }));
    }
  }
  out.push(text(left + plotW / 2, gridBottom + 36, 'time per operation (log scale)', { 'text-anchor': 'middle', fill: '#57606a' }));

  let y = top;
  for (const g of groups) {
    const head = `${g.payload.name}${g.payload.label ? ` — ${g.payload.label}` : ''}, ${g.payload.bytes} B of JSON`;
    out.push(text(20, y + 18, head, { 'font-size': 13, 'font-weight': 600 }));
    y += groupHead;
    for (const r of g.rows) {
      const label = notes[r.contender] ? `${r.contender} (signed only)` : r.contender;
      out.push(
        text(left - 10, y + bar + 4, label, {
          'text-anchor': 'end',
          'font-weight': OURS.has(r.contender) ? 600 : undefined,
          fill: notes[r.contender] ? '#57606a' : undefined,
          'font-style': notes[r.contender] ? 'italic' : undefined,
        }),
      );
      for (const [i, op] of ['decode', 'encode'].entries()) {
        const s = r[op];
        const by = y + i * (bar + 1);
        out.push(rect(left, by, x(s.median) - left, bar, { fill: COLORS[op] }));
        out.push(line(x(s.p25), by + bar / 2, x(s.p75), by + bar / 2, { stroke: '#1f2328', 'stroke-width': 1.2, 'stroke-opacity': 0.55 }));
        out.push(text(Math.max(x(s.median), x(s.p75)) + 5, by + bar - 1, duration(s.median), { 'font-size': 10.5 }));
      }
      y += rowH;
    }
    y += groupGap;
  }
  out.push(line(left, gridTop, left, gridBottom, { stroke: '#8c959f', 'stroke-width': 1 }));

  const foot = [];
  if (Object.keys(notes).length) foot.push(`signed only: ${Object.keys(notes).join(', ')} does not encrypt (not an equal contender)`);
  if (data.baseline) foot.push(`× ratios vs ${data.baseline} in bench/results/codec.json`);
  out.push(text(20, H - 10, foot.join(' · '), { fill: '#57606a', 'font-size': 11 }));

  return svgDocument(W, H, `Cookie codec benchmark (${sub.join(', ')})`, out);
}

// --- http charts ------------------------------------------------------------------------------

const HTTP_ROUTES = ['none', 'read', 'write'];
const ROUTE_LEGEND = {
  none: 'GET /none (session not touched)',
  read: 'GET /read (session read, no Set-Cookie)',
  write: 'GET /write (session changed, Set-Cookie)',
};
/** Each framework's chart; Express 4's keeps the name it had before there were others. */
const CHART_FILE = { express4: 'http.svg', express5: 'http-express5.svg', fastify: 'http-fastify.svg', hono: 'http-hono.svg', bun: 'http-bun.svg' };
/** Results files named http-*.json that are not bench/http/run.mjs's (instructions.mjs's counts). */
const NOT_HTTP_RUNS = new Set(['http-instructions.json']);

/**
 * The charts an http.json holds, one per framework: { framework, file, data, contenders,
 * routes, dropped } or, when one cannot be drawn, { file, reason }.
 */
function httpCharts(data) {
  if (!data || typeof data !== 'object') return [{ file: CHART_FILE.express4, reason: 'not an object' }];
  // The shape of before frameworks: Express 4 alone, its contenders at the top.
  const frameworks = Array.isArray(data.frameworks)
    ? data.frameworks
    : Array.isArray(data.contenders)
      ? [{ name: 'express4', label: 'Express 4', package: data.config?.framework, bare: 'none', contenders: data.contenders }]
      : null;
  if (!frameworks) return [{ file: CHART_FILE.express4, reason: 'no "frameworks" (or "contenders") array' }];
  const ok = (route) => route && typeof route.reqPerSec === 'number' && Number.isFinite(route.reqPerSec);
  return frameworks.map((fw) => {
    const name = fw && typeof fw.name === 'string' ? fw.name : '?';
    const chartFile = CHART_FILE[name] ?? `http-${name.replace(/[^\w-]/g, '_')}.svg`;
    if (!Array.isArray(fw?.contenders)) return { file: chartFile, reason: `${name}: no "contenders" array` };
    const named = fw.contenders.filter((c) => c && typeof c.name === 'string' && c.routes);
    // The routes every contender has figures for, in the benchmark's order.
    const routes = HTTP_ROUTES.filter((r) => named.length && named.every((c) => ok(c.routes[r])));
    const usable = routes.length ? named : [];
    if (usable.length === 0) return { file: chartFile, reason: `${name}: no route with a numeric reqPerSec for every contender` };
    const targets = Array.isArray(data.targets) ? data.targets.filter((t) => t && t.framework === name) : [];
    return { file: chartFile, framework: fw, contenders: usable, routes, targets, dropped: fw.contenders.length - usable.length };
  });
}

function niceMax(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** One line per target: "/read: native 1.79× secure-session (≥ 1.30×) met". */
function targetLine(t) {
  if (typeof t.measured !== 'number' || typeof t.target !== 'number') return `/${t.route}: ${t.name ?? t.kind} n/a`;
  const fmt = (x) => (t.kind === 'speedup' ? `${x.toFixed(2)}×` : x.toFixed(2));
  const what = t.kind === 'speedup' ? `native ${fmt(t.measured)} ${t.versus}'s req/s` : `native's overhead ${fmt(t.measured)} of ${t.versus}'s`;
  return `/${t.route}: ${what} (target ${t.kind === 'speedup' ? '≥' : '≤'} ${fmt(t.target)}, ${t.met ? 'met' : 'not met'})`;
}

function httpChart(data, { framework, contenders, routes, targets }) {
  const values = contenders.flatMap((c) => routes.flatMap((r) => [c.routes[r].reqPerSec, c.routes[r].reqPerSecMax].filter(Number.isFinite)));
  const max = niceMax(Math.max(...values));

  const W = 1000;
  const left = 170;
  const right = 200;
  const plotW = W - left - right;
  const x = (v) => left + (plotW * v) / max;
  const bar = 13;
  const rowGap = 12;
  const rowH = routes.length * (bar + 1) - 1 + rowGap;
  const top = 92;
  const plotH = contenders.length * rowH;
  const footLines = targets.length ? 1 + targets.length : 0;
  const H = top + plotH + 60 + footLines * 16;

  const label = typeof framework.label === 'string' ? framework.label : framework.name;
  const out = [];
  out.push(text(20, 28, `HTTP throughput per session middleware, ${label} — higher is better`, { 'font-size': 17, 'font-weight': 600 }));
  const sub = [
    typeof data.node === 'string' ? `node ${data.node}` : null,
    typeof data.cpu === 'string' ? `${data.cpu}${data.cpus ? ` (${data.cpus} cores)` : ''}` : null,
    typeof framework.package === 'string' ? framework.package : null,
    shortDate(data.date),
  ].filter(Boolean);
  const hasRange = contenders.some((c) => routes.some((r) => Number.isFinite(c.routes[r].reqPerSecMin) && Number.isFinite(c.routes[r].reqPerSecMax)));
  // The scale note goes with the subtitle: three routes leave no room for it in the legend.
  out.push(text(20, 48, [...sub, hasRange ? 'whisker: min–max · linear scale from 0' : 'linear scale from 0'].join(' · '), { fill: '#57606a' }));
  out.push(...legend(20, 72, routes.map((r) => [ROUTE_LEGEND[r], COLORS[r]])));

  const ticks = 5;
  const gridTop = top - 6;
  const gridBottom = top + plotH - rowGap + 4;
  for (let i = 0; i <= ticks; i++) {
    const v = (max * i) / ticks;
    out.push(line(x(v), gridTop, x(v), gridBottom, { stroke: i === 0 ? '#8c959f' : '#eaeef2', 'stroke-width': 1 }));
    out.push(text(x(v), gridBottom + 16, thousands(v), { 'text-anchor': 'middle', 'font-size': 11, fill: '#57606a' }));
  }
  out.push(text(left + plotW / 2, gridBottom + 36, 'requests per second', { 'text-anchor': 'middle', fill: '#57606a' }));

  const bare = framework.bare ?? 'none';
  let y = top;
  for (const c of contenders) {
    const name = c.name === bare ? `${c.name} (no session)` : c.name;
    const textY = y + (routes.length * (bar + 1)) / 2 + 4;
    out.push(text(left - 10, textY, name, { 'text-anchor': 'end', 'font-weight': OURS.has(c.name) ? 600 : undefined }));
    for (const [i, route] of routes.entries()) {
      const r = c.routes[route];
      const by = y + i * (bar + 1);
      out.push(rect(left, by, x(r.reqPerSec) - left, bar, { fill: COLORS[route] }));
      let end = x(r.reqPerSec);
      if (Number.isFinite(r.reqPerSecMin) && Number.isFinite(r.reqPerSecMax)) {
        out.push(line(x(r.reqPerSecMin), by + bar / 2, x(r.reqPerSecMax), by + bar / 2, { stroke: '#1f2328', 'stroke-width': 1.2, 'stroke-opacity': 0.55 }));
        end = Math.max(end, x(r.reqPerSecMax));
      }
      const p99 = Number.isFinite(r.p99) ? ` · p99 ${r.p99 < 10 ? r.p99.toFixed(2) : r.p99.toFixed(1)} ms` : '';
      out.push(text(end + 5, by + bar - 2, `${thousands(r.reqPerSec)} req/s${p99}`, { 'font-size': 11 }));
    }
    y += rowH;
  }

  if (targets.length) {
    let fy = gridBottom + 62;
    out.push(text(20, fy, `Targets (${targets.filter((t) => t.met).length} of ${targets.length} met, from the median req/s):`, { 'font-size': 11.5, 'font-weight': 600 }));
    for (const t of targets) {
      fy += 16;
      out.push(text(32, fy, targetLine(t), { 'font-size': 11.5, fill: t.met ? '#1a7f37' : '#cf222e' }));
    }
  }

  return svgDocument(W, H, `HTTP benchmark, ${label}${sub.length ? ` (${sub.join(', ')})` : ''}`, out);
}

// --- main -------------------------------------------------------------------------------------

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

let exitCode = 0;

const codecFile = file('codec.json');
if (!existsSync(codecFile)) {
  console.error(`${rel(codecFile)} not found: run \`node bench/codec/run.mjs\` first`);
  exitCode = 1;
} else {
  try {
    writeSvg(file('codec.svg'), codecChart(readJson(codecFile)));
  } catch (err) {
    console.error(`could not draw ${rel(codecFile)}: ${err.message}`);
    exitCode = 1;
  }
}

// Every chart from the newest results file that has its framework: http.json (a full run) and
// any http-*.json beside it (a partial run written with --out, e.g. Hono and Bun alone).
const httpFile = file('http.json');
const partialFiles = readdirSync(RESULTS)
  .filter((name) => /^http-[\w.-]+\.json$/.test(name) && !NOT_HTTP_RUNS.has(name))
  .sort()
  .map(file);
if (!existsSync(httpFile) && partialFiles.length === 0) {
  console.log(`skipping the http charts: ${rel(httpFile)} not found (run \`node bench/http/run.mjs\`)`);
} else {
  /** Per chart file, the chart to draw and the date of the run it is from. */
  const chosen = new Map();
  const reasons = [];
  for (const source of [httpFile, ...partialFiles].filter(existsSync)) {
    let data = null;
    try {
      data = readJson(source);
    } catch (err) {
      console.log(`skipping the http charts of ${rel(source)}: not JSON (${err.message})`);
      continue;
    }
    const date = Date.parse(data?.date) || 0;
    for (const chart of httpCharts(data)) {
      if (chart.reason) {
        reasons.push({ file: chart.file, text: `skipping ${chart.file}: ${rel(source)} is shaped differently (${chart.reason})` });
        continue;
      }
      // The newest run wins; on a tie, http.json (read first).
      const known = chosen.get(chart.file);
      if (!known || date > known.date) chosen.set(chart.file, { ...chart, data, date, source });
    }
  }
  for (const reason of reasons) if (!chosen.has(reason.file)) console.log(reason.text);
  for (const chart of chosen.values()) {
    if (chart.dropped) console.log(`${chart.file}: left out ${chart.dropped} contender(s) without numeric req/s on ${chart.routes.join(', ')}`);
    writeSvg(file(chart.file), httpChart(chart.data, chart), chart.source);
  }
  // A framework no results file has keeps its old chart: say so, rather than let it pass for new.
  for (const [name, chartFile] of Object.entries(CHART_FILE)) {
    if (!chosen.has(chartFile) && existsSync(file(chartFile))) console.log(`${chartFile} left as it was: no ${name} in ${[httpFile, ...partialFiles].map(rel).join(', ')}`);
  }
}

process.exitCode = exitCode;
