//! The mock server's flags; each has an `OPEN_EVENT_MOCK_<FLAG>` env var.

use std::net::SocketAddr;

use clap::Parser;

/// The default seed of the demo world and of error injection.
pub const DEFAULT_SEED: u64 = 42;

/// Settings of the mock server, read once at start from flags and env vars.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "open-event-mock",
    version,
    about = "The Open Event API on seeded in-memory data, with fake Google and Facebook login, for frontend work"
)]
pub struct Options {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "OPEN_EVENT_MOCK_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Seed of the demo data and of the error-injection sequence.
    #[arg(long, env = "OPEN_EVENT_MOCK_SEED", default_value_t = DEFAULT_SEED)]
    pub seed: u64,

    /// Delay added to every API (`/v1`) response, in milliseconds.
    #[arg(long, env = "OPEN_EVENT_MOCK_LATENCY_MS", default_value_t = 0)]
    pub latency_ms: u64,

    /// Fraction of API (`/v1`) requests answered 503 with a JSON:API error
    /// (0 to 1); the same sequence for the same seed.
    #[arg(long, env = "OPEN_EVENT_MOCK_ERROR_RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub error_rate: f64,

    /// Allowed CORS origins, comma separated; `*` allows any origin (without
    /// credentials).
    #[arg(
        long,
        env = "OPEN_EVENT_MOCK_CORS_ORIGINS",
        value_delimiter = ',',
        default_value = "*"
    )]
    pub cors_origins: Vec<String>,

    /// Base URL of the frontend (links in mails; the default callback).
    #[arg(
        long,
        env = "OPEN_EVENT_MOCK_FRONTEND_URL",
        default_value = "http://localhost:4200"
    )]
    pub frontend_url: String,

    /// The frontend page the fake providers send the browser back to, with
    /// `code` and `state`. Default: `<frontend-url>/oauth/callback`.
    #[arg(long, env = "OPEN_EVENT_MOCK_FRONTEND_CALLBACK")]
    pub frontend_callback: Option<String>,
}

impl Options {
    /// The OAuth redirect URI: `--frontend-callback`, else
    /// `<frontend-url>/oauth/callback`.
    pub fn callback(&self) -> String {
        match &self.frontend_callback {
            Some(url) => url.clone(),
            None => format!("{}/oauth/callback", self.frontend_url.trim_end_matches('/')),
        }
    }
}

fn parse_rate(s: &str) -> Result<f64, String> {
    let rate: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(format!("{rate} is not between 0 and 1"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_outside_zero_to_one_are_refused() {
        assert_eq!(parse_rate("0.25"), Ok(0.25));
        assert_eq!(parse_rate("1"), Ok(1.0));
        assert!(parse_rate("1.5").is_err());
        assert!(parse_rate("-0.1").is_err());
        assert!(parse_rate("NaN").is_err());
        assert!(parse_rate("lots").is_err());
    }

    #[test]
    fn the_callback_defaults_to_the_frontend() {
        let o = Options::try_parse_from(["open-event-mock", "--frontend-url", "http://x.test/"])
            .unwrap();
        assert_eq!(o.callback(), "http://x.test/oauth/callback");
        let o = Options::try_parse_from(["open-event-mock", "--frontend-callback", "http://y/cb"])
            .unwrap();
        assert_eq!(o.callback(), "http://y/cb");
    }
}
