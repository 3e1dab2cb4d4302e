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

/// The divisor and axis-title suffix for a count axis spanning up to `max_abs`.
fn count_scale(max_abs: f64) -> (f64, &'static str) {
    if max_abs >= 1e9 {
        (1e9, " (billions)")
    } else if max_abs >= 1e6 {
        (1e6, " (millions)")
    } else if max_abs >= 1e4 {
        (1e3, " (thousands)")
    } else {
        (1.0, "")
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
                let (div, suffix) = count_scale(max_abs);
                let decimals = decimals_for(step / div);
                let labels = ticks
                    .iter()
                    .map(|t| format::grouped(t / div, decimals))
                    .collect();
                (labels, format!("{}{suffix}", axis.title))
            }
            AxisKind::Month => (
                ticks.iter().map(|t| format::grouped(*t, 0)).collect(),
                axis.title.clone(),
            ),
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

/// Draws a line chart.
pub fn line_chart(chart: &LineChart) -> String {
    let height = LINE_HEIGHT;
    let xs = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .chain(chart.marks.iter().map(|m| m.x))
        .filter(|v| v.is_finite());
    let (x_lo, x_hi) = bounds(xs, false);
    let ys = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .filter(|v| v.is_finite());
    let (y_lo, y_hi) = bounds(ys, true);
    let xscale = Scale::new(&chart.x, x_lo, x_hi, 8);
    let yscale = Scale::new(&chart.y, y_lo, y_hi, 6);
    // Room on the left for the longest y tick label and the axis title.
    let longest = yscale
        .labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    let left = (34.0 + 7.2 * longest as f64).max(72.0);
    let (right, top, bottom) = (WIDTH - 40.0, 64.0, height - 56.0);
    let fx = |v: f64| xscale.map(v, left, right);
    let fy = |v: f64| yscale.map(v, bottom, top);

    let mut out = String::new();
    open_svg(&mut out, &chart.id, &chart.title, height);

    // Grid and y ticks.
    for (t, label) in yscale.ticks.iter().zip(&yscale.labels) {
        let y = fy(*t);
        let stroke = if *t == 0.0 { INK } else { GRID };
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
    // X ticks.
    for (t, label) in xscale.ticks.iter().zip(&xscale.labels) {
        let x = fx(*t);
        let _ = write!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{INK}\" stroke-width=\"1\"/>\
<text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            px(bottom),
            px(bottom + 5.0),
            px(bottom + 19.0),
            escape(label),
            x = px(x),
        );
    }
    // Axes and their titles.
    let _ = write!(
        out,
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
    // Reference lines, their labels staggered so two never overlap.
    for (k, m) in chart.marks.iter().enumerate() {
        if !m.x.is_finite() {
            continue;
        }
        let x = fx(m.x);
        let label_y = top + 12.0 + 15.0 * k as f64;
        let anchor_end = x > (left + right) / 2.0;
        let _ = write!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{INK}\" stroke-width=\"1.4\"{}/>\
<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" font-style=\"italic\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"4\">{}</text>",
            px(top),
            px(bottom),
            dash_attr(m.dash),
            px(if anchor_end { x - 5.0 } else { x + 5.0 }),
            px(label_y),
            if anchor_end { "end" } else { "start" },
            escape(&m.label),
            x = px(x),
        );
    }
    // Series.
    for s in &chart.series {
        let pts: Vec<(f64, f64)> = s
            .points
            .iter()
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .map(|p| (fx(p.0), fy(p.1)))
            .collect();
        if pts.is_empty() {
            continue;
        }
        let d: Vec<String> = pts
            .iter()
            .enumerate()
            .map(|(k, p)| format!("{}{} {}", if k == 0 { "M" } else { "L" }, px(p.0), px(p.1)))
            .collect();
        let _ = write!(
            out,
            "<path d=\"{}\" fill=\"none\" stroke=\"{INK}\" stroke-width=\"2.2\"{}/>",
            d.join(""),
            dash_attr(s.dash)
        );
        for p in &pts {
            marker(&mut out, s.marker, p.0, p.1);
        }
    }
    // Legend above the plot: line sample, marker, label.
    let mut lx = left;
    for s in &chart.series {
        let _ = write!(
            out,
            "<line x1=\"{}\" y1=\"20\" x2=\"{}\" y2=\"20\" stroke=\"{INK}\" stroke-width=\"2.2\"{}/>",
            px(lx),
            px(lx + 36.0),
            dash_attr(s.dash)
        );
        marker(&mut out, s.marker, lx + 18.0, 20.0);
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"24\">{}</text>",
            px(lx + 44.0),
            escape(&s.label)
        );
        lx += 44.0 + 7.0 * s.label.chars().count() as f64 + 24.0;
    }
    if let Some(note) = &chart.note {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"44\" font-style=\"italic\">{}</text>",
            px(left),
            escape(note)
        );
    }
    out.push_str("</svg>");
    out
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
    for (t, label) in scale.ticks.iter().zip(&scale.labels) {
        let x = fx(*t);
        let stroke = if *t == 0.0 { INK } else { GRID };
        let _ = write!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{stroke}\" stroke-width=\"1\"/>\
<text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            px(top),
            px(bottom + 5.0),
            px(bottom + 19.0),
            escape(label),
            x = px(x),
        );
    }
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
}
