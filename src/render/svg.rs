//! Charts for the HTML memo, drawn as inline SVG: no script, no chart service,
//! no external fetch.
//!
//! This module owns chart geometry only: plot areas, axis ranges and ticks,
//! pixel coordinates. Every plotted value and every value label comes from the
//! caller, which takes them from the report. Series and bars are told apart by
//! dash patterns, markers and hatching, not by colour alone, so a chart still
//! reads when printed in grey.

use std::fmt::Write as _;

use crate::format;

/// How an axis labels its ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AxisKind {
    /// Dollars, ticks like "$25,000".
    Money,
    /// A count such as tokens per day; large ranges are shown in thousands,
    /// millions or billions, and the axis title says which.
    Count,
    /// Months of the timeline, whole numbers.
    Month,
    /// A fraction shown as a percentage, ticks like "10%".
    Percent,
}

/// An axis: its title (with the unit) and how its ticks read.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub title: String,
    pub kind: AxisKind,
}

/// The stroke of a line series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
}

/// The marker drawn at each point of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
}

/// One line of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    pub dash: Dash,
    pub marker: Marker,
}

/// A vertical reference line at an x value, with its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub x: f64,
    pub label: String,
    pub dash: Dash,
}

/// A single labelled point, drawn as a short horizontal tick with a marker
/// and its label beside it (such as an option's cost at today's volume).
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub label: String,
    pub marker: Marker,
}

/// A line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// Prefix for element ids, unique within the page.
    pub id: String,
    /// Read by screen readers and shown as a tooltip.
    pub title: String,
    pub x: Axis,
    pub y: Axis,
    pub series: Vec<Series>,
    pub marks: Vec<Mark>,
    /// Labelled points apart from the series.
    pub points: Vec<Point>,
    /// A line of text under the legend, such as "no payback within the lifetime".
    pub note: Option<String>,
}

/// The fill of a bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    Solid,
    Light,
    Hatch,
    CrossHatch,
    Dots,
    Outline,
}

/// One bar of a horizontal bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// The value as the reader should see it, formatted by the caller.
    pub value_text: String,
    pub fill: Fill,
}

/// A horizontal bar chart over a signed value axis.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub id: String,
    pub title: String,
    pub axis: Axis,
    pub bars: Vec<Bar>,
}

/// One column of a histogram: the value over `(lo, hi]` of the x axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub lo: f64,
    pub hi: f64,
    pub value: f64,
}

/// A histogram: columns over a continuous x axis, and optionally one column
/// set apart at the right for what the axis cannot place (such as "never").
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub id: String,
    pub title: String,
    pub x: Axis,
    pub y: Axis,
    pub columns: Vec<Column>,
    pub fill: Fill,
    /// The column apart; a `\n` in its label breaks the line.
    pub apart: Option<Bar>,
    pub marks: Vec<Mark>,
    pub note: Option<String>,
}

/// One input's bar of a tornado chart: the result with the input at its low
/// end and at its high end, each labelled with the input's value there.
#[derive(Debug, Clone, PartialEq)]
pub struct Swing {
    pub label: String,
    pub at_low: f64,
    pub low_text: String,
    pub at_high: f64,
    pub high_text: String,
}

/// A tornado chart: a horizontal bar per input from the result at its low
/// end to the result at its high end, split at the base result.
#[derive(Debug, Clone, PartialEq)]
pub struct Tornado {
    pub id: String,
    pub title: String,
    pub axis: Axis,
    /// The bars, top to bottom, in the order given.
    pub swings: Vec<Swing>,
    /// The result with every input at its base value: where the bars split.
    pub base: f64,
    /// Reference lines, the base among them if it should be labelled.
    pub marks: Vec<Mark>,
    /// Legend text for the part of a bar towards the input's low end.
    pub low_legend: String,
    /// Legend text for the part of a bar towards the input's high end.
    pub high_legend: String,
}

/// The width of every chart, in CSS pixels.
pub const WIDTH: f64 = 720.0;
const LINE_HEIGHT: f64 = 380.0;
const FONT: &str = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\"";
const INK: &str = "#1b1b1b";
const GRID: &str = "#d0d0d0";

/// Escapes text for SVG element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A numeric coordinate for SVG: finite, two decimals at most.
fn px(x: f64) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// Tick positions covering `[lo, hi]` with a round step: 1, 2 or 5 × 10^k.
/// Returns the ticks (first ≤ lo, last ≥ hi) and the step.
pub fn nice_ticks(lo: f64, hi: f64, target: usize, integer: bool) -> (Vec<f64>, f64) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo.min(hi), lo.max(hi))
    } else {
        (0.0, 1.0)
    };
    let (lo, hi) = if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        if lo == 0.0 {
            (0.0, 1.0)
        } else {
            (lo.min(0.0), hi.max(0.0) + lo.abs() * 0.1)
        }
    } else {
        (lo, hi)
    };
    let raw = (hi - lo) / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    if integer {
        step = step.max(1.0).round();
    }
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    let ticks = (0..=(last - first) as i64)
        .map(|k| (first + k as f64) * step)
        .map(|t| if t == 0.0 { 0.0 } else { t })
        .collect();
    (ticks, step)
}

/// The divisor and the word for it on a count axis spanning up to `max_abs`.
fn count_scale(max_abs: f64) -> (f64, &'static str) {
    if max_abs >= 1e9 {
        (1e9, "billion")
    } else if max_abs >= 1e6 {
        (1e6, "million")
    } else if max_abs >= 1e4 {
        (1e3, "thousand")
    } else {
        (1.0, "")
    }
}

/// A count axis's title with its scale said once, inside its unit:
/// "Volume (tokens per day)" in millions reads "Volume (million tokens per
/// day)"; a title without a unit in brackets gains one: "Requests
/// (millions)".
fn scaled_title(title: &str, scale_word: &str) -> String {
    if scale_word.is_empty() {
        return title.to_string();
    }
    match title.rsplit_once(" (") {
        Some((name, unit)) if unit.ends_with(')') => format!("{name} ({scale_word} {unit}"),
        _ => format!("{title} ({scale_word}s)"),
    }
}

/// Decimals needed to tell ticks `step` apart.
fn decimals_for(step: f64) -> usize {
    if step >= 1.0 || step <= 0.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    }
}

/// An axis's ticks and how they are labelled.
/// Horizontal grid lines at a scale's ticks, with their labels on the left;
/// with `ink_zero`, the zero line is drawn in ink.
fn y_grid(
    out: &mut String,
    scale: &Scale,
    fy: impl Fn(f64) -> f64,
    left: f64,
    right: f64,
    ink_zero: bool,
) {
    for (t, label) in scale.ticks.iter().zip(&scale.labels) {
        let y = fy(*t);
        let stroke = if ink_zero && *t == 0.0 { INK } else { GRID };
        let _ = write!(
            out,
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{stroke}\" stroke-width=\"1\"/>\
<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            px(left),
            px(right),
            px(left - 8.0),
            px(y + 4.0),
            escape(label),
            y = px(y),
        );
    }
}

/// Vertical lines at a scale's ticks from `from_y` to just below `bottom`,
/// labelled under the axis. Drawn from the axis (`from_y == bottom`) they
/// are tick marks in ink; from the top they are grid lines, grey but for the
/// zero line when `ink_zero`.
fn x_ticks(
    out: &mut String,
    scale: &Scale,
    fx: impl Fn(f64) -> f64,
    from_y: f64,
    bottom: f64,
    ink_zero: bool,
) {
    for (t, label) in scale.ticks.iter().zip(&scale.labels) {
        let x = fx(*t);
        let stroke = if from_y == bottom || (ink_zero && *t == 0.0) {
            INK
        } else {
            GRID
        };
        let _ = write!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{stroke}\" stroke-width=\"1\"/>\
<text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            px(from_y),
            px(bottom + 5.0),
            px(bottom + 19.0),
            escape(label),
            x = px(x),
        );
    }
}

struct Scale {
    ticks: Vec<f64>,
    labels: Vec<String>,
    title: String,
    lo: f64,
    hi: f64,
}

impl Scale {
    fn new(axis: &Axis, lo_data: f64, hi_data: f64, target: usize) -> Scale {
        let (ticks, step) = nice_ticks(lo_data, hi_data, target, axis.kind == AxisKind::Month);
        let max_abs = ticks.iter().fold(0.0f64, |m, t| m.max(t.abs()));
        let (labels, title) = match axis.kind {
            AxisKind::Money => {
                let labels: Vec<String> = ticks
                    .iter()
                    .map(|t| {
                        if step < 1.0 {
                            format::money(*t)
                        } else {
                            format::money0(*t)
                        }
                    })
                    .collect();
                (labels, axis.title.clone())
            }
            AxisKind::Count => {
                let (div, scale_word) = count_scale(max_abs);
                let decimals = decimals_for(step / div);
                let labels = ticks
                    .iter()
                    .map(|t| format::grouped(t / div, decimals))
                    .collect();
                (labels, scaled_title(&axis.title, scale_word))
            }
            AxisKind::Month => (
                ticks.iter().map(|t| format::grouped(*t, 0)).collect(),
                axis.title.clone(),
            ),
            AxisKind::Percent => {
                let decimals = decimals_for(step * 100.0);
                let labels = ticks
                    .iter()
                    .map(|t| format!("{}%", format::grouped(t * 100.0, decimals)))
                    .collect();
                (labels, axis.title.clone())
            }
        };
        let (mut lo, mut hi) = (
            *ticks.first().unwrap_or(&0.0),
            *ticks.last().unwrap_or(&1.0),
        );
        let (mut ticks, mut labels) = (ticks, labels);
        if axis.kind == AxisKind::Month && hi_data > lo_data {
            // Months end where the timeline ends: no empty months after it.
            (lo, hi) = (lo_data, hi_data);
            let keep: Vec<bool> = ticks.iter().map(|t| *t >= lo && *t <= hi).collect();
            let mut k = keep.iter();
            ticks.retain(|_| *k.next().unwrap_or(&false));
            let mut k = keep.iter();
            labels.retain(|_| *k.next().unwrap_or(&false));
        }
        Scale {
            ticks,
            labels,
            title,
            lo,
            hi: if hi > lo { hi } else { lo + 1.0 },
        }
    }

    /// Maps a value onto `[from, to]` pixels.
    fn map(&self, v: f64, from: f64, to: f64) -> f64 {
        from + (v - self.lo) / (self.hi - self.lo) * (to - from)
    }
}

fn dash_attr(dash: Dash) -> &'static str {
    match dash {
        Dash::Solid => "",
        Dash::Dashed => " stroke-dasharray=\"9 5\"",
        Dash::Dotted => " stroke-dasharray=\"2 4\"",
    }
}

fn marker(out: &mut String, m: Marker, x: f64, y: f64) {
    let _ = match m {
        Marker::Circle => write!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"#ffffff\" stroke=\"{INK}\" stroke-width=\"1.8\"/>",
            px(x),
            px(y)
        ),
        Marker::Square => write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"8\" height=\"8\" fill=\"{INK}\"/>",
            px(x - 4.0),
            px(y - 4.0)
        ),
        Marker::Triangle => write!(
            out,
            "<path d=\"M{} {}L{} {}L{} {}Z\" fill=\"{INK}\"/>",
            px(x),
            px(y - 5.0),
            px(x + 5.0),
            px(y + 4.0),
            px(x - 5.0),
            px(y + 4.0)
        ),
        Marker::Diamond => write!(
            out,
            "<path d=\"M{} {}L{} {}L{} {}L{} {}Z\" fill=\"#ffffff\" stroke=\"{INK}\" stroke-width=\"1.8\"/>",
            px(x),
            px(y - 6.0),
            px(x + 6.0),
            px(y),
            px(x),
            px(y + 6.0),
            px(x - 6.0),
            px(y)
        ),
    };
}

fn open_svg(out: &mut String, id: &str, title: &str, height: f64) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" class=\"chart\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-title\" {FONT} font-size=\"12\" fill=\"{INK}\">\
<title id=\"{id}-title\">{title}</title>\
<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>",
        id = escape(id),
        title = escape(title),
        w = px(WIDTH),
        h = px(height),
    );
}

/// Room on the left for the longest y tick label and the axis title.
fn left_margin(yscale: &Scale) -> f64 {
    let longest = yscale
        .labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    (34.0 + 7.2 * longest as f64).max(72.0)
}

/// The x and y axes of a plot with their titles.
fn axes(
    out: &mut String,
    xscale: &Scale,
    yscale: &Scale,
    (left, right, top, bottom): (f64, f64, f64, f64),
    height: f64,
) {
    let _ = write!(
        *out,
        "<line x1=\"{l}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"{INK}\" stroke-width=\"1.2\"/>\
<line x1=\"{l}\" y1=\"{t}\" x2=\"{l}\" y2=\"{b}\" stroke=\"{INK}\" stroke-width=\"1.2\"/>\
<text x=\"{cx}\" y=\"{xt}\" text-anchor=\"middle\" font-weight=\"600\">{xtitle}</text>\
<text transform=\"translate(16 {cy}) rotate(-90)\" text-anchor=\"middle\" font-weight=\"600\">{ytitle}</text>",
        l = px(left),
        r = px(right),
        t = px(top),
        b = px(bottom),
        cx = px((left + right) / 2.0),
        xt = px(height - 14.0),
        cy = px((top + bottom) / 2.0),
        xtitle = escape(&xscale.title),
        ytitle = escape(&yscale.title),
    );
}

/// A note in italics at the given place, if there is one.
fn note(out: &mut String, note: Option<&str>, x: f64, y: f64) {
    if let Some(note) = note {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" font-style=\"italic\">{}</text>",
            px(x),
            px(y),
            escape(note)
        );
    }
}

/// A line chart's series: the line through its points and a marker on each.
fn series_line(out: &mut String, s: &Series, fx: &impl Fn(f64) -> f64, fy: &impl Fn(f64) -> f64) {
    let pts: Vec<(f64, f64)> = s
        .points
        .iter()
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .map(|p| (fx(p.0), fy(p.1)))
        .collect();
    if pts.is_empty() {
        return;
    }
    let d: Vec<String> = pts
        .iter()
        .enumerate()
        .map(|(k, p)| format!("{}{} {}", if k == 0 { "M" } else { "L" }, px(p.0), px(p.1)))
        .collect();
    let _ = write!(
        *out,
        "<path d=\"{}\" fill=\"none\" stroke=\"{INK}\" stroke-width=\"2.2\"{}/>",
        d.join(""),
        dash_attr(s.dash)
    );
    for p in &pts {
        marker(out, s.marker, p.0, p.1);
    }
}

/// The legend above a line chart: line sample, marker, label per series.
fn series_legend(out: &mut String, series: &[Series], left: f64) {
    let mut lx = left;
    for s in series {
        let _ = write!(
            *out,
            "<line x1=\"{}\" y1=\"20\" x2=\"{}\" y2=\"20\" stroke=\"{INK}\" stroke-width=\"2.2\"{}/>",
            px(lx),
            px(lx + 36.0),
            dash_attr(s.dash)
        );
        marker(out, s.marker, lx + 18.0, 20.0);
        let _ = write!(
            *out,
            "<text x=\"{}\" y=\"24\">{}</text>",
            px(lx + 44.0),
            escape(&s.label)
        );
        lx += 44.0 + 7.0 * s.label.chars().count() as f64 + 24.0;
    }
}

/// Draws a line chart.
pub fn line_chart(chart: &LineChart) -> String {
    let height = LINE_HEIGHT;
    let xs = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .chain(chart.marks.iter().map(|m| m.x))
        .chain(chart.points.iter().map(|p| p.x))
        .filter(|v| v.is_finite());
    let (x_lo, x_hi) = bounds(xs, false);
    let ys = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .chain(chart.points.iter().map(|p| p.y))
        .filter(|v| v.is_finite());
    let (y_lo, y_hi) = bounds(ys, true);
    let xscale = Scale::new(&chart.x, x_lo, x_hi, 8);
    let yscale = Scale::new(&chart.y, y_lo, y_hi, 6);
    let left = left_margin(&yscale);
    let (right, top, bottom) = (WIDTH - 40.0, 64.0, height - 56.0);
    let fx = |v: f64| xscale.map(v, left, right);
    let fy = |v: f64| yscale.map(v, bottom, top);

    let mut out = String::new();
    open_svg(&mut out, &chart.id, &chart.title, height);

    // Grid and y ticks.
    y_grid(&mut out, &yscale, fy, left, right, true);
    // X ticks.
    x_ticks(&mut out, &xscale, fx, bottom, bottom, false);
    // Axes and their titles.
    axes(
        &mut out,
        &xscale,
        &yscale,
        (left, right, top, bottom),
        height,
    );
    // Reference lines, their labels staggered so two never overlap.
    let marks: Vec<(f64, &Mark)> = chart
        .marks
        .iter()
        .filter(|m| m.x.is_finite())
        .map(|m| (fx(m.x), m))
        .collect();
    reference_lines(&mut out, &marks, top + 12.0, bottom, left, right);
    for s in &chart.series {
        series_line(&mut out, s, &fx, &fy);
    }
    let lines: Vec<Vec<(f64, f64)>> = chart
        .series
        .iter()
        .map(|s| {
            s.points
                .iter()
                .filter(|p| p.0.is_finite() && p.1.is_finite())
                .map(|p| (fx(p.0), fy(p.1)))
                .collect()
        })
        .collect();
    labelled_points(
        &mut out,
        &chart.points,
        &fx,
        &fy,
        &lines,
        // Below the reference lines' labels, a row each.
        (left, right, top + 15.0 * marks.len() as f64, bottom),
    );
    series_legend(&mut out, &chart.series, left);
    note(&mut out, chart.note.as_deref(), left, 44.0);
    out.push_str("</svg>");
    out
}

/// Whether a polyline passes through the box `(x0, x1, y0, y1)`.
fn crosses_box(line: &[(f64, f64)], (x0, x1, y0, y1): (f64, f64, f64, f64)) -> bool {
    line.windows(2).any(|w| {
        let ((ax, ay), (bx, by)) = (w[0], w[1]);
        let (lo, hi) = (ax.min(bx).max(x0), ax.max(bx).min(x1));
        if lo > hi {
            return false;
        }
        let at = |x: f64| {
            if (bx - ax).abs() < f64::EPSILON {
                ay
            } else {
                ay + (by - ay) * (x - ax) / (bx - ax)
            }
        };
        let (ya, yb) = if (bx - ax).abs() < f64::EPSILON {
            (ay.min(by), ay.max(by))
        } else {
            (at(lo).min(at(hi)), at(lo).max(at(hi)))
        };
        ya <= y1 && yb >= y0
    })
}

/// Draws labelled points: a short horizontal tick through each, its marker,
/// and its label beside it (right of the point in the left half of the plot,
/// left of it in the right half), the labels pushed apart so none overlap
/// and, as a block, moved up or down clear of the series' `lines` (with a
/// thin leader from each point to its label when they moved).
fn labelled_points(
    out: &mut String,
    points: &[Point],
    fx: &dyn Fn(f64) -> f64,
    fy: &dyn Fn(f64) -> f64,
    lines: &[Vec<(f64, f64)>],
    (left, right, top, bottom): (f64, f64, f64, f64),
) {
    const GAP: f64 = 15.0;
    let mut placed: Vec<(f64, f64, &Point)> = points
        .iter()
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .map(|p| (fx(p.x), fy(p.y), p))
        .collect();
    placed.sort_by(|a, b| a.1.total_cmp(&b.1));
    // Label baselines: at each point, moved down where they would overlap,
    // then back up where they would leave the plot.
    let mut label_y: Vec<f64> = Vec::with_capacity(placed.len());
    for (_, y, _) in &placed {
        let y = match label_y.last() {
            Some(prev) => y.max(prev + GAP),
            None => *y,
        };
        label_y.push(y);
    }
    let mut limit = bottom - 4.0;
    for y in label_y.iter_mut().rev() {
        *y = y.min(limit);
        limit = *y - GAP;
    }
    // Each label's text box with the block moved by `dy`.
    let text_x = |x: f64| {
        if x <= (left + right) / 2.0 {
            ("start", x + 18.0)
        } else {
            ("end", x - 18.0)
        }
    };
    let boxes = |dy: f64| -> Vec<(f64, f64, f64, f64)> {
        placed
            .iter()
            .zip(&label_y)
            .map(|((x, _, p), ly)| {
                let (anchor, tx) = text_x(*x);
                let width = 7.0 * p.label.chars().count() as f64;
                let (x0, x1) = if anchor == "start" {
                    (tx, tx + width)
                } else {
                    (tx - width, tx)
                };
                let base = ly + dy + 4.0;
                (x0, x1, base - 11.0, base + 3.0)
            })
            .collect()
    };
    let clear = |dy: f64| {
        let b = boxes(dy);
        b.iter()
            .all(|(_, _, y0, y1)| *y0 >= top && *y1 <= bottom - 2.0)
            && b.iter()
                .all(|bx| lines.iter().all(|line| !crosses_box(line, *bx)))
    };
    let shift = (0..=12)
        .flat_map(|k| [-(k as f64) * 8.0, k as f64 * 8.0])
        .find(|dy| clear(*dy))
        .unwrap_or(0.0);
    for ((x, y, p), ly) in placed.iter().zip(label_y) {
        let ly = ly + shift;
        if shift != 0.0 {
            let (_, tx) = text_x(*x);
            let _ = write!(
                out,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{GRID}\" stroke-width=\"1\"/>",
                px(*x),
                px(*y),
                px(tx - (tx - x).signum() * 3.0),
                px(ly),
            );
        }
        let _ = write!(
            out,
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{INK}\" stroke-width=\"2.2\"/>",
            px(x - 12.0),
            px(x + 12.0),
            y = px(*y),
        );
        marker(out, p.marker, *x, *y);
        let (anchor, tx) = if *x <= (left + right) / 2.0 {
            ("start", x + 18.0)
        } else {
            ("end", x - 18.0)
        };
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"4\" stroke-linejoin=\"round\">{}</text>",
            px(tx),
            px(ly.max(top + 10.0) + 4.0),
            escape(&p.label)
        );
    }
}

/// The low and high of some values; with `with_zero` the range includes 0.
fn bounds(values: impl Iterator<Item = f64>, with_zero: bool) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if with_zero {
        (lo.min(0.0), hi.max(0.0))
    } else {
        (lo, hi)
    }
}

fn patterns(out: &mut String, id: &str) {
    let _ = write!(
        out,
        "<defs>\
<pattern id=\"{id}-hatch\" width=\"7\" height=\"7\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
<rect width=\"7\" height=\"7\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"7\" stroke=\"{INK}\" stroke-width=\"2.2\"/></pattern>\
<pattern id=\"{id}-cross\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">\
<rect width=\"8\" height=\"8\" fill=\"#ffffff\"/><path d=\"M0 4H8M4 0V8\" stroke=\"{INK}\" stroke-width=\"1.4\"/></pattern>\
<pattern id=\"{id}-dots\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">\
<rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><circle cx=\"3\" cy=\"3\" r=\"1.4\" fill=\"{INK}\"/></pattern>\
</defs>",
        id = escape(id)
    );
}

fn fill_attr(fill: Fill, id: &str) -> String {
    match fill {
        Fill::Solid => "fill=\"#3a3a3a\"".to_string(),
        Fill::Light => "fill=\"#b8b8b8\"".to_string(),
        Fill::Hatch => format!("fill=\"url(#{}-hatch)\"", escape(id)),
        Fill::CrossHatch => format!("fill=\"url(#{}-cross)\"", escape(id)),
        Fill::Dots => format!("fill=\"url(#{}-dots)\"", escape(id)),
        Fill::Outline => "fill=\"#ffffff\"".to_string(),
    }
}

/// Draws a horizontal bar chart; negative values extend left of zero.
pub fn bar_chart(chart: &BarChart) -> String {
    let row = 34.0;
    let (left, right, top) = (200.0, WIDTH - 48.0, 16.0);
    let bottom = top + row * chart.bars.len().max(1) as f64;
    let height = bottom + 52.0;
    let (lo, hi) = bounds(
        chart.bars.iter().map(|b| b.value).filter(|v| v.is_finite()),
        true,
    );
    // Leave room for the value labels beside the bars.
    let span = (hi - lo).max(f64::MIN_POSITIVE);
    let pad = span * 0.22;
    let lo_padded = if lo < 0.0 { lo - pad } else { lo };
    let scale = Scale::new(&chart.axis, lo_padded, hi + pad, 5);
    let fx = |v: f64| scale.map(v, left, right);

    let mut out = String::new();
    open_svg(&mut out, &chart.id, &chart.title, height);
    patterns(&mut out, &chart.id);
    x_ticks(&mut out, &scale, fx, top, bottom, true);
    let _ = write!(
        out,
        "<line x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"{INK}\" stroke-width=\"1.2\"/>\
<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"600\">{}</text>",
        px(left),
        px(right),
        px((left + right) / 2.0),
        px(height - 12.0),
        escape(&scale.title),
        b = px(bottom),
    );
    let zero = fx(0.0);
    for (k, bar) in chart.bars.iter().enumerate() {
        let y = top + row * k as f64 + 6.0;
        let h = row - 12.0;
        let v = if bar.value.is_finite() {
            bar.value
        } else {
            0.0
        };
        let end = fx(v);
        let (x0, x1) = (zero.min(end), zero.max(end));
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {} stroke=\"{INK}\" stroke-width=\"1.2\"/>",
            px(left - 10.0),
            px(y + h / 2.0 + 4.0),
            escape(&bar.label),
            px(x0),
            px(y),
            px((x1 - x0).max(1.0)),
            px(h),
            fill_attr(bar.fill, &chart.id),
        );
        let (tx, anchor) = if v < 0.0 {
            (x0 - 6.0, "end")
        } else {
            (x1 + 6.0, "start")
        };
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" font-weight=\"600\">{}</text>",
            px(tx),
            px(y + h / 2.0 + 4.0),
            escape(&bar.value_text)
        );
    }
    out.push_str("</svg>");
    out
}

/// Approximate width of a reference line's label, in pixels.
fn label_width(text: &str) -> f64 {
    6.6 * text.chars().count() as f64
}

/// Where a reference line's label goes: its row (0 = the top one) and
/// whether it ends at its line (left of it) rather than starting there.
#[derive(Clone, Copy)]
struct LabelPlace {
    row: usize,
    anchor_end: bool,
}

/// The label's horizontal extent for a line at `x`.
fn label_span(x: f64, width: f64, anchor_end: bool) -> (f64, f64) {
    if anchor_end {
        (x - width, x)
    } else {
        (x, x + width)
    }
}

/// Places the labels of reference lines at pixel positions `marks`, one row
/// each. A line runs down from just under its own label, so it passes every
/// row below its label's: a label must not span the line of a label placed
/// in a row above it. Each order of the rows is tried (there are few
/// marks), each label on the side of its line where it fits without
/// crossing such a line; the first arrangement without a crossing wins, else
/// the one with the fewest.
fn place_labels(marks: &[(f64, &Mark)], left: f64, right: f64) -> Vec<LabelPlace> {
    let n = marks.len();
    let width = |k: usize| label_width(&marks[k].1.label) + 5.0;
    let mut best: Option<(usize, Vec<LabelPlace>)> = None;
    let mut order: Vec<usize> = (0..n).collect();
    let mut try_order = |order: &[usize]| {
        let mut places = vec![
            LabelPlace {
                row: 0,
                anchor_end: false
            };
            n
        ];
        let mut crossings = 0;
        for (row, &k) in order.iter().enumerate() {
            let x = marks[k].0;
            let above: Vec<f64> = order[..row].iter().map(|&j| marks[j].0).collect();
            let crosses = |anchor_end: bool| {
                let (lo, hi) = label_span(x, width(k), anchor_end);
                above.iter().filter(|a| **a > lo && **a < hi).count()
            };
            let fits = |anchor_end: bool| {
                let (lo, hi) = label_span(x, width(k), anchor_end);
                lo >= left && hi <= right
            };
            // Fitting beats not crossing, which beats the right side.
            let anchor_end = [false, true]
                .into_iter()
                .min_by_key(|side| (!fits(*side), crosses(*side), *side))
                .unwrap_or(false);
            crossings += crosses(anchor_end);
            places[k] = LabelPlace { row, anchor_end };
        }
        if best.as_ref().is_none_or(|(c, _)| crossings < *c) {
            best = Some((crossings, places));
        }
        crossings == 0
    };
    if n <= 5 {
        // Heap's algorithm over the orders, stopping at the first clean one.
        let mut c = vec![0usize; n];
        if !try_order(&order) {
            let mut i = 0;
            while i < n {
                if c[i] < i {
                    if i % 2 == 0 {
                        order.swap(0, i);
                    } else {
                        order.swap(c[i], i);
                    }
                    if try_order(&order) {
                        break;
                    }
                    c[i] += 1;
                    i = 0;
                } else {
                    c[i] = 0;
                    i += 1;
                }
            }
        }
    } else {
        try_order(&order);
    }
    best.map(|(_, places)| places).unwrap_or_default()
}

/// Draws vertical reference lines at pixel positions `marks`, each from
/// just under its label to `bottom`. The labels take a row each from
/// `first_label_y` down, placed by [`place_labels`] so that no label
/// overlaps another or is cut by another line.
fn reference_lines(
    out: &mut String,
    marks: &[(f64, &Mark)],
    first_label_y: f64,
    bottom: f64,
    left: f64,
    right: f64,
) {
    let places = place_labels(marks, left, right);
    for ((x, m), place) in marks.iter().zip(places) {
        let x = *x;
        let label_y = first_label_y + 15.0 * place.row as f64;
        let _ = write!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{INK}\" stroke-width=\"1.4\"{}/>\
<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" font-style=\"italic\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"4\">{}</text>",
            px(label_y + 4.0),
            px(bottom),
            dash_attr(m.dash),
            px(if place.anchor_end { x - 5.0 } else { x + 5.0 }),
            px(label_y),
            if place.anchor_end { "end" } else { "start" },
            escape(&m.label),
            x = px(x),
        );
    }
}

/// Draws a histogram, with the column apart (if any) right of the x axis.
pub fn histogram(chart: &Histogram) -> String {
    let height = 380.0;
    let (x_lo, x_hi) = bounds(
        chart
            .columns
            .iter()
            .flat_map(|c| [c.lo, c.hi])
            .filter(|v| v.is_finite()),
        false,
    );
    let y_max = chart
        .columns
        .iter()
        .map(|c| c.value)
        .chain(chart.apart.iter().map(|b| b.value))
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    // Headroom above the tallest column for the reference lines' labels.
    let xscale = Scale::new(&chart.x, x_lo, x_hi, 10);
    let yscale = Scale::new(&chart.y, 0.0, y_max * 1.15, 5);
    let left = left_margin(&yscale);
    let apart_room = if chart.apart.is_some() { 128.0 } else { 0.0 };
    let (right, top, bottom) = (WIDTH - 24.0 - apart_room, 40.0, height - 56.0);
    let fx = |v: f64| xscale.map(v, left, right);
    let fy = |v: f64| yscale.map(v, bottom, top);

    let mut out = String::new();
    open_svg(&mut out, &chart.id, &chart.title, height);
    patterns(&mut out, &chart.id);
    let grid_right = right + apart_room;
    y_grid(&mut out, &yscale, fy, left, grid_right, false);
    x_ticks(&mut out, &xscale, fx, bottom, bottom, false);
    for c in &chart.columns {
        column(&mut out, c, chart, &fx, &fy, bottom);
    }
    axes(
        &mut out,
        &xscale,
        &yscale,
        (left, right, top, bottom),
        height,
    );
    if let Some(bar) = &chart.apart {
        column_apart(&mut out, bar, &chart.id, right, bottom, &fy);
    }
    let marks: Vec<(f64, &Mark)> = chart
        .marks
        .iter()
        .filter(|m| m.x.is_finite() && m.x >= xscale.lo && m.x <= xscale.hi)
        .map(|m| (fx(m.x), m))
        .collect();
    reference_lines(&mut out, &marks, top + 12.0, bottom, left, right);
    note(&mut out, chart.note.as_deref(), left, 24.0);
    out.push_str("</svg>");
    out
}

/// Draws a tornado chart: per input, a bar from the result at its low end to
/// the result at its high end, the part towards the low end in grey and the
/// part towards the high end hatched, each end labelled with the input's value.
pub fn tornado(chart: &Tornado) -> String {
    let row = 30.0;
    let longest = chart
        .swings
        .iter()
        .map(|s| s.label.chars().count())
        .max()
        .unwrap_or(0);
    let left = (24.0 + 6.6 * longest as f64).clamp(120.0, 320.0);
    let right = WIDTH - 24.0;
    let marks: Vec<&Mark> = chart.marks.iter().filter(|m| m.x.is_finite()).collect();
    let top = 44.0 + 15.0 * marks.len() as f64;
    let bottom = top + row * chart.swings.len().max(1) as f64;
    let height = bottom + 48.0;
    let (lo, hi) = bounds(
        chart
            .swings
            .iter()
            .flat_map(|s| [s.at_low, s.at_high])
            .chain([chart.base])
            .chain(marks.iter().map(|m| m.x))
            .filter(|v| v.is_finite()),
        false,
    );
    // Room beside the bars' ends for the inputs' values.
    let pad = (hi - lo).max(hi.abs().max(1.0) * 0.01) * 0.2;
    let scale = Scale::new(&chart.axis, lo - pad, hi + pad, 5);
    let fx = |v: f64| scale.map(v, left, right);

    let mut out = String::new();
    open_svg(&mut out, &chart.id, &chart.title, height);
    patterns(&mut out, &chart.id);
    tornado_legend(&mut out, chart, left);
    x_ticks(&mut out, &scale, fx, top, bottom, false);
    let _ = write!(
        out,
        "<line x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"{INK}\" stroke-width=\"1.2\"/>\
<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"600\">{}</text>",
        px(left),
        px(right),
        px((left + right) / 2.0),
        px(height - 10.0),
        escape(&scale.title),
        b = px(bottom),
    );
    let base = fx(chart.base);
    let marks: Vec<(f64, &Mark)> = marks.iter().map(|m| (fx(m.x), *m)).collect();
    let lines: Vec<f64> = marks.iter().map(|(x, _)| *x).collect();
    for (k, s) in chart.swings.iter().enumerate() {
        let y = top + row * k as f64 + 7.0;
        swing(
            &mut out,
            s,
            &chart.id,
            (left, y, row - 14.0),
            base,
            &fx,
            &lines,
        );
    }
    reference_lines(&mut out, &marks, 40.0, bottom, left, right);
    out.push_str("</svg>");
    out
}

/// A histogram's column, unless it is empty or not finite.
fn column(
    out: &mut String,
    c: &Column,
    chart: &Histogram,
    fx: &impl Fn(f64) -> f64,
    fy: &impl Fn(f64) -> f64,
    bottom: f64,
) {
    if !(c.value.is_finite() && c.value > 0.0 && c.lo.is_finite() && c.hi.is_finite()) {
        return;
    }
    let (x0, x1) = (fx(c.lo) + 1.0, fx(c.hi) - 1.0);
    let y = fy(c.value);
    let _ = write!(
        *out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {} stroke=\"{INK}\" stroke-width=\"1\"/>",
        px(x0),
        px(y),
        px((x1 - x0).max(1.0)),
        px((bottom - y).max(0.0)),
        fill_attr(chart.fill, &chart.id),
    );
}

/// The column set apart at the right of a histogram, with its own baseline,
/// value and label.
fn column_apart(
    out: &mut String,
    bar: &Bar,
    id: &str,
    right: f64,
    bottom: f64,
    fy: &impl Fn(f64) -> f64,
) {
    let (x0, w) = (right + 40.0, 56.0);
    let v = if bar.value.is_finite() {
        bar.value.max(0.0)
    } else {
        0.0
    };
    let y = fy(v);
    let _ = write!(
        *out,
        "<line x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"{INK}\" stroke-width=\"1.2\"/>\
<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {} stroke=\"{INK}\" stroke-width=\"1.2\"/>\
<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"600\">{}</text>",
        px(x0 - 12.0),
        px(x0 + w + 12.0),
        px(x0),
        px(y),
        px(w),
        px((bottom - y).max(1.0)),
        fill_attr(bar.fill, id),
        px(x0 + w / 2.0),
        px(y - 6.0),
        escape(&bar.value_text),
        b = px(bottom),
    );
    for (k, line) in bar.label.split('\n').enumerate() {
        let _ = write!(
            *out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            px(x0 + w / 2.0),
            px(bottom + 19.0 + 14.0 * k as f64),
            escape(line)
        );
    }
}

/// The tornado's legend: the low end's fill and the high end's.
fn tornado_legend(out: &mut String, chart: &Tornado, left: f64) {
    let mut lx = left;
    for (fill, text) in [
        (Fill::Light, &chart.low_legend),
        (Fill::Hatch, &chart.high_legend),
    ] {
        let _ = write!(
            *out,
            "<rect x=\"{}\" y=\"10\" width=\"22\" height=\"13\" {} stroke=\"{INK}\" stroke-width=\"1.2\"/>\
<text x=\"{}\" y=\"21\">{}</text>",
            px(lx),
            fill_attr(fill, &chart.id),
            px(lx + 30.0),
            escape(text)
        );
        lx += 30.0 + 7.0 * text.chars().count() as f64 + 28.0;
    }
}

/// Approximate width of a tornado value label (11 px type), in pixels.
fn value_label_width(text: &str) -> f64 {
    6.2 * text.chars().count() as f64
}

/// Where a value label beside a bar's end goes: `x` is where its text is
/// anchored, extending left of it with `on_left`. A label that would be cut
/// by one of the reference `lines` moves past the line, away from the bar,
/// so it stays whole and clear of it.
fn clear_of_lines(x: f64, width: f64, on_left: bool, lines: &[f64]) -> f64 {
    const MARGIN: f64 = 4.0;
    let mut x = x;
    let mut sorted = lines.to_vec();
    sorted.sort_by(f64::total_cmp);
    if on_left {
        // Walk leftwards past each line the label would cover.
        for line in sorted.iter().rev() {
            if *line > x - width - MARGIN && *line < x + MARGIN {
                x = line - 5.0;
            }
        }
    } else {
        for line in &sorted {
            if *line > x - MARGIN && *line < x + width + MARGIN {
                x = line + 5.0;
            }
        }
    }
    x
}

/// One input's swing on the tornado at height `y`: its label, the bars from
/// the base towards each end and each end's value, clear of the `lines`.
fn swing(
    out: &mut String,
    s: &Swing,
    id: &str,
    (left, y, h): (f64, f64, f64),
    base: f64,
    fx: &impl Fn(f64) -> f64,
    lines: &[f64],
) {
    let _ = write!(
        *out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
        px(left - 10.0),
        px(y + h / 2.0 + 4.0),
        escape(&s.label),
    );
    let ends = [
        (s.at_low, &s.low_text, Fill::Light, s.at_high),
        (s.at_high, &s.high_text, Fill::Hatch, s.at_low),
    ];
    for (end, _, fill, _) in &ends {
        if !end.is_finite() {
            continue;
        }
        let x = fx(*end);
        let (x0, x1) = (base.min(x), base.max(x));
        let _ = write!(
            *out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {} stroke=\"{INK}\" stroke-width=\"1.2\"/>",
            px(x0),
            px(y),
            px((x1 - x0).max(1.0)),
            px(h),
            fill_attr(*fill, id),
        );
    }
    for (k_end, (end, text, _, other)) in ends.iter().enumerate() {
        if !end.is_finite() {
            continue;
        }
        // The end further left is labelled on its left, the other on its right.
        let on_left = end < other || (end == other && k_end == 0);
        let x = if on_left {
            fx(*end).min(base)
        } else {
            fx(*end).max(base)
        };
        let anchor = clear_of_lines(
            if on_left { x - 5.0 } else { x + 5.0 },
            value_label_width(text),
            on_left,
            lines,
        );
        let _ = write!(
            *out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" font-size=\"11\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\">{}</text>",
            px(anchor),
            px(y + h / 2.0 + 4.0),
            if on_left { "end" } else { "start" },
            escape(text),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        let (ticks, step) = nice_ticks(0.0, 8250.0, 6, false);
        assert_eq!(step, 2000.0);
        assert_eq!(ticks.first(), Some(&0.0));
        assert_eq!(ticks.last(), Some(&10000.0));
        let (ticks, step) = nice_ticks(-21_000.0, 95_000.0, 6, false);
        assert_eq!(step, 20000.0);
        assert_eq!(ticks.first(), Some(&-40000.0));
        assert_eq!(ticks.last(), Some(&100000.0));
        let (ticks, step) = nice_ticks(0.0, 18.0, 8, true);
        assert_eq!(step, 5.0);
        assert_eq!(ticks, vec![0.0, 5.0, 10.0, 15.0, 20.0]);
        let (ticks, _) = nice_ticks(0.0, 0.0, 6, false);
        assert_eq!(ticks.first(), Some(&0.0));
        assert!(ticks.len() >= 2);
    }

    #[test]
    fn count_axes_say_their_scale() {
        let axis = Axis {
            title: "Tokens per day".into(),
            kind: AxisKind::Count,
        };
        let s = Scale::new(&axis, 0.0, 200_000_000.0, 8);
        assert_eq!(s.title, "Tokens per day (millions)");
        assert!(s.labels.contains(&"100".to_string()), "{:?}", s.labels);
        // A title with its unit in brackets says the scale once, in the unit.
        let axis = Axis {
            title: "Volume (tokens per day)".into(),
            kind: AxisKind::Count,
        };
        let s = Scale::new(&axis, 0.0, 200_000_000.0, 8);
        assert_eq!(s.title, "Volume (million tokens per day)");
        let s = Scale::new(&axis, 0.0, 20_000.0, 8);
        assert_eq!(s.title, "Volume (thousand tokens per day)");
        let s = Scale::new(&axis, 0.0, 2_000.0, 8);
        assert_eq!(s.title, "Volume (tokens per day)");
    }

    /// The extent of a label placed at `x`.
    fn span_of(x: f64, label: &str, place: LabelPlace) -> (f64, f64) {
        label_span(x, label_width(label) + 5.0, place.anchor_end)
    }

    #[test]
    fn reference_labels_are_not_cut_by_the_lines_above_them() {
        // Two lines close together near the right edge: the label of the
        // one on the right cannot go right (no room), so it goes left, and
        // must then sit above the other line, which starts under it.
        let today = Mark {
            x: 0.0,
            label: "Today: 50,000,000 tokens/day".into(),
            dash: Dash::Dotted,
        };
        let break_even = Mark {
            x: 0.0,
            label: "All-in break-even: 28,792,671 tokens/day".into(),
            dash: Dash::Dashed,
        };
        for (a, b) in [
            (560.0, 600.0),
            (600.0, 560.0),
            (300.0, 330.0),
            (90.0, 120.0),
        ] {
            let marks = [(a, &today), (b, &break_even)];
            let places = place_labels(&marks, 80.0, 680.0);
            assert_eq!(places.len(), 2);
            assert_ne!(places[0].row, places[1].row, "one row each");
            for (k, (x, m)) in marks.iter().enumerate() {
                let (lo, hi) = span_of(*x, &m.label, places[k]);
                assert!(
                    lo >= 80.0 && hi <= 680.0,
                    "{} overflows: {lo}..{hi}",
                    m.label
                );
                for (j, (other, _)) in marks.iter().enumerate() {
                    if places[j].row < places[k].row {
                        assert!(
                            !(*other > lo && *other < hi),
                            "the line at {other} cuts `{}` at {lo}..{hi}",
                            m.label
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn point_labels_move_clear_of_the_series() {
        // A flat series through the point: the label moves off the line.
        let line = vec![(0.0, 200.0), (700.0, 200.0)];
        assert!(crosses_box(&line, (100.0, 300.0, 190.0, 210.0)));
        assert!(!crosses_box(&line, (100.0, 300.0, 150.0, 180.0)));
        assert!(!crosses_box(&line, (800.0, 900.0, 190.0, 210.0)));
        // A steep segment through a box it only enters between its ends.
        assert!(crosses_box(
            &[(0.0, 0.0), (100.0, 400.0)],
            (40.0, 60.0, 150.0, 170.0)
        ));
        assert!(!crosses_box(
            &[(0.0, 0.0), (100.0, 400.0)],
            (40.0, 60.0, 300.0, 320.0)
        ));
        let svg = line_chart(&LineChart {
            id: "c".into(),
            title: "t".into(),
            x: Axis {
                title: "x".into(),
                kind: AxisKind::Count,
            },
            y: Axis {
                title: "y".into(),
                kind: AxisKind::Money,
            },
            series: vec![Series {
                label: "flat".into(),
                points: vec![(0.0, 100.0), (1000.0, 100.0)],
                dash: Dash::Solid,
                marker: Marker::Circle,
            }],
            marks: Vec::new(),
            points: vec![Point {
                x: 200.0,
                y: 100.0,
                label: "An option on the line: $100/month".into(),
                marker: Marker::Diamond,
            }],
            note: None,
        });
        // The series' y in pixels, and the label's baseline.
        let path = svg.split("<path d=\"M").nth(1).unwrap();
        let line_y: f64 = path
            .split(' ')
            .nth(1)
            .unwrap()
            .split('L')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let label = svg
            .split("text-anchor=\"start\" paint-order")
            .next()
            .unwrap();
        let tag = &label[label.rfind("<text").unwrap()..];
        let baseline = attr(tag, "y");
        assert!(
            baseline + 3.0 < line_y || baseline - 11.0 > line_y,
            "the label at {baseline} sits on the line at {line_y}"
        );
    }

    #[test]
    fn tornado_value_labels_move_clear_of_reference_lines() {
        // A label ending 2 px right of the zero line at 300 moves left of it.
        let x = clear_of_lines(302.0, 40.0, true, &[300.0]);
        assert!(x < 300.0, "{x}");
        // One starting just left of the line moves right of it.
        let x = clear_of_lines(296.0, 40.0, false, &[300.0]);
        assert!(x > 300.0, "{x}");
        // A label away from every line stays.
        assert_eq!(clear_of_lines(200.0, 40.0, true, &[300.0]), 200.0);
        assert_eq!(clear_of_lines(200.0, 40.0, false, &[100.0, 300.0]), 200.0);
    }

    #[test]
    fn text_is_escaped_and_sizes_are_set() {
        let svg = line_chart(&LineChart {
            id: "c".into(),
            title: "<script>".into(),
            x: Axis {
                title: "x & y".into(),
                kind: AxisKind::Month,
            },
            y: Axis {
                title: "Cost ($)".into(),
                kind: AxisKind::Money,
            },
            series: vec![Series {
                label: "a\"b".into(),
                points: vec![(0.0, 1.0), (1.0, f64::NAN), (2.0, 3.0)],
                dash: Dash::Dashed,
                marker: Marker::Square,
            }],
            marks: vec![],
            points: vec![],
            note: None,
        });
        assert!(!svg.contains("<script"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("x &amp; y"));
        assert!(svg.contains("a&quot;b"));
        assert!(svg.contains("width=\"720\""));
        assert!(!svg.contains("NaN"));
        assert!(svg.contains("stroke-dasharray"));
    }

    #[test]
    fn labelled_points_widen_the_axis_and_keep_their_labels_apart() {
        let chart = |points: Vec<Point>| {
            line_chart(&LineChart {
                id: "p".into(),
                title: "t".into(),
                x: Axis {
                    title: "x".into(),
                    kind: AxisKind::Count,
                },
                y: Axis {
                    title: "y".into(),
                    kind: AxisKind::Money,
                },
                series: vec![Series {
                    label: "line".into(),
                    points: vec![(0.0, 0.0), (10.0, 100.0)],
                    dash: Dash::Solid,
                    marker: Marker::Circle,
                }],
                marks: vec![],
                points,
                note: None,
            })
        };
        let at = |x: f64, y: f64, label: &str| Point {
            x,
            y,
            label: label.into(),
            marker: Marker::Diamond,
        };
        let svg = chart(vec![
            at(2.0, 250.0, "<high>"),
            at(2.0, 50.0, "a"),
            at(2.0, 50.5, "b"),
        ]);
        // A point above the series stretches the value axis to hold it.
        assert!(svg.contains(">$250</text>"), "{svg}");
        assert!(!chart(vec![]).contains(">$250</text>"));
        assert!(svg.contains(">&lt;high&gt;</text>"));
        // Three diamonds, and two labels at nearly the same value drawn apart.
        assert_eq!(svg.matches("Z\" fill=\"#ffffff\"").count(), 3);
        let baseline = |label: &str| {
            let at = svg.find(&format!(">{label}</text>")).unwrap();
            let tag = &svg[svg[..at].rfind("<text").unwrap()..at];
            attr(tag, "y")
        };
        assert!(
            (baseline("a") - baseline("b")).abs() >= 15.0,
            "labels overlap"
        );
        // Left half of the plot: labels to the right of their points.
        let tag_of_a = &svg[..svg.find(">a</text>").unwrap()];
        assert!(tag_of_a[tag_of_a.rfind("<text").unwrap()..].contains("text-anchor=\"start\""));
    }

    #[test]
    fn negative_bars_extend_left_of_zero() {
        let svg = bar_chart(&BarChart {
            id: "b".into(),
            title: "t".into(),
            axis: Axis {
                title: "$/month".into(),
                kind: AxisKind::Money,
            },
            bars: vec![
                Bar {
                    label: "up".into(),
                    value: 100.0,
                    value_text: "$100".into(),
                    fill: Fill::Hatch,
                },
                Bar {
                    label: "down".into(),
                    value: -50.0,
                    value_text: "-$50".into(),
                    fill: Fill::Dots,
                },
            ],
        });
        assert!(svg.contains("url(#b-hatch)"));
        assert!(svg.contains("text-anchor=\"end\" font-weight=\"600\">-$50"));
    }
    #[test]
    fn percent_axes_read_as_percentages() {
        let axis = Axis {
            title: "Share".into(),
            kind: AxisKind::Percent,
        };
        let s = Scale::new(&axis, 0.0, 0.45, 5);
        assert_eq!(s.labels.first().map(String::as_str), Some("0%"));
        assert!(s.labels.contains(&"40%".to_string()), "{:?}", s.labels);
    }

    #[test]
    fn histograms_set_a_column_apart_and_drop_marks_off_the_axis() {
        let svg = histogram(&Histogram {
            id: "h".into(),
            title: "t".into(),
            x: Axis {
                title: "Months".into(),
                kind: AxisKind::Month,
            },
            y: Axis {
                title: "Share".into(),
                kind: AxisKind::Percent,
            },
            columns: (1..=6)
                .map(|k| Column {
                    lo: k as f64 - 1.0,
                    hi: k as f64,
                    value: if k == 3 { 0.0 } else { 0.1 },
                })
                .collect(),
            fill: Fill::Light,
            apart: Some(Bar {
                label: "after 6 months\nor <never>".into(),
                value: 0.5,
                value_text: "50.0%".into(),
                fill: Fill::Hatch,
            }),
            marks: vec![
                Mark {
                    x: 2.5,
                    label: "inside".into(),
                    dash: Dash::Dashed,
                },
                Mark {
                    x: 9.0,
                    label: "outside".into(),
                    dash: Dash::Dotted,
                },
            ],
            note: None,
        });
        // Five columns with a value (the empty one is not drawn), one apart.
        assert_eq!(svg.matches("fill=\"#b8b8b8\"").count(), 5);
        assert_eq!(svg.matches("fill=\"url(#h-hatch)\"").count(), 1);
        assert!(svg.contains(">after 6 months</text>"));
        assert!(svg.contains(">or &lt;never&gt;</text>"));
        assert!(svg.contains(">50.0%</text>"));
        assert!(svg.contains(">inside</text>"));
        assert!(!svg.contains("outside"), "a mark beyond the axis was drawn");
    }

    #[test]
    fn tornado_bars_split_at_the_base_with_each_end_labelled_outside() {
        let svg = tornado(&Tornado {
            id: "t".into(),
            title: "t".into(),
            axis: Axis {
                title: "$/month".into(),
                kind: AxisKind::Money,
            },
            swings: vec![Swing {
                label: "Rate <x>".into(),
                at_low: 100.0,
                low_text: "LOW".into(),
                at_high: -50.0,
                high_text: "HIGH".into(),
            }],
            base: 20.0,
            marks: vec![Mark {
                x: 20.0,
                label: "base".into(),
                dash: Dash::Dashed,
            }],
            low_legend: "low end".into(),
            high_legend: "high end".into(),
        });
        assert!(svg.contains(">Rate &lt;x&gt;</text>"));
        // The input's low end gives the larger result here: its label is on
        // the right of the bar, the high end's on the left.
        assert!(svg.contains("text-anchor=\"start\" font-size=\"11\""));
        let low = svg.find(">LOW</text>").unwrap();
        let high = svg.find(">HIGH</text>").unwrap();
        let anchor = |at: usize| {
            let tag = &svg[svg[..at].rfind("<text").unwrap()..at];
            tag.contains("text-anchor=\"end\"")
        };
        assert!(!anchor(low) && anchor(high));
        // Two parts: grey towards the low end, hatched towards the high end,
        // meeting at the base.
        let rect_x = |fill: &str| -> (f64, f64) {
            let at = svg.rfind(fill).unwrap();
            let tag = &svg[svg[..at].rfind("<rect").unwrap()..at];
            let x = attr(tag, "x");
            (x, x + attr(tag, "width"))
        };
        let grey = rect_x("fill=\"#b8b8b8\" stroke=\"#1b1b1b\" stroke-width=\"1.2\"/>");
        let hatched = rect_x("fill=\"url(#t-hatch)\" stroke=\"#1b1b1b\" stroke-width=\"1.2\"/>");
        assert!((grey.0 - hatched.1).abs() < 0.01, "{grey:?} {hatched:?}");
        assert!(hatched.0 < grey.0 && grey.1 > hatched.1);
    }

    /// A numeric attribute of a tag.
    fn attr(tag: &str, name: &str) -> f64 {
        let start = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        let end = start + tag[start..].find('"').unwrap();
        tag[start..end].parse().unwrap()
    }
}
