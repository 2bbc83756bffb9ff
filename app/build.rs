//! Release builds of the wasm are split into lazily loaded chunks
//! (`scripts/compress-spa.sh` runs wasm-split on them): there the pages in
//! `src/split.rs` become `#[lazy]` split points (`cfg(wasm_split)`) and the
//! linker keeps the relocations wasm-split needs to move their code out.
//! Debug builds (`trunk serve`, the live-reload tests) stay one wasm.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(wasm_split)");
    println!("cargo::rerun-if-changed=build.rs");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    // "release" for every profile that inherits from release (wasm-release).
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    if wasm && release {
        println!("cargo::rustc-cfg=wasm_split");
        println!("cargo::rustc-link-arg=--emit-relocs");
    }
}
