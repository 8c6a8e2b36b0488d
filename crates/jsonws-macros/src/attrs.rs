//! `#[jsonws(…)]` options and doc comments, shared by both macros.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Attribute, Expr, ExprLit, ExprUnary, Lit, LitStr, UnOp};

/// What kind of literal a `default = …` is, to check at compile time that the type takes it.
#[derive(Clone, Copy)]
pub(crate) enum LitKind {
    Int,
    Float,
    Bool,
    Str,
}

impl LitKind {
    /// A statement that fails to compile when `ty` cannot take this kind of literal.
    pub(crate) fn check(self, ty: &syn::Type, span: Span) -> TokenStream {
        let check = match self {
            LitKind::Int => quote!(int_default),
            LitKind::Float => quote!(float_default),
            LitKind::Bool => quote!(bool_default),
            LitKind::Str => quote!(str_default),
        };
        quote_spanned!(span=> ::jsonws::__private::#check::<#ty>();)
    }
}

/// The options one `#[jsonws(…)]` list (or several) gave. Each macro says which it accepts.
#[derive(Default)]
pub(crate) struct Opts {
    pub(crate) rename: Option<LitStr>,
    pub(crate) description: Option<LitStr>,
    /// A default as JSON text, from `default = <literal>` or `default_json = "…"`.
    pub(crate) default: Option<String>,
    /// The kind and place of a literal `default = …`.
    pub(crate) default_lit: Option<(LitKind, Span)>,
    /// A default written as a Rust expression: a path (`Priority::Normal`) or, for
    /// `#[jsonws(default)]`, `Default::default()`.
    pub(crate) default_expr: Option<TokenStream>,
    /// `errors(4000 = "…")`: the application errors a method declares.
    pub(crate) errors: Vec<(i64, String)>,
    pub(crate) value: Option<i64>,
    pub(crate) namespace: Option<LitStr>,
    pub(crate) group: Option<LitStr>,
    pub(crate) skip: bool,
}

/// Reads every `#[jsonws(…)]` among `attrs`, accepting only the options in `allowed`.
/// `what` names the item for error messages ("a struct field").
pub(crate) fn parse(attrs: &[Attribute], allowed: &[&str], what: &str) -> syn::Result<Opts> {
    let mut opts = Opts::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("jsonws")) {
        attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
            if !allowed.contains(&key.as_str()) {
                let listed = allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
                let key = if key.is_empty() { "this".to_owned() } else { format!("`{key}`") };
                return Err(meta.error(format!("{key} is not a jsonws option on {what}; use one of {listed}")));
            }
            let twice = || meta.error(format!("`{key}` is given twice; keep one"));
            match key.as_str() {
                "rename" | "name" => set(&mut opts.rename, meta.value()?.parse()?, twice)?,
                "description" => set(&mut opts.description, meta.value()?.parse()?, twice)?,
                "namespace" => set(&mut opts.namespace, meta.value()?.parse()?, twice)?,
                "group" => set(&mut opts.group, meta.value()?.parse()?, twice)?,
                "default" => {
                    if opts.default.is_some() || opts.default_expr.is_some() {
                        return Err(twice());
                    }
                    if !meta.input.peek(syn::Token![=]) {
                        opts.default_expr = Some(quote!(::core::default::Default::default()));
                        return Ok(());
                    }
                    let expr: Expr = meta.value()?.parse()?;
                    if let Expr::Path(path) = &expr {
                        opts.default_expr =
                            Some(quote_spanned!(path.span()=> ::jsonws::__private::into_default(#path)));
                        return Ok(());
                    }
                    let (json, kind) = literal_json(&expr)?;
                    opts.default_lit = Some((kind, expr.span()));
                    opts.default = Some(json);
                }
                "errors" => {
                    let content;
                    syn::parenthesized!(content in meta.input);
                    let entries = content.parse_terminated(
                        |input| {
                            let negative: Option<syn::Token![-]> = input.parse()?;
                            let lit: syn::LitInt = input.parse()?;
                            let code: Expr = match negative {
                                Some(minus) => syn::parse_quote!(#minus #lit),
                                None => syn::parse_quote!(#lit),
                            };
                            input.parse::<syn::Token![=]>()?;
                            let message: LitStr = input.parse()?;
                            Ok((code, message))
                        },
                        syn::Token![,],
                    )?;
                    for (code, message) in entries {
                        let value = int_value(&code).map_err(|_| {
                            syn::Error::new_spanned(&code, "an error code is an integer: errors(4004 = \"No such todo\")")
                        })?;
                        if (-32768..=-32000).contains(&value) {
                            return Err(syn::Error::new_spanned(
                                &code,
                                "-32768…-32000 is reserved by JSON-RPC; choose an application code outside it, such as 4000",
                            ));
                        }
                        if opts.errors.iter().any(|(c, _)| *c == value) {
                            return Err(syn::Error::new_spanned(&code, format!("error {value} is declared twice")));
                        }
                        opts.errors.push((value, message.value()));
                    }
                }
                "default_json" => {
                    let text: LitStr = meta.value()?.parse()?;
                    let json = text.value();
                    if let Err(e) = serde_json::from_str::<serde_json::Value>(&json) {
                        return Err(syn::Error::new_spanned(
                            &text,
                            format!("`default_json` must be JSON text, as in \"[1, 2]\" or \"{{\\\"x\\\": 1}}\": {e}"),
                        ));
                    }
                    if opts.default_expr.is_some() {
                        return Err(twice());
                    }
                    set(&mut opts.default, json, twice)?;
                }
                "value" => {
                    let expr: Expr = meta.value()?.parse()?;
                    set(&mut opts.value, int_value(&expr)?, twice)?;
                }
                "skip" => {
                    if opts.skip {
                        return Err(twice());
                    }
                    opts.skip = true;
                }
                _ => return Err(meta.error(format!("`{key}` is not a jsonws option"))),
            }
            Ok(())
        })?;
    }
    Ok(opts)
}

fn set<T>(slot: &mut Option<T>, value: T, twice: impl FnOnce() -> syn::Error) -> syn::Result<()> {
    if slot.is_some() {
        return Err(twice());
    }
    *slot = Some(value);
    Ok(())
}

/// The JSON text of a literal default: a number (maybe negative), a string or a bool.
fn literal_json(expr: &Expr) -> syn::Result<(String, LitKind)> {
    let advice = "`default` takes a number, string or bool literal (`default = 2`, `default = \"pt\"`) \
                  or a path (`default = Priority::Normal`); write arrays and objects as JSON text with \
                  `default_json = \"[1, 2]\"`, and `#[jsonws(default)]` means `Default::default()`";
    let (negative, lit) = match expr {
        Expr::Lit(ExprLit { lit, .. }) => (false, lit),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => match &**expr {
            Expr::Lit(ExprLit {
                lit: lit @ (Lit::Int(_) | Lit::Float(_)),
                ..
            }) => (true, lit),
            _ => return Err(syn::Error::new_spanned(expr, advice)),
        },
        _ => return Err(syn::Error::new_spanned(expr, advice)),
    };
    let sign = if negative { "-" } else { "" };
    match lit {
        Lit::Int(i) => Ok((format!("{sign}{}", i.base10_digits()), LitKind::Int)),
        Lit::Float(f) => {
            let value: f64 = format!("{sign}{}", f.base10_digits())
                .parse()
                .map_err(|_| syn::Error::new_spanned(f, "this float does not parse"))?;
            if !value.is_finite() {
                return Err(syn::Error::new_spanned(
                    f,
                    "a default must be a finite number: JSON has no infinity",
                ));
            }
            serde_json::to_string(&value)
                .map(|json| (json, LitKind::Float))
                .map_err(|e| syn::Error::new_spanned(f, e.to_string()))
        }
        Lit::Str(s) => serde_json::to_string(&s.value())
            .map(|json| (json, LitKind::Str))
            .map_err(|e| syn::Error::new_spanned(s, e.to_string())),
        Lit::Bool(b) => Ok((b.value.to_string(), LitKind::Bool)),
        other => Err(syn::Error::new_spanned(other, advice)),
    }
}

/// An integer literal, maybe negative, as an `i64`.
pub(crate) fn int_value(expr: &Expr) -> syn::Result<i64> {
    let (negative, lit) = match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => (false, i),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr: inner,
            ..
        }) => match &**inner {
            Expr::Lit(ExprLit {
                lit: Lit::Int(i), ..
            }) => (true, i),
            _ => {
                return Err(syn::Error::new_spanned(
                    expr,
                    "expected an integer literal such as `5` or `-1`",
                ));
            }
        },
        _ => {
            return Err(syn::Error::new_spanned(
                expr,
                "expected an integer literal such as `5` or `-1`",
            ));
        }
    };
    let text = format!("{}{}", if negative { "-" } else { "" }, lit.base10_digits());
    text.parse::<i64>().map_err(|_| {
        syn::Error::new(
            expr.span(),
            format!("{text} is out of the range of an i64 enum value"),
        )
    })
}

/// The doc comments among `attrs`, one line each, trimmed.
pub(crate) fn docs(attrs: &[Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value().trim().to_owned()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    lines.join("\n").trim().to_owned()
}

/// The description: `#[jsonws(description = "…")]` when given, else the doc comments.
pub(crate) fn description(opts: &Opts, attrs: &[Attribute]) -> String {
    opts.description
        .as_ref()
        .map_or_else(|| docs(attrs), LitStr::value)
}

/// Removes `#[jsonws(…)]` attributes, which only the macro reads.
pub(crate) fn strip(attrs: &mut Vec<Attribute>) {
    attrs.retain(|a| !a.path().is_ident("jsonws"));
}

/// An identifier as the wire names it (`r#type` is `type`).
pub(crate) fn wire_name(ident: &syn::Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#")
        .map_or_else(|| name.clone(), str::to_owned)
}

/// A string literal's value, or `fallback`.
pub(crate) fn or_name(lit: Option<&LitStr>, fallback: &syn::Ident) -> String {
    lit.map_or_else(|| wire_name(fallback), LitStr::value)
}

/// Errors collected while reading an item, so one compile reports all of them.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// `Err` with every error pushed, if any.
    pub(crate) fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}
