//! Tracing setup shared by the binary and tools.

use tracing_subscriber::{EnvFilter, fmt};

use crate::config::LogFormat;

/// Installs the global subscriber once; later calls are no-ops.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = fmt().with_env_filter(filter);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// Query parameters whose values never reach the log: OAuth callback
/// members (the authorization code and the state) and anything named like
/// a credential.
const REDACTED: [&str; 8] = [
    "code",
    "state",
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "password",
    "client_secret",
];

/// The request URI as logged: the values of [`REDACTED`] query parameters
/// replaced by `REDACTED`.
pub fn loggable_uri(uri: &poem::http::Uri) -> String {
    let Some(query) = uri.query() else {
        return uri.to_string();
    };
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if REDACTED.contains(&name.as_ref()) {
            out.append_pair(&name, "REDACTED");
        } else {
            out.append_pair(&name, &value);
        }
    }
    format!("{}?{}", uri.path(), out.finish())
}

/// Request logging like `poem::middleware::Tracing` (a `request` span with
/// method, URI and remote address; one `response` or `error` event with the
/// status and duration), with [`loggable_uri`] instead of the raw URI.
pub async fn log_request<E: poem::Endpoint>(
    ep: std::sync::Arc<E>,
    req: poem::Request,
) -> poem::Result<poem::Response> {
    use poem::IntoResponse;
    use tracing::Instrument;

    let span = tracing::info_span!(
        "request",
        remote_addr = %req.remote_addr(),
        version = ?req.version(),
        method = %req.method(),
        uri = %loggable_uri(req.original_uri()),
    );
    async move {
        let started = std::time::Instant::now();
        match ep.call(req).await {
            Ok(resp) => {
                let resp = resp.into_response();
                tracing::info!(status = %resp.status(), duration = ?started.elapsed(), "response");
                Ok(resp)
            }
            Err(err) => {
                tracing::info!(status = %err.status(), error = %err, duration = ?started.elapsed(), "error");
                Err(err)
            }
        }
    }
    .instrument(span)
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn callback_codes_and_states_are_redacted() {
        let uri: poem::http::Uri =
            "/v1/auth/oauth/login/google?code=4%2F0abc&state=eyJ.x.y&scope=email"
                .parse()
                .unwrap();
        let shown = super::loggable_uri(&uri);
        assert_eq!(
            shown,
            "/v1/auth/oauth/login/google?code=REDACTED&state=REDACTED&scope=email"
        );
        let plain: poem::http::Uri = "/v1/events?page%5Bsize%5D=2".parse().unwrap();
        assert_eq!(super::loggable_uri(&plain), "/v1/events?page%5Bsize%5D=2");
    }
}
