//! How numbers, times and durations read in the console. Dates come from the
//! browser's own `Date` (no date crate in the download).

use js_sys::Date;
use wasm_bindgen::JsValue;

/// `1234567` → `1,234,567`.
pub fn int(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Unix milliseconds → `2026-05-04 13:07:09` in the browser's time zone.
pub fn date_time(ms: i64) -> String {
    let d = Date::new(&JsValue::from_f64(ms as f64));
    format!(
        "{}-{:02}-{:02} {:02}:{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}

/// Unix milliseconds → ISO 8601 in UTC, for tooltips and downloads.
pub fn iso(ms: i64) -> String {
    Date::new(&JsValue::from_f64(ms as f64)).to_iso_string().into()
}

/// How long ago, roughly: `12 s ago`, `5 min ago`, `3 h ago`, `2 d ago`.
pub fn ago(ms: i64) -> String {
    let secs = ((Date::now() as i64 - ms) / 1000).max(0);
    match secs {
        0..60 => format!("{secs} s ago"),
        60..3600 => format!("{} min ago", secs / 60),
        3600..86400 => format!("{} h ago", secs / 3600),
        _ => format!("{} d ago", secs / 86400),
    }
}

/// A duration in milliseconds as people say it: `7 days`, `12 hours`; `-1` is forever.
pub fn duration_ms(ms: i64) -> String {
    if ms < 0 {
        return "forever".into();
    }
    let units = [
        (86_400_000, "day"),
        (3_600_000, "hour"),
        (60_000, "minute"),
        (1000, "second"),
    ];
    for (size, name) in units {
        if ms >= size && ms % size == 0 {
            let n = ms / size;
            return format!("{n} {name}{}", if n == 1 { "" } else { "s" });
        }
    }
    format!("{ms} ms")
}

/// The value of a `datetime-local` input (local time) → Unix milliseconds.
pub fn parse_local_date_time(value: &str) -> Option<i64> {
    let ms = Date::parse(value);
    (!ms.is_nan()).then_some(ms as i64)
}

/// Unix milliseconds → the value of a `datetime-local` input (local time).
pub fn local_date_time_value(ms: i64) -> String {
    date_time(ms).replacen(' ', "T", 1)
}

/// Adds `n` to the sorted `list` unless it is there (partition choices).
pub fn insert_sorted(list: &mut Vec<i32>, n: i32) {
    if let Err(at) = list.binary_search(&n) {
        list.insert(at, n);
    }
}

/// `s` cut to `max` characters, with an ellipsis when cut.
pub fn preview(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// A size as people read it: `512 bytes`, `16 KiB`, `1.2 MiB` (integer
/// arithmetic: no float formatting in the download).
pub fn bytes(n: u64) -> String {
    let (unit, size) = match n {
        0..1024 => return format!("{n} bytes"),
        1024..1_048_576 => ("KiB", 1024),
        _ => ("MiB", 1_048_576),
    };
    let tenths = (n * 10 + size / 2) / size;
    match tenths % 10 {
        0 => format!("{} {unit}", tenths / 10),
        d => format!("{}.{d} {unit}", tenths / 10),
    }
}

/// Where a bounded read stopped: "the record budget", …
pub fn stop_reason(why: configurator_api::ScanStop) -> String {
    use configurator_api::ScanStop::*;
    match why {
        RecordBudget => "the record budget".into(),
        TimeBudget => "the time budget".into(),
        ByteBudget => format!("the {} answer budget", bytes(configurator_api::BROWSE_MAX_BYTES)),
    }
}

/// How far behind in time, as people say it: `3 s`, `4 min 12 s`,
/// `2 h 5 min`, `3 d 4 h` (two units at most; below a second `< 1 s`).
pub fn elapsed(ms: u64) -> String {
    let secs = ms / 1000;
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    let pair = |a: u64, ua: &str, b: u64, ub: &str| {
        if b == 0 {
            format!("{a} {ua}")
        } else {
            format!("{a} {ua} {b} {ub}")
        }
    };
    match (d, h, m) {
        _ if ms < 1000 => "< 1 s".into(),
        (0, 0, 0) => format!("{s} s"),
        (0, 0, _) => pair(m, "min", s, "s"),
        (0, ..) => pair(h, "h", m, "min"),
        _ => pair(d, "d", h, "h"),
    }
}

/// A group's or a partition's time lag: `—` with nothing to read, `unknown`
/// when there is lag but its record was not read in time.
pub fn time_lag(ms: Option<u64>, lag: u64) -> String {
    match (ms, lag) {
        (None | Some(0), 0) => "—".into(),
        (None, _) => "unknown".into(),
        (Some(ms), _) => elapsed(ms),
    }
}

/// `x` with one decimal below 10, whole above (`0.5`, `12`, `1,234`),
/// through integers: no float formatting in the download.
pub fn decimal(x: f64) -> String {
    let x = x.abs();
    if x >= 9.95 {
        int(x.round() as i64)
    } else {
        let tenths = (x * 10.0).round() as i64;
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// A produce rate: `—` before the sampler has history, `idle`, `1,234/min`.
pub fn rate(per_min: Option<f64>) -> String {
    match per_min {
        None => "—".into(),
        Some(r) if r <= 0.0 => "idle".into(),
        Some(r) if r < 0.05 => "< 0.1/min".into(),
        Some(r) => format!("{}/min", decimal(r)),
    }
}

/// Unix milliseconds → `14:07` in the browser's time zone.
pub fn clock(ms: i64) -> String {
    let d = Date::new(&JsValue::from_f64(ms as f64));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// The browser's time zone: `Europe/Berlin (UTC+01:00)` at `ms`.
pub fn time_zone(ms: i64) -> String {
    let offset = -(Date::new(&JsValue::from_f64(ms as f64)).get_timezone_offset() as i64);
    let sign = if offset < 0 { '-' } else { '+' };
    let utc = format!("UTC{sign}{:02}:{:02}", offset.abs() / 60, offset.abs() % 60);
    let options =
        js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new()).resolved_options();
    match js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|z| z.as_string())
    {
        Some(zone) => format!("{zone} ({utc})"),
        None => utc,
    }
}

/// `1234` → `1.2k`, for labels that must stay short.
pub fn compact(n: u64) -> String {
    match n {
        0..1000 => n.to_string(),
        1000..1_000_000 => format!("{}.{}k", n / 1000, n % 1000 / 100),
        _ => format!("{}.{}M", n / 1_000_000, n % 1_000_000 / 100_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_reads_as_people_say_it() {
        assert_eq!(elapsed(0), "< 1 s");
        assert_eq!(elapsed(3_400), "3 s");
        assert_eq!(elapsed(60_000), "1 min");
        assert_eq!(elapsed(252_000), "4 min 12 s");
        assert_eq!(elapsed(7_500_000), "2 h 5 min");
        assert_eq!(elapsed(7_200_000), "2 h");
        assert_eq!(elapsed(3 * 86_400_000 + 4 * 3_600_000 + 59_000), "3 d 4 h");
    }

    #[test]
    fn time_lag_without_lag_or_record() {
        assert_eq!(time_lag(None, 0), "—");
        assert_eq!(time_lag(Some(0), 0), "—");
        assert_eq!(time_lag(None, 12), "unknown");
        assert_eq!(time_lag(Some(3_000), 12), "3 s");
    }

    #[test]
    fn rates() {
        assert_eq!(rate(None), "—");
        assert_eq!(rate(Some(0.0)), "idle");
        assert_eq!(rate(Some(0.01)), "< 0.1/min");
        assert_eq!(rate(Some(0.54)), "0.5/min");
        assert_eq!(rate(Some(9.96)), "10/min");
        assert_eq!(rate(Some(1234.4)), "1,234/min");
        assert_eq!(decimal(-120.0), "120");
    }
}
