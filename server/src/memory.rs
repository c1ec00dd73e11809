//! The allocator settings of a long-running server process.
//!
//! glibc's `malloc` serves large blocks with `mmap` and returns them to the
//! system on `free`, but by default it raises that threshold to the size of
//! every mmapped block that is freed (up to 32 MiB), so from the second
//! login on, each argon2id hash's 19 MiB block came from a thread's arena
//! and stayed there: the release server held 335 MB after the benchmark's
//! login scenario (one arena per thread that hashed), against 51 MB with a
//! fixed threshold. Fixing the threshold turns that adaptation off: blocks
//! from [`MMAP_THRESHOLD`] up always go back to the system when freed.
//!
//! The cost is a fresh, zeroed 19 MiB mapping per hash (page faults):
//! logins at saturation ran at 53 instead of 88 per second on the 2-core
//! benchmark machine; reads are unaffected.
//!
//! Smaller blocks freed after a burst stay in the arenas of the threads
//! that used them (the runtime's workers, sqlx's SQLite workers, the
//! blocking pool): glibc gives back only the free space at the top of a
//! heap. Every [`TRIM_EVERY`] the process hands the free pages of every
//! arena back (`malloc_trim`), so its RSS falls back after a burst.

/// Allocations from this size up are mapped on their own and unmapped on
/// `free`.
pub const MMAP_THRESHOLD: usize = 128 * 1024;

/// How often free pages are handed back to the system.
pub const TRIM_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Applies the settings above to this process (glibc on Linux; a no-op
/// elsewhere) and, inside a tokio runtime, starts handing free pages back
/// every [`TRIM_EVERY`]. The server, the mock server and the benchmark's
/// app process call it first thing.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async {
            let mut tick = tokio::time::interval(TRIM_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                trim();
            }
        });
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let threshold = libc::c_int::try_from(MMAP_THRESHOLD).unwrap_or(libc::c_int::MAX);
        // SAFETY: `mallopt` only sets a parameter of glibc's allocator; it
        // takes the allocator's own lock, so it is safe to call while other
        // threads allocate, and it has no memory-safety preconditions.
        #[allow(unsafe_code)]
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, threshold);
        }
    }
}

/// Hands the free pages of every arena back to the system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim() {
    // SAFETY: `malloc_trim` only releases memory the allocator holds free;
    // it takes each arena's lock, so it is safe while other threads
    // allocate, and it has no memory-safety preconditions.
    #[allow(unsafe_code)]
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    /// Resident pages of this process, in KiB.
    fn rss_kib() -> u64 {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
        let pages: u64 = statm
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        pages * 4
    }

    #[test]
    fn trimming_hands_freed_blocks_back() {
        // 48 MiB in small blocks; one in 16 stays in use, as a
        // long-running server's heap has live blocks between freed ones, so
        // glibc cannot give the freed space back from the heap's top.
        let blocks: Vec<Vec<u8>> = (0..12_288).map(|_| vec![1u8; 4096]).collect();
        let kept: Vec<Vec<u8>> = blocks.into_iter().step_by(16).collect();
        let before = rss_kib();
        trim();
        let after = rss_kib();
        assert!(
            before.saturating_sub(after) > 32 * 1024,
            "RSS {before} KiB before the trim, {after} KiB after"
        );
        assert_eq!(kept.len(), 768);
    }
}
