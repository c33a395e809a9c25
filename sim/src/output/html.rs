//! A self-contained HTML page: the timeline's data as JSON, drawn on a canvas by a small
//! script. Rows are virtualised (only the visible ones are drawn), so ten thousand tasks
//! cost a scroll bar, not a 64,000-pixel SVG; the x axis is linear in virtual time, with
//! zoom and pan, and a second mode that gives every event one step (to see the order of
//! what happens at one instant). Log lines are drawn beside their marks when there is room
//! and listed under the chart; the verdict and a deadlock report are lists.

use std::io::{self, Write};

use super::RunInfo;
use super::timeline::{MarkKind, State, Timeline};

/// The most log lines listed under the chart (all of them are drawn on it).
const MAX_LISTED_LOGS: usize = 2_000;

/// The most tasks listed under the chart (all of them are drawn on it).
const MAX_LISTED_TASKS: usize = 2_000;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Strings the data refers to by index (what a segment waits on, log lines, messages).
#[derive(Default)]
struct Strings {
    list: Vec<String>,
    index: std::collections::BTreeMap<String, usize>,
}

impl Strings {
    fn id(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.index.get(s) {
            return i as i64;
        }
        self.list.push(s.to_string());
        self.index.insert(s.to_string(), self.list.len() - 1);
        (self.list.len() - 1) as i64
    }
}

/// Writes the timeline as compact JSON (flat number arrays, strings by index), number by
/// number: a big run's data is never held as a JSON tree. Every `<` of a string is written
/// `\u003c`, so no text of the run can end the script element (`</script>`) or, as
/// `<!--` followed by `<script>` in a later string, make the browser read the page's own
/// `</script>` as part of the data (the script element then swallowed the page's code).
fn write_data(tl: &Timeline, w: &mut dyn Write) -> io::Result<()> {
    let text = |s: &str| {
        serde_json::to_string(s)
            .expect("a string serializes")
            .replace('<', "\\u003c")
    };
    let mut strings = Strings::default();
    w.write_all(b"{\"rows\":[")?;
    for (i, r) in tl.rows.iter().enumerate() {
        write!(w, "{}{}", if i > 0 { "," } else { "" }, text(r))?;
    }
    w.write_all(b"],\"seg\":[")?;
    for (i, s) in tl.segments.iter().enumerate() {
        let (state, id) = match &s.state {
            State::Ready => (0, -1),
            State::Running => (1, -1),
            State::Sleeping(on) => (2, strings.id(on)),
            State::Blocked(on) => (3, strings.id(on)),
        };
        let sep = if i > 0 { "," } else { "" };
        write!(
            w,
            "{sep}{},{state},{},{},{},{},{id}",
            s.row, s.t0, s.t1, s.start, s.end
        )?;
    }
    w.write_all(b"],\"marks\":[")?;
    for (i, m) in tl.marks.iter().enumerate() {
        let (kind, id) = match &m.kind {
            MarkKind::Log(line) => (0, strings.id(line)),
            MarkKind::CancelRequested(by) => (1, strings.id(by)),
            MarkKind::Cancelled(None) => (2, -1),
            MarkKind::Cancelled(Some(why)) => (2, strings.id(why)),
            MarkKind::Returned => (3, -1),
            MarkKind::Panicked(msg) => (4, strings.id(msg)),
            MarkKind::Timeout => (5, -1),
        };
        let sep = if i > 0 { "," } else { "" };
        write!(w, "{sep}{},{kind},{},{},{id}", m.row, m.t, m.at)?;
    }
    w.write_all(b"],\"strings\":[")?;
    for (i, s) in strings.list.iter().enumerate() {
        write!(w, "{}{}", if i > 0 { "," } else { "" }, text(s))?;
    }
    let cut = match tl.cut {
        Some((i, t)) => format!("[{i},{t}]"),
        None => "null".into(),
    };
    write!(
        w,
        "],\"nEvents\":{},\"tEnd\":{},\"cut\":{cut}}}",
        tl.times.len(),
        tl.times.last().copied().unwrap_or(0.0)
    )
}

/// Writes the page to `w`.
pub fn write(tl: &Timeline, info: &RunInfo, w: &mut dyn Write) -> io::Result<()> {
    let failures = if info.failures.is_empty() {
        "<p class=ok>every expectation holds</p>".to_string()
    } else {
        let items: Vec<String> = info
            .failures
            .iter()
            .map(|f| format!("<li><pre>{}</pre></li>", esc(f.trim_end())))
            .collect();
        format!(
            "<p class=bad>FAILED:</p><ul class=bad>{}</ul>",
            items.join("")
        )
    };
    let cut = match tl.cut {
        Some((i, t)) => format!(
            "<p class=bad>The timeline stops at event {i} (t={t}ms): a run this long is cut at {} segments and marks.</p>",
            super::timeline::MAX_ITEMS
        ),
        None => String::new(),
    };
    write!(
        w,
        r##"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - simloop timeline</title>
<style>
body {{ font-family: sans-serif; margin: 16px; color: #222; }}
code, pre {{ font-family: monospace; }}
pre {{ margin: 2px 0; white-space: pre-wrap; }}
.legend span {{ display: inline-block; margin-right: 14px; }}
.sw {{ display: inline-block; width: 14px; height: 10px; margin-right: 4px; vertical-align: middle; }}
.ok {{ color: #2e7d32; }} .bad {{ color: #c62828; }}
#scroll {{ position: relative; height: 70vh; overflow-y: auto; overflow-x: hidden; border: 1px solid #ccc; }}
#c {{ position: sticky; top: 0; display: block; cursor: grab; }}
#tip {{ position: fixed; display: none; background: #ffffe8; border: 1px solid #999; padding: 4px 6px; font: 12px monospace; pointer-events: none; white-space: pre; z-index: 2; }}
.tools button {{ margin-right: 4px; }}
table.logs {{ border-collapse: collapse; font: 12px monospace; }}
table.logs td, table.logs th {{ padding: 0 10px 0 0; vertical-align: top; text-align: left; }}
</style></head><body>
<h2>{title}</h2>
<p>{desc}</p>
<p><code>seed {seed} &middot; policy {policy} &middot; virtual time {elapsed} &middot; result {result}</code><br>
<code>replay: {replay}</code></p>
{failures}{cut}
<p class=legend><span><i class=sw style="background:#2e9d3a"></i>running</span><span><i class=sw style="background:#c9c9c9"></i>ready</span><span><i class=sw style="background:#7fb3e6"></i>sleeping</span><span><i class=sw style="background:#f0a04b"></i>blocked on X</span><span>&#9679; log line</span><span style="color:#d62728">&#9660; cancel requested</span><span style="color:#d62728">&#10005; cancelled</span><span>&#9646; returned</span><span style="color:#8e44ad">&#9670; timeout</span></p>
<p class=tools><button id=zin>zoom in</button><button id=zout>zoom out</button><button id=reset>whole run</button>
<label><input type=checkbox id=order> one step per event (order within an instant)</label>
<span id=status></span></p>
<noscript><p class=bad>The chart is drawn by this page's own inline script (the page fetches nothing); with JavaScript off, the tables of tasks and log lines below show the run.</p><style>#scroll, .tools, .hint {{ display: none; }}</style></noscript>
<div id=scroll><canvas id=c></canvas><div id=spacer></div></div>
<div id=tip></div>
<p class=hint>Scroll for more tasks; ctrl + wheel (or the buttons) zooms around the pointer, dragging pans, hovering shows details.</p>
<script id=data type="application/json">"##,
        title = esc(&info.name),
        desc = esc(&info.description),
        seed = info.seed,
        policy = esc(&info.policy),
        elapsed = esc(&info.elapsed),
        result = esc(&info.result),
        replay = esc(&info.replay),
    )?;
    write_data(tl, w)?;
    w.write_all(b"</script>\n<script>\n")?;
    w.write_all(SCRIPT.as_bytes())?;
    w.write_all(b"</script>\n")?;
    write_tasks(tl, w)?;
    write_logs(tl, w)?;
    w.write_all(b"</body></html>\n")
}

/// Each task's span and how it ended, as a table (the first [`MAX_LISTED_TASKS`]): what
/// the chart shows, readable without its script and searchable with the browser's find.
fn write_tasks(tl: &Timeline, w: &mut dyn Write) -> io::Result<()> {
    let n = tl.rows.len().min(MAX_LISTED_TASKS);
    // Per task: its first segment's start, its last segment (segments are in start order)
    // and its last end mark.
    let mut first = vec![None; n];
    let mut last: Vec<Option<&super::timeline::Segment>> = vec![None; n];
    let mut end: Vec<Option<&MarkKind>> = vec![None; n];
    for s in tl.segments.iter().filter(|s| s.row < n) {
        first[s.row].get_or_insert(s.t0);
        last[s.row] = Some(s);
    }
    for m in tl.marks.iter().filter(|m| m.row < n) {
        if !matches!(m.kind, MarkKind::Log(_) | MarkKind::Timeout) {
            end[m.row] = Some(&m.kind);
        }
    }
    writeln!(
        w,
        "<h3>Tasks ({})</h3>\n<table class=logs>\n<tr><th>task</th><th>from</th><th>to</th><th>how it ended</th></tr>",
        tl.rows.len()
    )?;
    for row in 0..n {
        let to = last[row].map_or(String::new(), |s| format!("t={}ms", s.t1));
        let how = match (end[row], last[row]) {
            (Some(MarkKind::Returned), _) => "returned".to_string(),
            (Some(MarkKind::Panicked(msg)), _) => format!("panicked: {msg}"),
            // A run's teardown (a deadlock, a limit) cancels what is left: say what each
            // task was waiting for, which the chart draws as a sliver at the end.
            (Some(MarkKind::Cancelled(Some(why))), Some(s)) => match &s.state {
                State::Blocked(on) => format!("cancelled: {why}, while blocked on {on}"),
                State::Sleeping(on) => format!("cancelled: {why}, while in {on}"),
                State::Ready | State::Running => format!("cancelled: {why}"),
            },
            (Some(MarkKind::Cancelled(Some(why))), None) => format!("cancelled: {why}"),
            (Some(MarkKind::Cancelled(None)), _) => "cancelled".to_string(),
            (Some(MarkKind::CancelRequested(by)), _) => {
                format!("cancellation requested ({by}), not delivered")
            }
            (_, Some(s)) => match &s.state {
                State::Ready => "still ready when the run ended".to_string(),
                State::Running => "running when the run ended".to_string(),
                State::Sleeping(on) => format!("still sleeping ({on})"),
                State::Blocked(on) => format!("still blocked on {on}"),
            },
            (_, None) => "never ran".to_string(),
        };
        writeln!(
            w,
            "<tr><td>{}</td><td>{}</td><td>{to}</td><td>{}</td></tr>",
            esc(&tl.rows[row]),
            first[row].map_or(String::new(), |t| format!("t={t}ms")),
            esc(&how)
        )?;
    }
    writeln!(w, "</table>")?;
    if tl.rows.len() > n {
        writeln!(
            w,
            "<p>... and {} more (all are drawn on the chart)</p>",
            tl.rows.len() - n
        )?;
    }
    Ok(())
}

/// The log lines as a table (the first [`MAX_LISTED_LOGS`]).
fn write_logs(tl: &Timeline, w: &mut dyn Write) -> io::Result<()> {
    let logs: Vec<_> = tl
        .marks
        .iter()
        .filter_map(|m| match &m.kind {
            MarkKind::Log(line) => Some((m.t, m.row, line)),
            _ => None,
        })
        .collect();
    writeln!(w, "<h3>Log lines ({})</h3>\n<table class=logs>", logs.len())?;
    for (t, row, line) in logs.iter().take(MAX_LISTED_LOGS) {
        writeln!(
            w,
            "<tr><td>t={t}ms</td><td>{}</td><td>{}</td></tr>",
            esc(&tl.rows[*row]),
            esc(line)
        )?;
    }
    writeln!(w, "</table>")?;
    if logs.len() > MAX_LISTED_LOGS {
        writeln!(
            w,
            "<p>... and {} more (all are drawn on the chart; `--format logs` prints them all)</p>",
            logs.len() - MAX_LISTED_LOGS
        )?;
    }
    Ok(())
}

/// Draws the chart: visible rows only, a linear axis with nice ticks, zoom, pan, tooltips.
const SCRIPT: &str = r#"(function () {
const D = JSON.parse(document.getElementById('data').textContent);
const ROW_H = 30, LABEL_W = 210, AXIS_H = 26, PAD = 12, BAR_Y = 19, LOG_Y = 8;
const COLORS = ['#c9c9c9', '#2e9d3a', '#7fb3e6', '#f0a04b'];
const STATES = ['ready', 'running', 'sleeping', 'blocked on '];
const MARKS = ['log', 'cancel requested by ', 'cancelled', 'returned', 'panicked: ', 'timeout fired'];
const canvas = document.getElementById('c'), ctx = canvas.getContext('2d');
const scroller = document.getElementById('scroll'), spacer = document.getElementById('spacer');
const tip = document.getElementById('tip'), status = document.getElementById('status');
const nRows = D.rows.length, NS = D.seg.length / 7, NM = D.marks.length / 5;
const rowSegs = Array.from({ length: nRows }, () => []);
for (let k = 0; k < NS; k++) rowSegs[D.seg[k * 7]].push(k);
const rowMarks = Array.from({ length: nRows }, () => []);
for (let k = 0; k < NM; k++) rowMarks[D.marks[k * 5]].push(k);
// A run that takes no virtual time (a deadlock at t=0) starts on the one-step-per-event axis.
let order = !(D.tEnd > 0), view = null, W = 0, H = 0, dpr = window.devicePixelRatio || 1;
document.getElementById('order').checked = order;
function extent() { return order ? [0, Math.max(D.nEvents, 1)] : [0, Math.max(D.tEnd, 1)]; }
function reset() { const e = extent(); view = [e[0], e[1] + (e[1] - e[0]) * 0.02]; }
function xOf(v) { return LABEL_W + (v - view[0]) / (view[1] - view[0]) * (W - LABEL_W - PAD); }
function vOf(x) { return view[0] + (x - LABEL_W) / (W - LABEL_W - PAD) * (view[1] - view[0]); }
function segSpan(k) { const b = k * 7; return order ? [D.seg[b + 4], D.seg[b + 5]] : [D.seg[b + 2], D.seg[b + 3]]; }
function markAt(k) { const b = k * 5; return order ? D.marks[b + 3] + 0.5 : D.marks[b + 2]; }
function niceStep(span) {
  const raw = span / Math.max(2, (W - LABEL_W) / 110), p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
function fmt(v) { return order ? '#' + Math.round(v) : (Math.abs(v) >= 1000 ? (v / 1000).toPrecision(6).replace(/\.?0+$/, '') + 's' : +v.toPrecision(6) + 'ms'); }
function resize() {
  scroller.style.height = Math.min(window.innerHeight * 0.7, AXIS_H + nRows * ROW_H + 2) + 'px';
  W = scroller.clientWidth; H = scroller.clientHeight;
  canvas.width = W * dpr; canvas.height = H * dpr; canvas.style.width = W + 'px'; canvas.style.height = H + 'px';
  spacer.style.height = Math.max(0, AXIS_H + nRows * ROW_H - H) + 'px';
  draw();
}
function first() { return Math.floor(scroller.scrollTop / ROW_H); }
function draw() {
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, W, H);
  ctx.font = '11px monospace'; ctx.textBaseline = 'middle';
  const f = first(), off = scroller.scrollTop - f * ROW_H;
  // Grid lines are drawn in each row under its bars, so they never cross a label.
  const step = niceStep(view[1] - view[0]), grid = [];
  for (let v = Math.ceil(view[0] / step) * step; v <= view[1]; v += step) { if (xOf(v) >= LABEL_W) grid.push(v); }
  for (let r = f; r < nRows && AXIS_H + (r - f) * ROW_H - off < H; r++) {
    const y = AXIS_H + (r - f) * ROW_H - off;
    ctx.fillStyle = r % 2 ? '#ffffff' : '#f5f5f5'; ctx.fillRect(0, y, W, ROW_H);
    ctx.strokeStyle = '#ddd'; ctx.lineWidth = 1; ctx.beginPath();
    for (const v of grid) { ctx.moveTo(xOf(v), y); ctx.lineTo(xOf(v), y + ROW_H); }
    ctx.stroke();
    ctx.save(); ctx.beginPath(); ctx.rect(LABEL_W, y, W - LABEL_W, ROW_H); ctx.clip();
    for (const k of rowSegs[r]) {
      const [a, b] = segSpan(k), x0 = xOf(a), x1 = xOf(b);
      if (x1 < LABEL_W || x0 > W) continue;
      const st = D.seg[k * 7 + 1], h = [6, 16, 12, 12][st];
      ctx.fillStyle = COLORS[st]; ctx.fillRect(x0, y + BAR_Y - h / 2, Math.max(1, x1 - x0), h);
      const t = D.seg[k * 7 + 6];
      if (t >= 0 && x1 - x0 > 60) {
        ctx.font = '10px monospace'; ctx.fillStyle = '#333';
        ctx.fillText(((st === 3 ? 'blocked on ' : '') + D.strings[t]).slice(0, Math.floor((x1 - Math.max(x0, LABEL_W) - 6) / 6)), Math.max(x0, LABEL_W) + 3, y + BAR_Y);
        ctx.font = '11px monospace';
      }
    }
    const ms = rowMarks[r];
    let labelEnd = 0;
    for (let j = 0; j < ms.length; j++) {
      const k = ms[j], kind = D.marks[k * 5 + 1], x = xOf(markAt(k)), cy = y + (kind === 0 ? LOG_Y : BAR_Y);
      if (x < LABEL_W - 10 || x > W + 10) continue;
      ctx.fillStyle = ['#222', '#d62728', '#d62728', '#111', '#d62728', '#8e44ad'][kind];
      if (kind === 0) {
        ctx.beginPath(); ctx.arc(x, cy, 3, 0, 7); ctx.fill();
        let room = W - x, last = true;
        for (let n = j + 1; n < ms.length; n++) { if (D.marks[ms[n] * 5 + 1] === 0) { room = xOf(markAt(ms[n])) - x; last = false; break; } }
        const s = D.strings[D.marks[k * 5 + 4]];
        let chars = Math.floor((room - 10) / 6.6), left = false;
        // The row's last line, cut by the chart's right edge, goes left of its dot when
        // all of it fits there (after the previous line's text).
        if (last && s.length > chars && Math.floor((x - Math.max(LABEL_W, labelEnd) - 10) / 6.6) >= s.length) {
          chars = s.length; left = true;
        }
        if (chars >= 3) {
          const txt = s.length > chars ? s.slice(0, chars - 1) + '\u2026' : s;
          ctx.fillStyle = '#000';
          if (left) { ctx.textAlign = 'right'; ctx.fillText(txt, x - 5, cy); ctx.textAlign = 'left'; }
          else { ctx.fillText(txt, x + 5, cy); labelEnd = x + 5 + txt.length * 6.6; }
        }
      } else if (kind === 1) { ctx.beginPath(); ctx.moveTo(x - 5, cy - 7); ctx.lineTo(x + 5, cy - 7); ctx.lineTo(x, cy + 1); ctx.fill(); }
      else if (kind === 2) { ctx.strokeStyle = '#d62728'; ctx.lineWidth = 2; ctx.beginPath(); ctx.moveTo(x - 4, cy - 4); ctx.lineTo(x + 4, cy + 4); ctx.moveTo(x + 4, cy - 4); ctx.lineTo(x - 4, cy + 4); ctx.stroke(); }
      else if (kind === 3) { ctx.fillRect(x - 1.5, cy - 7, 3, 14); }
      else if (kind === 4) { ctx.beginPath(); ctx.arc(x, cy, 6, 0, 7); ctx.fill(); }
      else { ctx.beginPath(); ctx.moveTo(x, cy - 6); ctx.lineTo(x + 6, cy); ctx.lineTo(x, cy + 6); ctx.lineTo(x - 6, cy); ctx.fill(); }
    }
    ctx.restore();
    ctx.fillStyle = r % 2 ? '#ffffff' : '#f5f5f5'; ctx.fillRect(0, y, LABEL_W, ROW_H);
    ctx.fillStyle = '#222'; ctx.fillText(D.rows[r].slice(0, 30), 6, y + ROW_H / 2);
  }
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, W, AXIS_H);
  ctx.strokeStyle = '#ddd'; ctx.lineWidth = 1; ctx.fillStyle = '#555';
  for (const v of grid) {
    const x = xOf(v);
    ctx.beginPath(); ctx.moveTo(x, AXIS_H - 6); ctx.lineTo(x, AXIS_H); ctx.stroke();
    ctx.fillText(fmt(v), x + 2, AXIS_H / 2);
  }
  ctx.fillText(order ? 'events' : 'virtual time', 6, AXIS_H / 2);
  status.textContent = nRows + ' tasks, ' + NS + ' segments, ' + NM + ' marks; showing ' + fmt(view[0]) + ' to ' + fmt(view[1]);
}
function zoom(factor, x) {
  const c = vOf(x === undefined ? (LABEL_W + W) / 2 : x), e = extent();
  let a = c - (c - view[0]) * factor, b = c + (view[1] - c) * factor;
  const min = order ? 4 : Math.max(e[1] * 1e-9, 1e-6);
  if (b - a < min) { a = c - min / 2; b = c + min / 2; }
  view = [Math.max(e[0] - (e[1] - e[0]), a), Math.min(e[1] * 2 + 1, b)]; draw();
}
document.getElementById('zin').onclick = () => zoom(0.5);
document.getElementById('zout').onclick = () => zoom(2);
document.getElementById('reset').onclick = () => { reset(); draw(); };
document.getElementById('order').onchange = (ev) => { order = ev.target.checked; reset(); draw(); };
scroller.addEventListener('scroll', draw);
canvas.addEventListener('wheel', (ev) => {
  if (!(ev.ctrlKey || ev.metaKey)) return;
  ev.preventDefault(); zoom(ev.deltaY > 0 ? 1.25 : 0.8, ev.offsetX);
}, { passive: false });
let drag = null;
canvas.addEventListener('mousedown', (ev) => { drag = [ev.clientX, view.slice()]; canvas.style.cursor = 'grabbing'; });
window.addEventListener('mouseup', () => { drag = null; canvas.style.cursor = 'grab'; });
window.addEventListener('mousemove', (ev) => {
  if (drag) { const d = (ev.clientX - drag[0]) / (W - LABEL_W - PAD) * (drag[1][1] - drag[1][0]); view = [drag[1][0] - d, drag[1][1] - d]; draw(); }
});
canvas.addEventListener('mousemove', (ev) => {
  const r = first() + Math.floor((ev.offsetY - AXIS_H + (scroller.scrollTop - first() * ROW_H)) / ROW_H);
  let text = null;
  if (ev.offsetY > AXIS_H && r >= 0 && r < nRows && ev.offsetX > LABEL_W) {
    for (const k of rowMarks[r]) {
      if (Math.abs(xOf(markAt(k)) - ev.offsetX) <= 5) {
        const kind = D.marks[k * 5 + 1], s = D.marks[k * 5 + 4];
        text = D.rows[r] + ' t=' + D.marks[k * 5 + 2] + 'ms event ' + D.marks[k * 5 + 3] + '\n' + MARKS[kind] + (kind === 0 ? ': ' : '') + (s < 0 ? '' : kind === 2 ? ' (' + D.strings[s] + ')' : D.strings[s]);
      }
    }
    if (text === null) for (const k of rowSegs[r]) {
      const [a, b] = segSpan(k);
      if (xOf(a) - 1 <= ev.offsetX && ev.offsetX <= Math.max(xOf(b), xOf(a) + 1) + 1) {
        const b7 = k * 7, st = D.seg[b7 + 1], s = D.seg[b7 + 6];
        text = D.rows[r] + ' t=' + D.seg[b7 + 2] + '..' + D.seg[b7 + 3] + 'ms events ' + D.seg[b7 + 4] + '..' + D.seg[b7 + 5] + '\n' + (st === 2 ? '' : STATES[st]) + (s >= 0 ? D.strings[s] : '');
      }
    }
  } else if (ev.offsetX <= LABEL_W && r >= 0 && r < nRows && ev.offsetY > AXIS_H) text = D.rows[r];
  if (text) { tip.textContent = text; tip.style.display = 'block'; tip.style.left = (ev.clientX + 12) + 'px'; tip.style.top = (ev.clientY + 12) + 'px'; }
  else tip.style.display = 'none';
});
canvas.addEventListener('mouseleave', () => { tip.style.display = 'none'; });
window.addEventListener('resize', resize);
reset(); resize();
})();
"#;
