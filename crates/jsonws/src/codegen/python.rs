//! stub

use super::Model;

pub(super) fn generate(_model: &Model, _local_name: &str) -> String {
    String::new()
}
