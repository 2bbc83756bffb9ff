//! W3C Trace Context for the hops of one request: the BFF starts a trace (or
//! continues the ALB's), passes it on in `traceparent` through Kong to the
//! Lambdas, and the Lambdas put it on the records they produce, so one trace id
//! is in every hop's logs, in X-Ray and in the record a consumer reads.
//!
//! Only the `traceparent` header is read and written (version `00`); vendors'
//! `tracestate` is not kept, since no hop here adds to it. Trace ids this code
//! starts begin with the current Unix time in seconds, as X-Ray's do, so the
//! same id is valid in X-Ray without translation and still a random W3C id.

use std::{
    fmt,
    time::{SystemTime, UNIX_EPOCH},
};

use axum::http::{HeaderMap, HeaderValue};

/// The W3C header that carries the trace from hop to hop (and on records).
pub const TRACEPARENT: &str = "traceparent";
/// What an AWS load balancer adds to each request: `Root=1-<8 hex>-<24 hex>;…`.
pub const AMZN_TRACE_ID: &str = "x-amzn-trace-id";
/// The answer's header naming the trace and this hop's span (W3C Trace
/// Context level 2), so a caller can find the request in the traces.
pub const TRACERESPONSE: &str = "traceresponse";

/// One hop's place in a trace: the trace, this hop's span, whether the trace
/// is sampled.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct TraceContext {
    trace_id: [u8; 16],
    span_id: [u8; 8],
    sampled: bool,
}

impl TraceContext {
    /// A new trace, its first span; sampled (whether spans are exported at all
    /// is the exporter's configuration).
    pub fn start() -> Self {
        Self {
            trace_id: new_trace_id(),
            span_id: new_span_id(),
            sampled: true,
        }
    }

    /// A context from the ids of an exported span ([`crate::telemetry`]);
    /// `None` for the invalid ids of a span that is not recorded.
    pub(crate) fn from_ids(trace_id: [u8; 16], span_id: [u8; 8], sampled: bool) -> Option<Self> {
        Self::valid(trace_id, span_id, sampled)
    }

    pub(crate) fn ids(&self) -> ([u8; 16], [u8; 8]) {
        (self.trace_id, self.span_id)
    }

    /// The trace a request comes with: its `traceparent` (a traced caller, the
    /// BFF, Kong), else the load balancer's `X-Amzn-Trace-Id`. `None` when it
    /// carries neither (or only malformed ones): the request starts a trace.
    pub fn of_request(headers: &HeaderMap) -> Option<Self> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        header(TRACEPARENT)
            .and_then(Self::parse_traceparent)
            .or_else(|| header(AMZN_TRACE_ID).and_then(Self::parse_amzn_trace_id))
    }

    /// A hop's own span: under `parent` if the request came with one, else
    /// the first of a new trace.
    pub fn hop_under(parent: Option<Self>) -> Self {
        parent.map_or_else(Self::start, |parent| parent.child())
    }

    /// A span in the same trace, a child of this one.
    pub fn child(&self) -> Self {
        Self {
            span_id: new_span_id(),
            ..*self
        }
    }

    /// `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`. Ids of all zeros
    /// are invalid; a later version's extra fields are ignored, as the
    /// specification asks.
    pub fn parse_traceparent(value: &str) -> Option<Self> {
        let mut parts = value.trim().split('-');
        let version = parts.next()?;
        let (trace, span, flags) = (parts.next()?, parts.next()?, parts.next()?);
        if version.len() != 2
            || version == "ff"
            || !is_hex(version)
            || (version == "00" && parts.next().is_some())
        {
            return None;
        }
        let trace_id = hex_array::<16>(trace)?;
        let span_id = hex_array::<8>(span)?;
        let [flags] = hex_array::<1>(flags)?;
        Self::valid(trace_id, span_id, flags & 1 == 1)
    }

    /// `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1`:
    /// the root is the trace id (time and random part joined), the parent the
    /// caller's span. The load balancer sends no parent: its span is then
    /// given a random id, which only the child's parent field ever shows.
    pub fn parse_amzn_trace_id(value: &str) -> Option<Self> {
        let field = |name: &str| {
            value
                .split(';')
                .filter_map(|part| part.trim().split_once('='))
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        };
        let mut root = field("Root")?.split('-');
        let (version, time, random) = (root.next()?, root.next()?, root.next()?);
        if version != "1" || time.len() != 8 || random.len() != 24 || root.next().is_some() {
            return None;
        }
        let trace_id = hex_array::<16>(&format!("{time}{random}"))?;
        let span_id = match field("Parent") {
            Some(parent) => hex_array::<8>(parent)?,
            None => new_span_id(),
        };
        Self::valid(trace_id, span_id, field("Sampled") != Some("0"))
    }

    fn valid(trace_id: [u8; 16], span_id: [u8; 8], sampled: bool) -> Option<Self> {
        (trace_id != [0; 16] && span_id != [0; 8]).then_some(Self {
            trace_id,
            span_id,
            sampled,
        })
    }

    /// The header value naming this span, for the next hop or a record.
    pub fn traceparent(&self) -> String {
        format!(
            "00-{}-{}-{:02x}",
            self.trace_id(),
            self.span_id(),
            u8::from(self.sampled)
        )
    }

    pub fn header_value(&self) -> HeaderValue {
        HeaderValue::from_str(&self.traceparent()).expect("hex and dashes are a valid header")
    }

    /// 32 lower-case hex digits, as logs and trace viewers show it.
    pub fn trace_id(&self) -> String {
        hex(&self.trace_id)
    }

    pub fn span_id(&self) -> String {
        hex(&self.span_id)
    }

    pub fn sampled(&self) -> bool {
        self.sampled
    }
}

impl fmt::Debug for TraceContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.traceparent())
    }
}

/// The current Unix time in seconds, then 12 random bytes.
pub(crate) fn new_trace_id() -> [u8; 16] {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as u32;
    let mut trace_id = [0u8; 16];
    trace_id[..4].copy_from_slice(&seconds.to_be_bytes());
    trace_id[4..].copy_from_slice(&random::<12>());
    trace_id
}

pub(crate) fn new_span_id() -> [u8; 8] {
    loop {
        let id = random::<8>();
        if id != [0; 8] {
            return id;
        }
    }
}

/// Bytes from the operating system's generator (Linux `getrandom(2)`), as
/// the request ids' `uuid` takes them, and like it this panics only if the
/// system has none.
fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random generator");
    bytes
}

fn is_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Lower-case hex only: the specification forbids upper case in `traceparent`.
fn hex_array<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != 2 * N || !is_hex(s) {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARENT: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    #[test]
    fn a_traceparent_is_read_and_written_back_the_same() {
        let context = TraceContext::parse_traceparent(PARENT).unwrap();
        assert_eq!(context.trace_id(), "0af7651916cd43dd8448eb211c80319c");
        assert_eq!(context.span_id(), "b7ad6b7169203331");
        assert!(context.sampled());
        assert_eq!(context.traceparent(), PARENT);
        let unsampled = TraceContext::parse_traceparent(&PARENT.replace("-01", "-00")).unwrap();
        assert!(!unsampled.sampled());
    }

    #[test]
    fn malformed_traceparents_are_ignored() {
        for bad in [
            "",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",
            "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
            "00-00000000000000000000000000000000-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
            "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra",
            "00-0af7651916cd43dd8448eb211c8031-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319g-b7ad6b7169203331-01",
        ] {
            assert_eq!(TraceContext::parse_traceparent(bad), None, "{bad:?}");
        }
        // A later version may add fields; what version 00 defines is still read.
        assert!(
            TraceContext::parse_traceparent(&format!("{}-later", PARENT.replacen("00", "01", 1))).is_some()
        );
    }

    #[test]
    fn a_load_balancer_trace_id_becomes_the_trace() {
        let from_alb = TraceContext::parse_amzn_trace_id("Root=1-5759e988-bd862e3fe1be46a994272793").unwrap();
        assert_eq!(from_alb.trace_id(), "5759e988bd862e3fe1be46a994272793");
        assert!(from_alb.sampled());
        let with_parent = TraceContext::parse_amzn_trace_id(
            "Self=1-67891234-12456789abcdef012345678;Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0",
        )
        .unwrap();
        assert_eq!(with_parent.span_id(), "53995c3f42cd8ad8");
        assert!(!with_parent.sampled());
        for bad in [
            "Root=2-5759e988-bd862e3fe1be46a994272793",
            "Root=1-5759e988",
            "Parent=53995c3f42cd8ad8",
            "junk",
        ] {
            assert_eq!(TraceContext::parse_amzn_trace_id(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_request_continues_its_trace_in_a_span_of_its_own() {
        let mut headers = HeaderMap::new();
        headers.insert(
            AMZN_TRACE_ID,
            HeaderValue::from_static("Root=1-5759e988-bd862e3fe1be46a994272793"),
        );
        let hop = TraceContext::hop_under(TraceContext::of_request(&headers));
        assert_eq!(hop.trace_id(), "5759e988bd862e3fe1be46a994272793");
        // traceparent wins over the load balancer's header.
        headers.insert(TRACEPARENT, HeaderValue::from_static(PARENT));
        let hop = TraceContext::hop_under(TraceContext::of_request(&headers));
        assert_eq!(hop.trace_id(), "0af7651916cd43dd8448eb211c80319c");
        assert_ne!(hop.span_id(), "b7ad6b7169203331");
    }

    #[test]
    fn a_new_trace_id_starts_with_the_time_as_x_ray_asks() {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        let started = TraceContext::start();
        let seconds = u64::from_str_radix(&started.trace_id()[..8], 16).unwrap();
        assert!(seconds.abs_diff(now) <= 2);
        assert_ne!(TraceContext::start().trace_id(), started.trace_id());
        assert_eq!(
            TraceContext::parse_traceparent(&started.traceparent()),
            Some(started)
        );
    }
}
