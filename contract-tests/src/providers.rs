//! The OAuth provider stand-ins (`open_event_mocks`) wired to a server: start
//! them (on free ports, or on given addresses for a server in another
//! process), point the server's settings at them, and play the browser's
//! part of a login ([`consent`]).

use std::net::SocketAddr;

use open_event_mocks::{
    FACEBOOK_APP_ID, FACEBOOK_APP_SECRET, FacebookMock, GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET,
    GoogleMock, MockServer,
};
use open_event_server::Settings;

/// Google and Facebook (with Graph) stand-ins.
#[derive(Debug)]
pub struct Providers {
    /// The Google stand-in.
    pub google: GoogleMock,
    /// The Facebook stand-in (dialog and Graph).
    pub facebook: FacebookMock,
}

/// Where a server in another process finds the stand-ins:
/// `OPEN_EVENT_*` variables to start it with.
pub fn server_env(google: &str, facebook: &str, graph: &str) -> Vec<(&'static str, String)> {
    vec![
        ("OPEN_EVENT_GOOGLE_CLIENT_ID", GOOGLE_CLIENT_ID.to_owned()),
        (
            "OPEN_EVENT_GOOGLE_CLIENT_SECRET",
            GOOGLE_CLIENT_SECRET.to_owned(),
        ),
        ("OPEN_EVENT_GOOGLE_BASE_URL", google.to_owned()),
        ("OPEN_EVENT_FACEBOOK_APP_ID", FACEBOOK_APP_ID.to_owned()),
        (
            "OPEN_EVENT_FACEBOOK_APP_SECRET",
            FACEBOOK_APP_SECRET.to_owned(),
        ),
        ("OPEN_EVENT_FACEBOOK_BASE_URL", facebook.to_owned()),
        ("OPEN_EVENT_GRAPH_BASE_URL", graph.to_owned()),
    ]
}

async fn bound(addr: SocketAddr) -> std::io::Result<MockServer> {
    let listener = std::net::TcpListener::bind(addr)?;
    Ok(MockServer::builder().listener(listener).start().await)
}

impl Providers {
    /// Both stand-ins on free ports.
    pub async fn start() -> Providers {
        Providers {
            google: GoogleMock::start().await,
            facebook: FacebookMock::start().await,
        }
    }

    /// Both stand-ins on the given addresses (Google, the Facebook dialog,
    /// Graph), for a server started with [`server_env`] of those addresses.
    pub async fn bind(
        google: SocketAddr,
        facebook: SocketAddr,
        graph: SocketAddr,
    ) -> std::io::Result<Providers> {
        Ok(Providers {
            google: GoogleMock::start_on(bound(google).await?).await,
            facebook: FacebookMock::start_on(bound(facebook).await?, bound(graph).await?).await,
        })
    }

    /// Points a server's settings at the stand-ins, with their client ids
    /// and secrets.
    pub fn configure(&self, settings: &mut Settings) {
        open_event_mocks::mock_server::providers::point_at(settings, &self.google, &self.facebook);
    }
}

/// What the provider put on the callback URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Callback {
    /// The authorization code.
    pub code: Option<String>,
    /// The state, echoed.
    pub state: Option<String>,
    /// The provider's error (`access_denied`).
    pub error: Option<String>,
    /// The whole callback URL.
    pub url: String,
}

/// Plays the browser: visits the authorization `url` (with `login_hint`
/// choosing the stand-in's account) and reads the redirect back to the
/// callback.
pub async fn consent(
    client: &reqwest::Client,
    url: &str,
    login_hint: Option<&str>,
) -> Result<Callback, String> {
    let mut url = url::Url::parse(url).map_err(|e| format!("authorization URL {url}: {e}"))?;
    if let Some(hint) = login_hint {
        url.query_pairs_mut().append_pair("login_hint", hint);
    }
    let response = client
        .get(url.as_str())
        .send()
        .await
        .map_err(|e| format!("visiting the authorization URL: {e}"))?;
    if response.status() != 302 {
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        return Err(format!(
            "the provider answered {status}, not a redirect: {text}"
        ));
    }
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or("a redirect without Location")?;
    let back = url::Url::parse(location).map_err(|e| format!("callback {location}: {e}"))?;
    let param = |name: &str| {
        back.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    Ok(Callback {
        code: param("code"),
        state: param("state"),
        error: param("error"),
        url: back.to_string(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_contract_script_starts_the_server_with_the_stand_ins_credentials() {
        let script = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../scripts/contract-against-server.sh"
        ))
        .unwrap_or_default();
        for (name, value) in super::server_env("G", "F", "H") {
            let line = match value.as_str() {
                "G" => format!("{name}=\"http://$google_addr\""),
                "F" => format!("{name}=\"http://$facebook_addr\""),
                "H" => format!("{name}=\"http://$graph_addr\""),
                _ => format!("{name}={value}"),
            };
            assert!(script.contains(&line), "the script lacks `{line}`");
        }
        for flag in [
            "--google-mock-addr",
            "--facebook-mock-addr",
            "--graph-mock-addr",
        ] {
            assert!(script.contains(flag), "the script lacks {flag}");
        }
    }
}
