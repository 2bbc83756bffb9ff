//! The lag chart of one group: its samples over a window, averaged into at
//! most [`LAG_HISTORY_MAX_POINTS`] buckets per series, with the trend of
//! each series. Built as the samples stream in, so memory is bounded by
//! series × points, not by the samples read.

use std::collections::HashMap;

use configurator_api::{
    LAG_HISTORY_MAX_POINTS, LAG_HISTORY_MAX_SERIES, LagHistory, LagHistoryQuery, LagPoint, LagSeries,
    LagTrend, LagWindow, TrendDirection,
};

use crate::kafka::lag_history::GroupSample;

/// Series tracked at most while reading (a group on very many partitions):
/// past it, new series are dropped and the answer says `truncated`.
const TRACKED_SERIES_MAX: usize = 2_000;

/// One series' buckets: (sum of lags, samples, time of the last sample).
type Buckets = Vec<(u64, u32, i64)>;

pub struct Chart {
    window: LagWindow,
    by_partition: bool,
    topic: Option<String>,
    from_ms: i64,
    to_ms: i64,
    step_ms: i64,
    total: Buckets,
    series: HashMap<(String, Option<i32>), Buckets>,
    samples: u32,
    /// The two newest sample times seen, for the sampling interval.
    newest: [Option<i64>; 2],
    dropped_series: bool,
}

impl Chart {
    pub fn new(query: &LagHistoryQuery, now_ms: i64) -> Self {
        let window = query.window.unwrap_or_default();
        let points = LAG_HISTORY_MAX_POINTS as i64;
        let step_ms = (window.millis() + points - 1) / points;
        Self {
            window,
            by_partition: query.by_partition.unwrap_or(false),
            topic: query.topic.clone(),
            from_ms: now_ms - window.millis(),
            to_ms: now_ms,
            step_ms,
            total: empty(),
            series: HashMap::new(),
            samples: 0,
            newest: [None, None],
            dropped_series: false,
        }
    }

    pub fn from_ms(&self) -> i64 {
        self.from_ms
    }

    pub fn add(&mut self, sample: &GroupSample) {
        if sample.at_ms < self.from_ms || sample.at_ms > self.to_ms {
            return;
        }
        let bucket =
            (((sample.at_ms - self.from_ms) / self.step_ms) as usize).min(LAG_HISTORY_MAX_POINTS - 1);
        let mut lags: HashMap<(String, Option<i32>), u64> = HashMap::new();
        for (topic, partition, committed, end) in &sample.partitions {
            if self.topic.as_ref().is_some_and(|t| t != topic) {
                continue;
            }
            let key = (topic.clone(), self.by_partition.then_some(*partition));
            *lags.entry(key).or_default() += (end - committed).max(0) as u64;
        }
        let total: u64 = lags.values().sum();
        put(&mut self.total, bucket, total, sample.at_ms);
        for (key, lag) in lags {
            if !self.series.contains_key(&key) && self.series.len() >= TRACKED_SERIES_MAX {
                self.dropped_series = true;
                continue;
            }
            put(
                self.series.entry(key).or_insert_with(empty),
                bucket,
                lag,
                sample.at_ms,
            );
        }
        self.samples += 1;
        if self.newest[0].is_none_or(|t| sample.at_ms > t) {
            self.newest = [Some(sample.at_ms), self.newest[0]];
        } else if self.newest[1].is_none_or(|t| sample.at_ms > t) && Some(sample.at_ms) != self.newest[0] {
            self.newest[1] = Some(sample.at_ms);
        }
    }

    pub fn finish(self, group_id: &str, scan_truncated: bool) -> LagHistory {
        let mut series: Vec<LagSeries> = self
            .series
            .into_iter()
            .map(|((topic, partition), buckets)| series(Some(topic), partition, buckets))
            .collect();
        let last = |s: &LagSeries| s.points.last().map_or(0, |p| p.lag);
        series.sort_by(|a, b| {
            last(b)
                .cmp(&last(a))
                .then_with(|| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)))
        });
        let cut = series.len() > LAG_HISTORY_MAX_SERIES;
        series.truncate(LAG_HISTORY_MAX_SERIES);
        LagHistory {
            group_id: group_id.to_owned(),
            window: self.window,
            from_ms: self.from_ms,
            to_ms: self.to_ms,
            step_ms: self.step_ms,
            samples: self.samples,
            total: series_total(self.total),
            series,
            truncated: scan_truncated || cut || self.dropped_series,
            sample_interval_ms: match self.newest {
                [Some(a), Some(b)] => Some(a - b),
                _ => None,
            },
        }
    }
}

fn empty() -> Buckets {
    vec![(0, 0, 0); LAG_HISTORY_MAX_POINTS]
}

fn put(buckets: &mut Buckets, bucket: usize, lag: u64, at_ms: i64) {
    let (sum, count, last) = &mut buckets[bucket];
    *sum += lag;
    *count += 1;
    *last = (*last).max(at_ms);
}

fn series_total(buckets: Buckets) -> LagSeries {
    series(None, None, buckets)
}

fn series(topic: Option<String>, partition: Option<i32>, buckets: Buckets) -> LagSeries {
    let points: Vec<LagPoint> = buckets
        .into_iter()
        .filter(|(_, count, _)| *count > 0)
        .map(|(sum, count, at_ms)| LagPoint {
            at_ms,
            lag: sum / u64::from(count),
        })
        .collect();
    LagSeries {
        trend: trend(&points),
        topic,
        partition,
        points,
    }
}

/// The last stretch in which the lag kept one direction (never falling
/// while growing, never rising while shrinking; unchanged when steady) and
/// its mean rate. `None` with fewer than two points.
pub fn trend(points: &[LagPoint]) -> Option<LagTrend> {
    let [.., before, last] = points else {
        return None;
    };
    let direction = match last.lag.cmp(&before.lag) {
        std::cmp::Ordering::Greater => TrendDirection::Growing,
        std::cmp::Ordering::Less => TrendDirection::Shrinking,
        std::cmp::Ordering::Equal => TrendDirection::Steady,
    };
    let keeps = |older: &LagPoint, newer: &LagPoint| match direction {
        TrendDirection::Growing => older.lag <= newer.lag,
        TrendDirection::Shrinking => older.lag >= newer.lag,
        TrendDirection::Steady => older.lag == newer.lag,
    };
    let mut start = points.len() - 1;
    while start > 0 && keeps(&points[start - 1], &points[start]) {
        start -= 1;
    }
    let first = &points[start];
    let minutes = (last.at_ms - first.at_ms) as f64 / 60_000.0;
    let per_min = if minutes > 0.0 {
        (last.lag as f64 - first.lag as f64) / minutes
    } else {
        0.0
    };
    Some(LagTrend {
        direction,
        since_ms: first.at_ms,
        per_min: (per_min * 10.0).round() / 10.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(at_ms: i64, lag: u64) -> LagPoint {
        LagPoint { at_ms, lag }
    }

    #[test]
    fn the_trend_is_the_last_stretch_in_one_direction() {
        let points = [
            point(0, 500),
            point(60_000, 100),
            point(120_000, 100),
            point(180_000, 220),
            point(240_000, 340),
        ];
        let t = trend(&points).unwrap();
        assert_eq!(t.direction, TrendDirection::Growing);
        assert_eq!(t.since_ms, 60_000, "the flat start of the rise counts");
        assert_eq!(t.per_min, 80.0);
        let falling = trend(&[point(0, 300), point(60_000, 200), point(120_000, 100)]).unwrap();
        assert_eq!(
            (falling.direction, falling.per_min),
            (TrendDirection::Shrinking, -100.0)
        );
        assert_eq!(
            trend(&[point(0, 1), point(1, 1)]).unwrap().direction,
            TrendDirection::Steady
        );
        assert!(trend(&[point(0, 1)]).is_none());
    }

    #[test]
    fn samples_fall_into_buckets_per_topic_or_partition() {
        let query = LagHistoryQuery {
            window: Some(LagWindow::Hour),
            by_partition: Some(true),
            topic: None,
        };
        let now = 10_000_000;
        let mut chart = Chart::new(&query, now);
        for i in 0..60 {
            chart.add(&GroupSample {
                at_ms: now - 3_600_000 + i * 60_000 + 1,
                group: "g".into(),
                members: 1,
                partitions: vec![
                    ("a".into(), 0, 0, i),
                    ("a".into(), 1, 0, 2 * i),
                    ("b".into(), 0, 5, 5),
                ],
            });
        }
        chart.add(&GroupSample {
            at_ms: now - 3_600_001,
            group: "g".into(),
            members: 1,
            partitions: vec![("a".into(), 0, 0, 1_000_000)],
        });
        let history = chart.finish("g", false);
        assert_eq!(history.samples, 60, "the sample before the window is left out");
        assert_eq!(history.step_ms, 10_000);
        assert_eq!(history.series.len(), 3);
        assert_eq!(
            (
                history.series[0].partition,
                history.series[0].points.last().unwrap().lag
            ),
            (Some(1), 118)
        );
        assert_eq!(history.total.points.len(), 60);
        assert_eq!(history.total.points.last().unwrap().lag, 59 * 3);
        assert_eq!(history.sample_interval_ms, Some(60_000));
        assert_eq!(history.total.trend.as_ref().unwrap().per_min, 3.0);
    }
}
