//! Whether the IdP answers right now, asked before a login sends the browser
//! there.
//!
//! Discovery happens once; after that the provider is always "known", and
//! without this check an IdP that went down would get every browser sent on to
//! an unreachable page. The answer is cached briefly (up: [`UP_FOR`], down:
//! [`DOWN_FOR`]), and one probe runs at a time, so a flood of logins costs the
//! IdP at most one request per couple of seconds, and a login never waits
//! longer than [`PROBE_TIMEOUT`].
//!
//! A probe that fails without an answer is tried once more, on a new
//! connection, within the same budget: a pooled connection that the IdP closed
//! just as the probe was written on it fails the request without saying
//! anything about the IdP (hyper's "connection closed before message
//! completed"), and a login must not be refused for that.

use std::time::{Duration, Instant};

use tokio::sync::Mutex;
use url::Url;

pub const UP_FOR: Duration = Duration::from_secs(2);
pub const DOWN_FOR: Duration = Duration::from_secs(1);
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

pub struct Reachability {
    /// The issuer's discovery document: every OpenID Provider serves it.
    probe: Url,
    last: Mutex<Option<(Instant, bool)>>,
}

impl Reachability {
    pub fn new(issuer: &str) -> Result<Self, url::ParseError> {
        Ok(Self {
            probe: Url::parse(&format!("{issuer}/.well-known/openid-configuration"))?,
            last: Mutex::default(),
        })
    }

    pub async fn is_up(&self, http: &reqwest::Client) -> bool {
        let mut last = self.last.lock().await;
        if let Some((at, up)) = *last {
            let fresh_for = if up { UP_FOR } else { DOWN_FOR };
            if at.elapsed() < fresh_for {
                return up;
            }
        }
        let up = self.probe(http).await;
        if !up {
            tracing::warn!(probe = %self.probe, "the identity provider does not answer");
        }
        *last = Some((Instant::now(), up));
        up
    }

    async fn probe(&self, http: &reqwest::Client) -> bool {
        let started = Instant::now();
        for attempt in 0..2 {
            let left = PROBE_TIMEOUT.saturating_sub(started.elapsed());
            if left.is_zero() {
                break;
            }
            match http.get(self.probe.clone()).timeout(left).send().await {
                Ok(response) => return response.status().is_success(),
                // A timeout used the budget up; a connection lost before any answer
                // is worth the second try (see the module's note).
                Err(e) if e.is_timeout() => break,
                Err(e) => tracing::debug!(attempt, error = %e, "identity provider probe failed"),
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::{
        io::{AsyncReadExt, AsyncWriteExt},
        net::TcpListener,
    };

    /// An IdP whose first connection is closed as soon as a request arrives on
    /// it (the stale keep-alive race), and whose later ones answer.
    async fn idp_losing_its_first_connection() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let mut connections = 0;
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                connections += 1;
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                if connections > 1 {
                    let body = "{}";
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                }
                drop(socket);
            }
        });
        format!("http://{address}")
    }

    #[tokio::test]
    async fn a_connection_lost_before_the_answer_is_tried_again() {
        let issuer = idp_losing_its_first_connection().await;
        let reachability = Reachability::new(&issuer).unwrap();
        assert!(reachability.is_up(&reqwest::Client::new()).await);
    }

    #[tokio::test]
    async fn an_idp_that_never_answers_is_down_within_the_budget() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        // Accepts (the kernel's backlog does) but never answers.
        let reachability = Reachability::new(&issuer).unwrap();
        let started = Instant::now();
        assert!(!reachability.is_up(&reqwest::Client::new()).await);
        assert!(started.elapsed() < PROBE_TIMEOUT + Duration::from_millis(500));
        drop(listener);
    }
}
