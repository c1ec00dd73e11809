//! Writes the generated artifacts into `spec/`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = open_event_spec::spec_dir();
    for artifact in open_event_spec::artifacts() {
        let path = dir.join(artifact.name);
        let unchanged = std::fs::read_to_string(&path).is_ok_and(|old| old == artifact.content);
        if unchanged {
            println!("unchanged {}", path.display());
            continue;
        }
        if let Err(e) = std::fs::write(&path, &artifact.content) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("wrote     {}", path.display());
    }
    ExitCode::SUCCESS
}
