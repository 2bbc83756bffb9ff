//! Settings read from the environment once at start, each with a local default
//! so the BFF runs against the embedded dev stack unconfigured. Bad values stop
//! the process with a message naming the variable.

use std::{env, net::SocketAddr, path::PathBuf, time::Duration};

use anyhow::{Context, bail};
use url::Url;

#[derive(Debug, Clone)]
pub struct Config {
    pub listen_addr: SocketAddr,
    /// Origin people reach the console at (scheme://host[:port]); the OIDC
    /// redirect URI is built from it.
    pub public_origin: Url,
    /// Where the console lives on that origin, e.g. `/dev/configurator`.
    pub base_path: String,
    pub oidc: OidcConfig,
    pub upstream: UpstreamConfig,
    /// The built SPA (trunk's output).
    pub spa_dir: PathBuf,
    pub session: SessionConfig,
    /// Shown in the console's header (e.g. `dev`, `prod`) so people know
    /// which cluster they are changing.
    pub environment_label: String,
}

#[derive(Debug, Clone)]
pub struct OidcConfig {
    pub issuer: Url,
    pub client_id: String,
    pub client_secret: Secret,
    pub scopes: Vec<String>,
    /// Refresh the access token when it has less than this left.
    pub refresh_skew: Duration,
}

/// Where API calls go (see `upstream`).
#[derive(Debug, Clone)]
pub struct UpstreamConfig {
    /// The Lambdas' local server or Kong (`/api/v1/…` is appended).
    pub url: Url,
    /// The BFF's own Kong key, sent as `apikey`.
    pub api_key: Option<Secret>,
    /// When set, API calls invoke this Lambda function directly instead.
    pub lambda_function: Option<String>,
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// `memory` (one BFF process) or a `redis://` URL (several), which may
    /// carry the Redis AUTH token.
    pub store: Secret,
    pub idle_timeout: Duration,
    pub absolute_timeout: Duration,
    /// How long a login attempt may take between `/auth/login` and the
    /// callback; also the lifetime of a session that has only such attempts.
    pub login_timeout: Duration,
    /// The memory store keeps at most this many sessions without a signed-in
    /// person; past it, `/auth/login` answers "try again shortly".
    pub max_anonymous: usize,
    /// `false` only for plain-http hosts other than localhost: drops `Secure`
    /// and with it the `__Host-` cookie prefix.
    pub cookie_secure: bool,
}

impl Config {
    /// The environment, over the `KEY=VALUE` lines of `CONFIG_FILE` when set
    /// (an env file as ECS and systemd use them).
    pub fn from_env() -> anyhow::Result<Self> {
        let file = match env::var("CONFIG_FILE").ok().filter(|v| !v.is_empty()) {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("CONFIG_FILE {path} cannot be read"))?;
                parse_env_file(&text).with_context(|| format!("CONFIG_FILE {path}"))?
            }
            None => Vec::new(),
        };
        Self::from_lookup(|name| {
            env::var(name)
                .ok()
                .or_else(|| file.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
        })
    }

    /// Reads the settings through `lookup` (the environment in production; a
    /// map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let vars = Vars(&lookup);
        let base_path = vars.or("BASE_PATH", "/dev/configurator");
        if !base_path.starts_with('/') || base_path.ends_with('/') {
            bail!("BASE_PATH must start with '/' and not end with one, got {base_path:?}");
        }
        let public_origin = vars.url("PUBLIC_URL", "http://localhost:8080")?;
        if public_origin.path() != "/" {
            bail!("PUBLIC_URL is an origin only (scheme://host[:port]); put the path in BASE_PATH");
        }
        Ok(Self {
            listen_addr: vars
                .or("LISTEN_ADDR", "127.0.0.1:8080")
                .parse()
                .context("LISTEN_ADDR must be host:port, e.g. 127.0.0.1:8080")?,
            public_origin,
            base_path,
            oidc: OidcConfig {
                issuer: vars.url("OIDC_ISSUER", "http://localhost:9400")?,
                client_id: vars.or("OIDC_CLIENT_ID", "configurator-bff"),
                client_secret: Secret::new(vars.or("OIDC_CLIENT_SECRET", "configurator-local-secret")),
                scopes: vars
                    .or("OIDC_SCOPES", "openid profile email groups")
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
                refresh_skew: vars.secs("OIDC_REFRESH_SKEW_SECS", 10)?,
            },
            upstream: UpstreamConfig {
                url: vars.url("UPSTREAM_URL", "http://127.0.0.1:9300")?,
                api_key: vars.optional("UPSTREAM_API_KEY").map(Secret::new),
                lambda_function: vars.optional("UPSTREAM_LAMBDA_FUNCTION"),
                timeout: vars.secs("UPSTREAM_TIMEOUT_SECS", 30)?,
            },
            spa_dir: vars.or("SPA_DIR", "target/dist").into(),
            session: SessionConfig {
                store: Secret::new(vars.or("SESSION_STORE", "memory")),
                idle_timeout: vars.secs("SESSION_IDLE_TIMEOUT_SECS", 30 * 60)?,
                absolute_timeout: vars.secs("SESSION_ABSOLUTE_TIMEOUT_SECS", 8 * 60 * 60)?,
                login_timeout: vars.secs("SESSION_LOGIN_TIMEOUT_SECS", 10 * 60)?,
                max_anonymous: vars.count("SESSION_MAX_ANONYMOUS", 100_000)?,
                cookie_secure: vars.boolean("COOKIE_SECURE", true)?,
            },
            environment_label: vars.or("ENVIRONMENT_LABEL", "local"),
        })
    }

    /// The full URL of a path under the base path, e.g. `/auth/callback`.
    pub fn public_url(&self, path: &str) -> Url {
        let mut url = self.public_origin.clone();
        url.set_path(&format!("{}{path}", self.base_path));
        url
    }
}

pub use configurator_api::server::Secret;

/// `KEY=VALUE` per line; blank lines and `#` comments are skipped, and one
/// pair of surrounding quotes is removed from a value.
fn parse_env_file(text: &str) -> anyhow::Result<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            bail!("line {}: expected KEY=VALUE, got {line:?}", number + 1);
        };
        let value = value.trim();
        let unquoted = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value);
        pairs.push((key.trim().to_owned(), unquoted.to_owned()));
    }
    Ok(pairs)
}

struct Vars<'a>(&'a dyn Fn(&str) -> Option<String>);

impl Vars<'_> {
    fn optional(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|v| !v.is_empty())
    }

    fn or(&self, name: &str, default: &str) -> String {
        (self.0)(name)
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| default.to_owned())
    }

    fn url(&self, name: &str, default: &str) -> anyhow::Result<Url> {
        let value = self.or(name, default);
        let url = Url::parse(&value).with_context(|| format!("{name} is not a URL: {value:?}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            bail!("{name} must be an http(s) URL, got {value:?}");
        }
        Ok(url)
    }

    fn secs(&self, name: &str, default: u64) -> anyhow::Result<Duration> {
        let value = self.or(name, &default.to_string());
        let secs: u64 = value
            .parse()
            .with_context(|| format!("{name} must be a whole number of seconds, got {value:?}"))?;
        Ok(Duration::from_secs(secs))
    }

    fn count(&self, name: &str, default: usize) -> anyhow::Result<usize> {
        let value = self.or(name, &default.to_string());
        value
            .parse()
            .with_context(|| format!("{name} must be a whole number, got {value:?}"))
    }

    fn boolean(&self, name: &str, default: bool) -> anyhow::Result<bool> {
        match self.or(name, if default { "true" } else { "false" }).as_str() {
            "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" => Ok(false),
            other => bail!("{name} must be true or false, got {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Config;

    fn config(vars: &[(&str, &str)]) -> anyhow::Result<Config> {
        Config::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn runs_on_defaults() {
        let config = config(&[]).unwrap();
        assert_eq!(
            config.public_url("/auth/callback").as_str(),
            "http://localhost:8080/dev/configurator/auth/callback"
        );
        assert!(config.session.cookie_secure);
        assert_eq!(config.environment_label, "local");
    }

    #[test]
    fn the_environment_label_is_configurable() {
        assert_eq!(
            config(&[("ENVIRONMENT_LABEL", "dev")]).unwrap().environment_label,
            "dev"
        );
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let config = config(&[
            ("OIDC_CLIENT_SECRET", "s3cret-client"),
            ("UPSTREAM_API_KEY", "s3cret-key"),
            ("SESSION_STORE", "rediss://:s3cret-auth@cache:6379"),
        ])
        .unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
        assert_eq!(config.oidc.client_secret.expose(), "s3cret-client");
    }

    #[test]
    fn env_files_are_key_value_lines() {
        let pairs =
            super::parse_env_file("# BFF\n\nBASE_PATH=/kafka\nOIDC_CLIENT_SECRET=\"s3cr=t\"\n").unwrap();
        assert_eq!(
            pairs,
            vec![
                ("BASE_PATH".into(), "/kafka".into()),
                ("OIDC_CLIENT_SECRET".into(), "s3cr=t".into())
            ]
        );
        let error = super::parse_env_file("A=1\nnonsense\n").unwrap_err().to_string();
        assert!(error.contains("line 2"), "{error}");
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (vars, needle) in [
            (vec![("OIDC_ISSUER", "not a url")], "OIDC_ISSUER"),
            (vec![("PUBLIC_URL", "http://x/path")], "PUBLIC_URL"),
            (vec![("BASE_PATH", "dev/")], "BASE_PATH"),
            (
                vec![("SESSION_IDLE_TIMEOUT_SECS", "soon")],
                "SESSION_IDLE_TIMEOUT_SECS",
            ),
            (vec![("COOKIE_SECURE", "maybe")], "COOKIE_SECURE"),
            (vec![("SESSION_MAX_ANONYMOUS", "-1")], "SESSION_MAX_ANONYMOUS"),
            (
                vec![("SESSION_LOGIN_TIMEOUT_SECS", "10m")],
                "SESSION_LOGIN_TIMEOUT_SECS",
            ),
            (vec![("UPSTREAM_URL", "ftp://x")], "UPSTREAM_URL"),
        ] {
            let error = format!("{:#}", config(&vars).unwrap_err());
            assert!(error.contains(needle), "{error}");
        }
    }
}
