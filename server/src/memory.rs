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

/// Allocations from this size up are mapped on their own and unmapped on
/// `free`.
pub const MMAP_THRESHOLD: usize = 128 * 1024;

/// Applies the settings above to this process (glibc on Linux; a no-op
/// elsewhere). The server, the mock server and the benchmark's app process
/// call it first thing.
pub fn tune_allocator() {
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
