//! Link settings for the shared library, and nothing else: on ELF targets
//! give `libsigx.so` the soname `libsigx.so.<major>` (`libsigx.so.0`) and
//! mark it NODELETE, so `dlclose` can never unmap code that an installed
//! signal handler points at.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let elf = matches!(
        os.as_str(),
        "linux"
            | "android"
            | "freebsd"
            | "netbsd"
            | "openbsd"
            | "dragonfly"
            | "solaris"
            | "illumos"
    );
    if elf {
        let major = core_major().unwrap_or_else(|| "0".into());
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsigx.so.{major}");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=../Cargo.toml");
}

/// The major version of sigx-core, from the `version` of the [package]
/// table of ../Cargo.toml (where the version is written, once).
fn core_major() -> Option<String> {
    let manifest = std::fs::read_to_string("../Cargo.toml").ok()?;
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package && line.starts_with("version") {
            let value = line.split('"').nth(1)?;
            return value.split('.').next().map(str::to_owned);
        }
    }
    None
}
