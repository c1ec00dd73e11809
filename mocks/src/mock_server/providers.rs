//! The provider stand-ins the mock server starts, and the server settings
//! that point the API at them.

use open_event_server::Settings;
use wiremock::MockServer;

use crate::{FacebookMock, GoogleMock};

/// Google and Facebook (+ Graph), each on its own local port.
#[derive(Debug)]
pub struct Providers {
    /// The fake Google.
    pub google: GoogleMock,
    /// The fake Facebook and Graph API.
    pub facebook: FacebookMock,
}

/// A stand-in server for a long run: requests are not recorded (the
/// record would grow with every request).
async fn long_lived() -> MockServer {
    MockServer::builder()
        .disable_request_recording()
        .start()
        .await
}

impl Providers {
    /// Starts both stand-ins; they send the browser back only to `callback`,
    /// as a provider console with one registered redirect URI would.
    pub async fn start(callback: &str) -> Providers {
        let (google, www, graph) = tokio::join!(long_lived(), long_lived(), long_lived());
        let (google, facebook) = tokio::join!(
            GoogleMock::start_on(google),
            FacebookMock::start_on(www, graph)
        );
        google.register_redirect_uri(callback);
        facebook.register_redirect_uri(callback);
        Providers { google, facebook }
    }

    /// Points the API's OAuth settings at the stand-ins, with their fixed
    /// client ids and secrets, and the frontend `callback` as redirect URI.
    pub fn configure(&self, settings: &mut Settings, callback: &str) {
        point_at(settings, &self.google, &self.facebook);
        settings.oauth_redirect_uri = Some(callback.to_owned());
        // The stand-ins answer on this machine: fail fast when one is made slow.
        settings.oauth_timeout_ms = 5_000;
    }
}

/// Points a server's OAuth settings at the stand-ins: their base URLs and
/// fixed client ids and secrets (the mock server, and the contract runner
/// for the servers it checks).
pub fn point_at(settings: &mut Settings, google: &GoogleMock, facebook: &FacebookMock) {
    settings.google_client_id = Some(google.client_id().to_owned());
    settings.google_client_secret = Some(google.client_secret().to_owned());
    settings.google_base_url = Some(google.base_url());
    settings.facebook_app_id = Some(facebook.client_id().to_owned());
    settings.facebook_app_secret = Some(facebook.client_secret().to_owned());
    settings.facebook_base_url = facebook.facebook_base_url();
    settings.graph_base_url = facebook.graph_base_url();
}
