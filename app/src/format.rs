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
