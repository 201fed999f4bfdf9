//! Link the `capstan` executable at a fixed address on Linux (`-no-pie`),
//! as Go links helm: a position-independent executable made the dynamic
//! loader apply some 44,000 relocations and copy their pages at every
//! start, about 0.8 ms of a process that renders a small chart in 3.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
