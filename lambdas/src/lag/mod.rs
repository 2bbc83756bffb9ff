//! Consumer groups over time: the sampler that records every group's
//! committed and end offsets once a minute ([`sampler`]), the health verdict
//! read from those records and the live state ([`health`]), and the lag
//! chart built from them ([`chart`]). The records themselves are
//! [`crate::kafka::lag_history`]'s.

pub mod chart;
pub mod health;
pub mod sampler;

/// "45 s", "6 min", "2 h 5 min", "3 d 4 h": a duration as people say it.
pub fn human_ms(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86_400 => match (s / 3600, s % 3600 / 60) {
            (h, 0) => format!("{h} h"),
            (h, m) => format!("{h} h {m} min"),
        },
        _ => match (s / 86_400, s % 86_400 / 3600) {
            (d, 0) => format!("{d} d"),
            (d, h) => format!("{d} d {h} h"),
        },
    }
}

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_counts_read_as_people_write_them() {
        assert_eq!(human_ms(999), "0 s");
        assert_eq!(human_ms(45_000), "45 s");
        assert_eq!(human_ms(6 * 60_000 + 5_000), "6 min");
        assert_eq!(human_ms(2 * 3_600_000 + 5 * 60_000), "2 h 5 min");
        assert_eq!(human_ms(3 * 86_400_000), "3 d");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
