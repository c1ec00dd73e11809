//! The API contract as committed artifacts, generated from the server's code:
//! `spec/openapi.json` and the permission handbook `spec/permissions.md`. Regenerate with `cargo run -p open-event-spec`; the
//! drift test fails when the committed files differ from the code.

use std::path::{Path, PathBuf};

/// The command that regenerates the artifacts.
pub const REGENERATE: &str = "cargo run -p open-event-spec";

/// One generated file: its path relative to `spec/` and its content.
pub struct Artifact {
    /// File name inside `spec/`.
    pub name: &'static str,
    /// Expected content.
    pub content: String,
}

/// The OpenAPI document, pretty-printed with a trailing newline.
pub fn openapi_json() -> String {
    let spec = open_event_server::api::spec_json(
        &open_event_server::api::service(),
        &open_event_server::resources::registry(),
    );
    let mut text = serde_json::to_string_pretty(&spec).unwrap_or_default();
    text.push('\n');
    text
}

/// Every generated artifact.
pub fn artifacts() -> Vec<Artifact> {
    vec![
        Artifact {
            name: "openapi.json",
            content: openapi_json(),
        },
        Artifact {
            name: "permissions.md",
            content: open_event_server::api::permissions_handbook(
                &open_event_server::resources::registry(),
            ),
        },
    ]
}

/// The `spec/` directory of this crate.
pub fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}
