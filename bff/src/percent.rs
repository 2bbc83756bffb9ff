//! Percent-decoding for the checks on paths that come from the browser
//! (`routes::api_path`, `return_to`): they must judge what a server or a
//! browser will make of the text, not only its raw form.

/// `%XX` escapes decoded once (the contract's one decoder); `None` for a
/// `%` not followed by two hex digits.
pub use configurator_api::routes::percent_decode_bytes as decode;

/// Below 0x20, or DEL.
pub fn is_control(byte: u8) -> bool {
    byte < 0x20 || byte == 0x7f
}
