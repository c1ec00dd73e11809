//! The binary: `--list` prints the plan and exits 0; a run exits 0 only
//! when everything passed and nothing is uncovered, and writes its reports.

use std::process::Command;

use crate::support::code_spec;

fn spec_file(name: &str, spec: &serde_json::Value) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("oe-contract-{}-{name}.json", std::process::id()));
    std::fs::write(&path, spec.to_string()).unwrap();
    path
}

/// The spec with a status no scenario produces (`418` on `/health`).
fn with_a_gap() -> serde_json::Value {
    let mut spec = code_spec();
    spec["paths"]["/health"]["get"]["responses"]["418"] =
        serde_json::json!({"description": "I'm a teapot."});
    spec
}

fn contract() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_open-event-contract"));
    cmd.env("CI", "true");
    cmd
}

#[test]
fn list_prints_the_plan_and_exits_zero() {
    let spec = spec_file("list", &with_a_gap());
    let out = contract()
        .args(["--list", "--spec"])
        .arg(&spec)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for line in [
        "get_event/404/anyone/missing:event_id",
        "create_event/401/registered/expired-token",
        "create_event/422/registered/too-long:name",
        "chain:event/201/registered/create-view-update-list-delete",
        "health/503/anyone/database-down",
        "update_event/403/moderator/perm:!event-published",
        "list_events/200/registered/perm:!event-published:absent",
        "create_role_invite/404/registered/perm:below-owner,!event-published",
        "accept_role_invite/200/registered/perm:invite-pending,invitee",
        "UNCOVERED health status 418",
    ] {
        assert!(text.contains(line), "missing {line}");
    }
    std::fs::remove_file(spec).ok();
}

#[test]
fn exit_code_follows_the_verdict() {
    let spec = spec_file("run", &code_spec());
    let report = std::env::temp_dir().join(format!("oe-contract-{}-login.xml", std::process::id()));
    let ok = contract()
        .args([
            "--filter", "login", "--jobs", "4", "--seed", "0x2a", "--spec",
        ])
        .arg(&spec)
        .arg("--report")
        .arg(format!("junit={}", report.display()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("checks/s") && stdout.contains("contract: PASSED"));
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .contains("<testsuites")
    );

    assert!(
        stdout.contains("permission rows: 1 passed, 0 failed, 0 uncovered"),
        "{stdout}"
    );

    let rows = contract()
        .args(["--filter", "update_event", "--seed", "7", "--spec"])
        .arg(&spec)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&rows.stdout);
    assert_eq!(rows.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("permission rows: 1 passed"), "{stdout}");

    let gap = spec_file("gap", &with_a_gap());
    let uncovered = contract()
        .args(["--filter", "health", "--spec"])
        .arg(&gap)
        .output()
        .unwrap();
    assert_eq!(uncovered.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&uncovered.stdout).contains("health status 418"));
    std::fs::remove_file(gap).ok();

    let broken = contract()
        .args(["--spec", "/nonexistent.json", "--list"])
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(2));
    std::fs::remove_file(spec).ok();
    std::fs::remove_file(report).ok();
}
