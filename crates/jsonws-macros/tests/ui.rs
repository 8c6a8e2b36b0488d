//! Compile errors of the macros, checked as text: each should read like advice.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
