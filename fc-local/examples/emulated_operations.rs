//! Prints the operationIds (ACS actions) of the operations fc-local emulates, one per line, in
//! the order of the operation table. `cargo xtask peer` runs schemathesis on exactly these.
//!
//! ```sh
//! cargo run --quiet -p fc-local --example emulated_operations
//! ```

fn main() {
    for action in fc_local::api::emulated_actions() {
        println!("{action}");
    }
}
