//! A self-contained HTML page with an SVG timeline: one row per task, segments coloured by
//! state, marks for logs, cancellations and ends. Hover shows details.

use std::fmt::Write as _;

use super::RunInfo;
use super::timeline::{MarkKind, State, Timeline};

const LABEL_W: f64 = 220.0;
const ROW_H: f64 = 26.0;
const TOP: f64 = 40.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The x position of each event: a small step per event plus time proportional to the
/// virtual clock, so simultaneous events stay in order and sleeps show their length.
fn positions(tl: &Timeline) -> Vec<f64> {
    let n = tl.times.len().max(1) as f64;
    let step = (450.0 / n).clamp(0.5, 8.0);
    let total_t = tl.times.last().copied().unwrap_or(0.0);
    let scale = if total_t > 0.0 { 600.0 / total_t } else { 0.0 };
    let mut xs = Vec::with_capacity(tl.times.len());
    let mut x = LABEL_W + 10.0;
    let mut prev = 0.0;
    for &t in &tl.times {
        x += step + (t - prev) * scale;
        prev = t;
        xs.push(x);
    }
    xs
}

/// Writes the document to `w`.
pub fn write(tl: &Timeline, info: &RunInfo, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    w.write_all(render(tl, info).as_bytes())
}

/// Renders the page.
fn render(tl: &Timeline, info: &RunInfo) -> String {
    let xs = positions(tl);
    let x = |i: usize| xs.get(i).copied().unwrap_or(LABEL_W + 10.0);
    let width = xs.last().copied().unwrap_or(LABEL_W) + 40.0;
    let height = TOP + ROW_H * tl.rows.len() as f64 + 30.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" font-family="monospace" font-size="12">"#
    );
    // Time axis: a tick where the clock moves.
    let mut last_t = -1.0;
    let mut last_x = -100.0;
    for (i, &t) in tl.times.iter().enumerate() {
        if t != last_t && x(i) - last_x > 50.0 {
            let _ = writeln!(
                svg,
                r##"<line x1="{0:.1}" y1="{1}" x2="{0:.1}" y2="{2:.0}" stroke="#ddd"/><text x="{0:.1}" y="{3}" fill="#555">{4}ms</text>"##,
                x(i),
                TOP - 12.0,
                height - 20.0,
                TOP - 16.0,
                t
            );
            last_x = x(i);
        }
        last_t = t;
    }
    for (r, label) in tl.rows.iter().enumerate() {
        let y = TOP + ROW_H * r as f64;
        let fill = if r % 2 == 0 { "#f7f7f7" } else { "#ffffff" };
        let _ = writeln!(
            svg,
            r#"<rect x="0" y="{y}" width="{width:.0}" height="{ROW_H}" fill="{fill}"/>"#
        );
        let _ = writeln!(
            svg,
            r#"<text x="6" y="{:.0}">{}</text>"#,
            y + 17.0,
            esc(label)
        );
    }
    for s in &tl.segments {
        let y = TOP + ROW_H * s.row as f64;
        let (x0, x1) = (x(s.start), x(s.end));
        let (color, h, what) = match &s.state {
            State::Ready => ("#c9c9c9", 6.0, "ready".to_string()),
            State::Running => ("#2e9d3a", 18.0, "running".to_string()),
            State::Sleeping(on) => ("#7fb3e6", 12.0, on.clone()),
            State::Blocked(on) => ("#f0a04b", 12.0, format!("blocked on {on}")),
        };
        let w = (x1 - x0).max(2.0);
        let _ = writeln!(
            svg,
            r#"<rect x="{x0:.1}" y="{:.1}" width="{w:.1}" height="{h}" fill="{color}"><title>{} t={}..{}ms: {}</title></rect>"#,
            y + (ROW_H - h) / 2.0,
            esc(&tl.rows[s.row]),
            s.t0,
            s.t1,
            esc(&what)
        );
        // The label names what is waited on; who holds it is in the hover text.
        let short = |on: &str| on.split(" held by ").next().unwrap_or(on).to_string();
        if let State::Blocked(on) | State::Sleeping(on) = &s.state
            && let on = &short(on)
            && x1 - x0 > 7.0 * on.len() as f64 + 80.0
        {
            let prefix = if matches!(s.state, State::Blocked(_)) {
                "blocked on "
            } else {
                ""
            };
            let _ = writeln!(
                svg,
                r##"<text x="{:.1}" y="{:.0}" font-size="10" fill="#333">{}{}</text>"##,
                x0 + 4.0,
                y + 17.0,
                prefix,
                esc(on)
            );
        }
    }
    for m in &tl.marks {
        let y = TOP + ROW_H * m.row as f64 + ROW_H / 2.0;
        let cx = x(m.at);
        let who = esc(&tl.rows[m.row]);
        match &m.kind {
            MarkKind::Log(line) => {
                let _ = writeln!(
                    svg,
                    r##"<circle cx="{cx:.1}" cy="{:.1}" r="3" fill="#333"><title>{who} t={}ms log: {}</title></circle>"##,
                    y - 9.0,
                    m.t,
                    esc(line)
                );
            }
            MarkKind::CancelRequested(by) => {
                let _ = writeln!(
                    svg,
                    r##"<path d="M{:.1} {:.1} l5 -8 l-10 0 z" fill="#d62728"><title>{who} t={}ms cancel requested by {}</title></path>"##,
                    cx,
                    y - 4.0,
                    m.t,
                    esc(by)
                );
            }
            MarkKind::Cancelled => {
                let _ = writeln!(
                    svg,
                    r##"<path d="M{a:.1} {b:.1} l8 8 m0 -8 l-8 8" stroke="#d62728" stroke-width="2.5"><title>{who} t={}ms cancelled</title></path>"##,
                    m.t,
                    a = cx - 4.0,
                    b = y - 4.0
                );
            }
            MarkKind::Returned => {
                let _ = writeln!(
                    svg,
                    r##"<rect x="{:.1}" y="{:.1}" width="3" height="16" fill="#111"><title>{who} t={}ms returned</title></rect>"##,
                    cx - 1.5,
                    y - 8.0,
                    m.t
                );
            }
            MarkKind::Timeout => {
                let _ = writeln!(
                    svg,
                    r##"<path d="M{:.1} {:.1} l6 6 l-6 6 l-6 -6 z" fill="#8e44ad"><title>{who} t={}ms timeout fired</title></path>"##,
                    cx,
                    y - 6.0,
                    m.t
                );
            }
            MarkKind::Panicked(msg) => {
                let _ = writeln!(
                    svg,
                    r##"<circle cx="{cx:.1}" cy="{y:.1}" r="6" fill="#d62728"><title>{who} t={}ms panicked: {}</title></circle>"##,
                    m.t,
                    esc(msg)
                );
            }
        }
    }
    svg.push_str("</svg>\n");
    let failures = if info.failures.is_empty() {
        "<p class=ok>all expectations hold</p>".to_string()
    } else {
        let items: Vec<String> = info
            .failures
            .iter()
            .map(|f| format!("<li>{}</li>", esc(f)))
            .collect();
        format!(
            "<p class=bad>expectations failed:</p><ul class=bad>{}</ul>",
            items.join("")
        )
    };
    format!(
        r##"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - simloop timeline</title>
<style>
body {{ font-family: sans-serif; margin: 16px; color: #222; }}
code, pre {{ font-family: monospace; }}
.legend span {{ display: inline-block; margin-right: 14px; }}
.sw {{ display: inline-block; width: 14px; height: 10px; margin-right: 4px; vertical-align: middle; }}
.ok {{ color: #2e7d32; }} .bad {{ color: #c62828; }}
.chart {{ overflow-x: auto; border: 1px solid #ccc; }}
</style></head><body>
<h2>{title}</h2>
<p>{desc}</p>
<p><code>seed {seed} &middot; policy {policy} &middot; virtual time {elapsed} &middot; result {result}</code><br>
<code>replay: sim replay {path} {token}</code></p>
{failures}
<p class=legend><span><i class=sw style="background:#2e9d3a"></i>running</span><span><i class=sw style="background:#c9c9c9"></i>ready</span><span><i class=sw style="background:#7fb3e6"></i>sleeping</span><span><i class=sw style="background:#f0a04b"></i>blocked on X</span><span>&#9679; log line</span><span style="color:#d62728">&#9660; cancel requested</span><span style="color:#d62728">&#10005; cancelled</span><span>&#9646; returned</span><span style="color:#8e44ad">&#9670; timeout</span></p>
<div class=chart>
{svg}</div>
<p>Hover a segment or mark for details. x: one small step per event plus virtual time.</p>
</body></html>
"##,
        title = esc(&info.name),
        desc = esc(&info.description),
        seed = info.seed,
        policy = esc(&info.policy),
        elapsed = esc(&info.elapsed),
        result = esc(&info.result),
        path = esc(&info.path),
        token = esc(&info.token),
    )
}
