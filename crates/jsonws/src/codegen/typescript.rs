//! TypeScript: one `.ts` file, `tsc --strict` clean, with typed params, results, structs
//! (`interface`), enums (a union of string literals beside a frozen object of the same name)
//! and one `on` overload per event. It is the JavaScript writer with types on.

use super::Model;
use super::javascript::Script;

pub(super) fn generate(model: &Model, local_name: &str) -> String {
    Script {
        model,
        local_name,
        typed: true,
    }
    .render()
}
