//! Percent-decoding for the checks on paths that come from the browser
//! (`routes::api_path`, `return_to`): they must judge what a server or a
//! browser will make of the text, not only its raw form.

/// `%XX` escapes decoded once; `None` for a `%` not followed by two hex digits.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Below 0x20, or DEL.
pub fn is_control(byte: u8) -> bool {
    byte < 0x20 || byte == 0x7f
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_once_and_refuses_malformed_escapes() {
        assert_eq!(super::decode("a%2e%2Eb%25").unwrap(), b"a..b%");
        assert_eq!(super::decode("%252e").unwrap(), b"%2e");
        for bad in ["%", "%2", "%zz", "%+1", "a%2"] {
            assert_eq!(super::decode(bad), None, "{bad}");
        }
    }
}
