//! A group's lag over time: one line per series (the whole group, and each
//! topic or partition) drawn as plain SVG, with a window chooser, a legend
//! and the trend of the total in words. It lives in the group page's chunk,
//! so none of it is in the first download.
//!
//! Coordinates are whole numbers in a fixed view box (the SVG scales to the
//! card): no float formatting in the download. The scaling is in [`Frame`],
//! plain functions tested natively.

use std::time::Duration;

use configurator_api::{LagHistory, LagPoint, LagSeries, LagTrend, LagWindow, TrendDirection};
use js_sys::Date;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::{
    api::seg,
    cluster::use_cluster,
    components::{LoadError, ProgressBar},
    format,
    load::load,
    query,
};

/// How often an open page asks for the history again (the sampler writes
/// once a minute).
const REFRESH: Duration = Duration::from_secs(30);
/// Distinct line colours (`chart-line-0` …); later series reuse them.
const COLOURS: usize = 8;

const WIDTH: i64 = 720;
const HEIGHT: i64 = 240;
const LEFT: i64 = 52;
const RIGHT: i64 = 12;
const TOP: i64 = 10;
const BOTTOM: i64 = 24;
/// Horizontal grid lines above the zero line.
const GRID: u64 = 4;

/// Where a time and a lag go in the view box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    from_ms: i64,
    to_ms: i64,
    /// The lag at the top of the plot: a round number at or above the most.
    top: u64,
}

impl Frame {
    pub fn new(from_ms: i64, to_ms: i64, most: u64) -> Self {
        Self {
            from_ms,
            to_ms: to_ms.max(from_ms + 1),
            top: lag_step(most) * GRID,
        }
    }

    pub fn x(&self, at_ms: i64) -> i64 {
        let span = i128::from(self.to_ms - self.from_ms);
        let at = i128::from((at_ms - self.from_ms).clamp(0, self.to_ms - self.from_ms));
        LEFT + (at * i128::from(WIDTH - LEFT - RIGHT) / span) as i64
    }

    pub fn y(&self, lag: u64) -> i64 {
        let plot = u128::from((HEIGHT - TOP - BOTTOM) as u64);
        let up = u128::from(lag.min(self.top)) * plot / u128::from(self.top);
        HEIGHT - BOTTOM - up as i64
    }

    /// The lags of the grid lines, zero first.
    pub fn grid(&self) -> Vec<u64> {
        (0..=GRID).map(|i| self.top / GRID * i).collect()
    }

    /// An SVG path through `points`, oldest first.
    pub fn path(&self, points: &[LagPoint]) -> String {
        let mut d = String::with_capacity(points.len() * 9);
        for (i, p) in points.iter().enumerate() {
            d.push(if i == 0 { 'M' } else { 'L' });
            d.push_str(&self.x(p.at_ms).to_string());
            d.push(' ');
            d.push_str(&self.y(p.lag).to_string());
        }
        d
    }
}

/// The grid's step for lags up to `most`: 1, 2 or 5 × 10ⁿ, so that
/// [`GRID`] steps reach it.
pub fn lag_step(most: u64) -> u64 {
    let wanted = most.div_ceil(GRID).max(1);
    let mut unit = 1u64;
    loop {
        for m in [1, 2, 5] {
            let step = unit.saturating_mul(m);
            if step >= wanted {
                return step;
            }
        }
        unit = unit.saturating_mul(10);
    }
}

/// The spacing of the time labels for a window.
fn time_step(window: LagWindow) -> i64 {
    match window {
        LagWindow::Hour => 10 * 60_000,
        LagWindow::Day => 3 * 3_600_000,
        LagWindow::Week => 86_400_000,
    }
}

/// Times in `from..=to` on whole multiples of `step` in local time
/// (`offset_ms`: the zone's offset from UTC, east positive).
pub fn time_ticks(from_ms: i64, to_ms: i64, step: i64, offset_ms: i64) -> Vec<i64> {
    let first = (from_ms + offset_ms).div_euclid(step) * step - offset_ms;
    let first = if first < from_ms { first + step } else { first };
    (0..)
        .map(|i| first + i * step)
        .take_while(|t| *t <= to_ms)
        .collect()
}

/// "Lag 1,234 · growing 120 msg/min since 02:14" (`since`: the trend's
/// start as a clock time).
pub fn trend_text(current: u64, trend: Option<&LagTrend>, since: &str) -> String {
    let lag = format!("Lag {}", format::int(current));
    match trend {
        None => lag,
        Some(t) => match t.direction {
            TrendDirection::Steady => format!("{lag} · steady since {since}"),
            d => format!(
                "{lag} · {} {} msg/min since {since}",
                if d == TrendDirection::Growing {
                    "growing"
                } else {
                    "shrinking"
                },
                format::decimal(t.per_min)
            ),
        },
    }
}

/// What the legend calls a series: `demo.orders`, `demo.orders #3`, or the
/// whole group.
pub fn series_name(s: &LagSeries) -> String {
    match (&s.topic, s.partition) {
        (None, _) => "Whole group".into(),
        (Some(t), None) => t.clone(),
        (Some(t), Some(p)) => format!("{t} #{p}"),
    }
}

fn window_word(window: LagWindow) -> &'static str {
    match window {
        LagWindow::Hour => "hour",
        LagWindow::Day => "day",
        LagWindow::Week => "week",
    }
}

/// A time label: the clock within a day, the weekday and date for a week.
fn time_label(window: LagWindow, ms: i64) -> String {
    if window != LagWindow::Week {
        return format::clock(ms);
    }
    let d = Date::new(&JsValue::from_f64(ms as f64));
    let day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.get_day() as usize % 7];
    format!("{day} {}", d.get_date())
}

/// The lag history of `group`, refreshed every [`REFRESH`] while shown.
#[component]
pub fn LagChart(#[prop(into)] group: Signal<String>) -> impl IntoView {
    let cluster = use_cluster();
    let window = RwSignal::new(LagWindow::Hour);
    let by_partition = RwSignal::new(false);
    let history = load::<LagHistory>(move || {
        let path = cluster.api(&format!("/consumer-groups/{}/lag-history", seg(&group.get())));
        let per_partition = if by_partition.get() {
            "true".into()
        } else {
            String::new()
        };
        Some(query::url(
            &path,
            &[
                ("window", window_word(window.get()).into()),
                ("by_partition", per_partition),
            ],
        ))
    });
    if let Ok(timer) = set_interval_with_handle(move || history.reload(), REFRESH) {
        on_cleanup(move || timer.clear());
    }

    let choose = move |w: LagWindow, label: &'static str| {
        view! {
            <button type="button" class="button button-small" class:button-primary=move || window.get() == w
                aria-pressed=move || (window.get() == w).to_string() data-testid=format!("lag-window-{}", window_word(w))
                on:click=move |_| window.set(w)>{label}</button>
        }
    };

    view! {
        <div class="card" data-testid="lag-history">
            <div class="card-head">
                <h3>"Lag over time"</h3>
                <div class="toolbar">
                    <div class="button-group" role="group" aria-label="Window">
                        {choose(LagWindow::Hour, "Hour")}
                        {choose(LagWindow::Day, "Day")}
                        {choose(LagWindow::Week, "Week")}
                    </div>
                    <label class="checkbox">
                        <input type="checkbox" data-testid="lag-by-partition" prop:checked=move || by_partition.get()
                            on:change=move |ev| by_partition.set(event_target_checked(&ev)) />
                        "Per partition"
                    </label>
                </div>
            </div>
            <ProgressBar active=history.loading label="Loading the lag history" />
            <LoadError error=history.error retry=history.retry() />
            {move || history.with(|h| h.map(chart))}
        </div>
    }
}

/// The chart, its legend and the words under it.
fn chart(history: &LagHistory) -> AnyView {
    if history.samples == 0 {
        return view! {
            <p class="muted" data-testid="lag-empty">"No samples yet: the sampler records every minute."</p>
        }
        .into_any();
    }
    let all: Vec<&LagSeries> = std::iter::once(&history.total).chain(&history.series).collect();
    let most = all
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.lag))
        .max()
        .unwrap_or(0);
    let frame = Frame::new(history.from_ms, history.to_ms, most);
    let window = history.window;
    let offset = -(Date::new(&JsValue::from_f64(history.to_ms as f64)).get_timezone_offset() as i64) * 60_000;
    let ticks = time_ticks(history.from_ms, history.to_ms, time_step(window), offset);
    let (left, right, bottom) = (LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM);
    let class_of = |i: usize| {
        if i == 0 {
            "chart-line chart-line-total".to_owned()
        } else {
            format!("chart-line chart-line-{}", (i - 1) % COLOURS)
        }
    };

    let grid = frame
        .grid()
        .into_iter()
        .map(|lag| {
            let y = frame.y(lag);
            view! {
                <line class="chart-grid" x1=left x2=right y1=y y2=y />
                <text class="chart-label" x={left - 6} y={y + 3} text-anchor="end">{format::compact(lag)}</text>
            }
        })
        .collect_view();
    let times = ticks
        .into_iter()
        .map(|t| {
            let x = frame.x(t);
            view! {
                <line class="chart-axis" x1=x x2=x y1=bottom y2={bottom + 4} />
                <text class="chart-label" x=x y={HEIGHT - 6} text-anchor="middle">{time_label(window, t)}</text>
            }
        })
        .collect_view();
    let lines = all
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let last = s.points.last().map(|p| p.lag);
            let dot = s.points.last().map(|p| {
                view! { <circle class=format!("{} chart-dot", class_of(i)) cx=frame.x(p.at_ms) cy=frame.y(p.lag) r="2.5" /> }
            });
            view! {
                <path class=class_of(i) d=frame.path(&s.points) data-testid="lag-series"
                    data-series=series_name(s) data-points=s.points.len().to_string()
                    data-last=last.map(|l| l.to_string()).unwrap_or_default() />
                {dot}
            }
        })
        .collect_view();
    let legend = all
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let swatch = if i == 0 {
                "legend-swatch chart-swatch-total".to_owned()
            } else {
                format!("legend-swatch chart-swatch-{}", (i - 1) % COLOURS)
            };
            let last = s
                .points
                .last()
                .map_or_else(|| "no samples".into(), |p| format::int(p.lag));
            view! {
                <li><span class=swatch aria-hidden="true"></span><span class="mono">{series_name(s)}</span>
                    " " <span class="muted">{last}</span></li>
            }
        })
        .collect_view();

    let current = history.total.points.last().map_or(0, |p| p.lag);
    let trend = history.total.trend.as_ref();
    let trend_line = trend_text(
        current,
        trend,
        &trend.map(|t| format::clock(t.since_ms)).unwrap_or_default(),
    );
    let sampling = match history.sample_interval_ms {
        Some(ms) => format!(
            "{} samples, one every {}",
            format::int(history.samples),
            format::elapsed(ms.max(0) as u64)
        ),
        None => format!("{} sample", format::int(history.samples)),
    };
    let label = format!("Lag of the group over the last {}", window_word(window));
    view! {
        <svg class="chart chart-lines" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label
            data-testid="lag-chart">
            {grid}
            <line class="chart-axis" x1=left x2=right y1=bottom y2=bottom />
            {times}
            {lines}
        </svg>
        <ul class="chart-legend" data-testid="lag-legend">{legend}</ul>
        <p data-testid="lag-trend"><strong>{trend_line}</strong></p>
        <p class="muted small">{sampling}</p>
        {history.truncated.then(|| view! {
            <p class="notice" data-testid="lag-truncated">
                "The start of this window could not be read (too many samples, or too many series): the chart begins later or leaves some series out."
            </p>
        })}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lag_steps_are_round() {
        assert_eq!(lag_step(0), 1);
        assert_eq!(lag_step(4), 1);
        assert_eq!(lag_step(5), 2);
        assert_eq!(lag_step(17), 5);
        assert_eq!(lag_step(1_234), 500);
        assert_eq!(lag_step(4_000_000), 1_000_000);
        assert!(lag_step(u64::MAX) > 0);
    }

    #[test]
    fn frame_maps_corners_and_clamps() {
        let f = Frame::new(1_000, 61_000, 1_234);
        assert_eq!(f.grid(), vec![0, 500, 1000, 1500, 2000]);
        assert_eq!(f.x(1_000), LEFT);
        assert_eq!(f.x(61_000), WIDTH - RIGHT);
        assert_eq!(f.x(0), LEFT);
        assert_eq!(f.x(99_000), WIDTH - RIGHT);
        assert_eq!(f.y(0), HEIGHT - BOTTOM);
        assert_eq!(f.y(2_000), TOP);
        assert_eq!(f.y(1_000), (HEIGHT - BOTTOM + TOP) / 2);
        let p = |at_ms, lag| LagPoint { at_ms, lag };
        assert_eq!(f.path(&[p(1_000, 0), p(61_000, 2_000)]), "M52 216L708 10");
        // An empty window does not divide by zero.
        assert_eq!(Frame::new(5, 5, 0).x(5), LEFT);
    }

    #[test]
    fn ticks_fall_on_local_multiples() {
        let ten = 600_000;
        assert_eq!(
            time_ticks(0, 1_800_000, ten, 0),
            vec![0, 600_000, 1_200_000, 1_800_000]
        );
        assert_eq!(time_ticks(1, 1_300_000, ten, 0), vec![600_000, 1_200_000]);
        // Three-hour steps in UTC+05:30 fall on local 00:00, 03:00, …
        let (hour, offset) = (3_600_000, 19_800_000);
        let ticks = time_ticks(0, 86_400_000, 3 * hour, offset);
        assert!(ticks.iter().all(|t| (t + offset) % (3 * hour) == 0));
        assert_eq!(ticks.len(), 8);
    }

    #[test]
    fn trend_in_words() {
        let trend = |direction, per_min| LagTrend {
            direction,
            since_ms: 0,
            per_min,
        };
        assert_eq!(
            trend_text(1_234, Some(&trend(TrendDirection::Growing, 120.2)), "02:14"),
            "Lag 1,234 · growing 120 msg/min since 02:14"
        );
        assert_eq!(
            trend_text(5, Some(&trend(TrendDirection::Shrinking, -2.5)), "02:14"),
            "Lag 5 · shrinking 2.5 msg/min since 02:14"
        );
        assert_eq!(
            trend_text(0, Some(&trend(TrendDirection::Steady, 0.0)), "01:00"),
            "Lag 0 · steady since 01:00"
        );
        assert_eq!(trend_text(7, None, ""), "Lag 7");
    }

    #[test]
    fn series_names() {
        let s = |topic: Option<&str>, partition| LagSeries {
            topic: topic.map(str::to_owned),
            partition,
            points: Vec::new(),
            trend: None,
        };
        assert_eq!(series_name(&s(None, None)), "Whole group");
        assert_eq!(series_name(&s(Some("a"), None)), "a");
        assert_eq!(series_name(&s(Some("a"), Some(3))), "a #3");
    }
}
