//! Which API paths the proxy forwards.
//!
//! The upstream URL is built with the `url` crate, which resolves dot
//! segments (`..`, `.`, and their percent-encoded forms `%2e%2e`, `.%2E`, …)
//! as a browser would: `/api/v1/../../probe` would leave the API and reach
//! `/probe` on the upstream, with the person's bearer token (and behind Kong,
//! the BFF's own key). Encoded slashes and backslashes (`%2f`, `%5c`) and
//! empty segments (`//`) are refused too: servers and gateways disagree about
//! them, and no API route has them. Nothing the console sends looks like this,
//! so a refusal costs a real caller nothing.

use crate::percent;

/// Why a path was refused; the text is safe to show the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPath {
    #[error("The API path has an empty segment (`//` or a trailing `/`).")]
    EmptySegment,
    #[error("The API path has a `.` or `..` segment (raw or percent-encoded).")]
    DotSegment,
    #[error("The API path has an encoded slash or a backslash (`%2f`, `%5c`, `\\`) in a segment.")]
    Separator,
    #[error("The API path has a control character or a malformed percent escape.")]
    BadCharacter,
}

/// Checks the path after `/api/v1/` (what the route's wildcard matched).
pub fn check(rest: &str) -> Result<(), InvalidPath> {
    for segment in rest.split('/') {
        if segment.is_empty() {
            return Err(InvalidPath::EmptySegment);
        }
        let decoded = percent::decode(segment).ok_or(InvalidPath::BadCharacter)?;
        if decoded == b"." || decoded == b".." {
            return Err(InvalidPath::DotSegment);
        }
        if decoded.iter().any(|b| matches!(b, b'/' | b'\\')) {
            return Err(InvalidPath::Separator);
        }
        if decoded.iter().copied().any(percent::is_control) {
            return Err(InvalidPath::BadCharacter);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{InvalidPath, check};

    #[test]
    fn api_paths_pass() {
        for ok in [
            "topics",
            "topics/demo.orders/messages",
            "topics/a..b",
            "topics/.hidden",
            "topics/%2e%2e.x",
            "groups/demo-billing",
            "topics/na%20me",
            "topics/100%25",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn dot_segments_are_refused_raw_or_encoded() {
        for bad in [
            "..",
            ".",
            "../probe",
            "topics/..",
            "topics/./x",
            "%2e%2e/%2e%2e/probe",
            "%2E%2E",
            "%2e",
            ".%2e",
            "%2E.",
            "topics/.%2E/x",
        ] {
            assert_eq!(check(bad), Err(InvalidPath::DotSegment), "{bad}");
        }
    }

    #[test]
    fn encoded_separators_and_empty_segments_are_refused() {
        for bad in ["topics%2f..", "a%2Fb", "a%5cb", "a%5C..", "a\\b"] {
            assert_eq!(check(bad), Err(InvalidPath::Separator), "{bad}");
        }
        for bad in ["", "/topics", "topics//x", "topics/"] {
            assert_eq!(check(bad), Err(InvalidPath::EmptySegment), "{bad:?}");
        }
        for bad in ["a%00b", "a%0a", "a%7f", "a%zz", "a%2", "a%"] {
            assert_eq!(check(bad), Err(InvalidPath::BadCharacter), "{bad}");
        }
    }
}
