fn main() {
    println!("capstan {}", env!("CARGO_PKG_VERSION"));
}
