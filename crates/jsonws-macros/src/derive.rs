//! `#[derive(Type)]`: a struct with named fields becomes a schema struct, an enum of unit
//! variants a schema enum.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Data, DataEnum, DeriveInput, Expr, Fields, FieldsNamed, Ident};

use crate::attrs;

pub(crate) fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "jsonws::Type cannot be derived for generic types yet; derive it on a concrete type \
             (a struct whose fields have concrete types)",
        ));
    }
    let opts = attrs::parse(&input.attrs, &["rename", "description"], "a type")?;
    let name = attrs::or_name(opts.rename.as_ref(), &input.ident);
    let description = attrs::description(&opts, &input.attrs);
    match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(fields) => derive_struct(&input.ident, &name, &description, fields),
            other => Err(syn::Error::new_spanned(
                other,
                format!(
                    "jsonws::Type can be derived for structs with named fields only; give the fields of `{}` names \
                     (the wire form is a JSON object, and its members need names)",
                    input.ident
                ),
            )),
        },
        Data::Enum(data) => derive_enum(&input.ident, &name, &description, data),
        Data::Union(data) => Err(syn::Error::new_spanned(
            data.union_token,
            "jsonws::Type cannot be derived for unions; use a struct or an enum",
        )),
    }
}

fn derive_struct(
    ident: &Ident,
    name: &str,
    description: &str,
    fields: &FieldsNamed,
) -> syn::Result<TokenStream> {
    let mut defs = Vec::new();
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    let mut checks = Vec::new();
    let mut seen: HashMap<String, &Ident> = HashMap::new();
    let mut errors = attrs::Errors::default();
    for field in &fields.named {
        let Some(field_ident) = &field.ident else {
            continue;
        };
        let opts = match attrs::parse(
            &field.attrs,
            &["rename", "description", "default", "default_json"],
            "a struct field",
        ) {
            Ok(opts) => opts,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let wire = attrs::or_name(opts.rename.as_ref(), field_ident);
        if let Some(earlier) = seen.insert(wire.clone(), field_ident) {
            errors.push(syn::Error::new_spanned(
                field_ident,
                format!("fields `{earlier}` and `{field_ident}` are both called `{wire}` on the wire; rename one"),
            ));
        }
        let field_description = attrs::description(&opts, &field.attrs);
        let ty = &field.ty;
        let as_type = quote_spanned!(ty.span()=> <#ty as ::jsonws::schema::Type>);
        if let Some((kind, span)) = opts.default_lit {
            checks.push(kind.check(ty, span));
        }
        let (default_value, default_text, required) = match (&opts.default, &opts.default_expr) {
            (Some(json), _) => (
                quote!(::jsonws::__private::serde_json::from_str::<::jsonws::__private::serde_json::Value>(#json).ok()),
                quote!(::core::option::Option::Some(#json)),
                quote!(false),
            ),
            (None, Some(expr)) => (
                quote!(::core::option::Option::Some(::jsonws::__private::default_value::<#ty>(#expr))),
                quote! {{
                    static TEXT: ::std::sync::OnceLock<::std::string::String> = ::std::sync::OnceLock::new();
                    ::core::option::Option::Some(
                        TEXT.get_or_init(|| ::jsonws::__private::default_text::<#ty>(#expr)).as_str(),
                    )
                }},
                quote!(false),
            ),
            (None, None) => (
                quote!(::core::option::Option::None),
                quote!(::core::option::Option::None),
                quote!(!#as_type::is_optional()),
            ),
        };
        defs.push(quote! {
            ::jsonws::schema::FieldDef {
                name: ::std::borrow::ToOwned::to_owned(#wire),
                ty: #as_type::type_ref(types),
                required: #required,
                default: #default_value,
                description: ::std::borrow::ToOwned::to_owned(#field_description),
            }
        });
        reads.push(quote! {
            #field_ident: ::jsonws::__private::field::<#ty>(
                members.get(#wire).copied(),
                #wire,
                #default_text,
            )?
        });
        writes.push(quote! {
            {
                let mark = out.len();
                if mark > start + 1 {
                    out.push(b',');
                }
                ::jsonws::__private::write_str(out, #wire);
                out.push(b':');
                let value_at = out.len();
                #as_type::write_json(&self.#field_ident, out);
                // An absent `Option` is left out rather than written as `null`.
                if #as_type::is_optional() && out[value_at..] == *b"null" {
                    out.truncate(mark);
                }
            }
        });
    }
    errors.finish()?;
    Ok(quote! {
        impl ::jsonws::schema::Type for #ident {
            fn type_ref(types: &mut ::jsonws::schema::Types) -> ::jsonws::schema::TypeRef {
                #(#checks)*
                if !types.contains(#name) {
                    // A placeholder first, so a field that refers back to this type finds it.
                    types.define(::jsonws::schema::TypeDef::Struct(::jsonws::schema::StructDef {
                        name: ::std::borrow::ToOwned::to_owned(#name),
                        description: ::std::borrow::ToOwned::to_owned(#description),
                        fields: ::std::vec::Vec::new(),
                    }));
                    let fields = ::std::vec![#(#defs),*];
                    types.define(::jsonws::schema::TypeDef::Struct(::jsonws::schema::StructDef {
                        name: ::std::borrow::ToOwned::to_owned(#name),
                        description: ::std::borrow::ToOwned::to_owned(#description),
                        fields,
                    }));
                } else if types.needs_check(#name) {
                    // Declared before (imported): the Rust type must describe the same data.
                    let fields = ::std::vec![#(#defs),*];
                    types.check(&::jsonws::schema::TypeDef::Struct(::jsonws::schema::StructDef {
                        name: ::std::borrow::ToOwned::to_owned(#name),
                        description: ::std::borrow::ToOwned::to_owned(#description),
                        fields,
                    }));
                }
                ::jsonws::schema::TypeRef {
                    name: ::jsonws::schema::TypeName::Named(::std::borrow::ToOwned::to_owned(#name)),
                    is_array: false,
                }
            }

            fn from_json(
                raw: &::jsonws::__private::RawValue,
            ) -> ::core::result::Result<Self, ::jsonws::schema::ConvertError> {
                let members = ::jsonws::__private::members(raw, #name)?;
                ::core::result::Result::Ok(#ident { #(#reads,)* })
            }

            fn write_json(&self, out: &mut ::std::vec::Vec<u8>) {
                let start = out.len();
                out.push(b'{');
                #(#writes)*
                out.push(b'}');
            }
        }
    })
}

fn derive_enum(
    ident: &Ident,
    name: &str,
    description: &str,
    data: &DataEnum,
) -> syn::Result<TokenStream> {
    if data.variants.is_empty() {
        return Err(syn::Error::new_spanned(
            ident,
            format!("`{ident}` has no variants; a jsonws enum needs at least one member"),
        ));
    }
    let mut members = Vec::new();
    let mut member_defs = Vec::new();
    let mut to_variant = Vec::new();
    let mut to_name = Vec::new();
    let mut seen_names: HashMap<String, &Ident> = HashMap::new();
    let mut seen_values: HashMap<i64, &Ident> = HashMap::new();
    // The value of the previous variant, when it is known here; `None` after a discriminant
    // that is not a literal, whose value only the compiler knows.
    let mut previous: Option<Option<i64>> = None;
    let mut errors = attrs::Errors::default();
    for variant in &data.variants {
        let v = &variant.ident;
        if !matches!(variant.fields, Fields::Unit) {
            errors.push(syn::Error::new_spanned(
                variant,
                format!(
                    "jsonws::Type enums have unit variants only, but `{ident}::{v}` carries data; \
                     a jsonws enum is a set of names, each with a number. Use a struct for data, \
                     or an `Option` field beside the enum"
                ),
            ));
            continue;
        }
        let opts = match attrs::parse(&variant.attrs, &["rename", "value"], "an enum variant") {
            Ok(opts) => opts,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let wire = attrs::or_name(opts.rename.as_ref(), v);
        if let Some(earlier) = seen_names.insert(wire.clone(), v) {
            errors.push(syn::Error::new_spanned(
                v,
                format!("variants `{earlier}` and `{v}` are both called `{wire}` on the wire; rename one"),
            ));
        }
        let discriminant = variant.discriminant.as_ref().map(|(_, expr)| expr);
        // Rust's discriminant: the literal written, else one more than the variant before
        // (0 for the first); `None` when only the compiler knows it.
        let rust_value = match discriminant {
            Some(expr) => literal_discriminant(expr),
            None => match previous {
                None => Some(0),
                Some(Some(p)) => p.checked_add(1),
                Some(None) => None,
            },
        };
        previous = Some(rust_value);
        let known = match (opts.value, discriminant) {
            (Some(_), Some(expr)) => {
                errors.push(syn::Error::new_spanned(
                    expr,
                    format!("`{v}` has both a discriminant and `#[jsonws(value = …)]`; give its value once"),
                ));
                continue;
            }
            (Some(value), None) => Some(value),
            (None, _) => rust_value,
        };
        let value = match known {
            Some(n) => {
                if let Some(earlier) = seen_values.insert(n, v) {
                    errors.push(syn::Error::new_spanned(
                        v,
                        format!("variants `{earlier}` and `{v}` both have the value {n}; give each its own"),
                    ));
                }
                quote!(#n)
            }
            None => quote!(#ident::#v as i64),
        };
        members.push(quote!((#wire, #value)));
        member_defs.push(quote!((::std::borrow::ToOwned::to_owned(#wire), #value)));
        to_variant.push(quote!(#wire => ::core::result::Result::Ok(#ident::#v)));
        to_name.push(quote!(#ident::#v => #wire));
    }
    errors.finish()?;
    Ok(quote! {
        impl ::jsonws::schema::Type for #ident {
            fn type_ref(types: &mut ::jsonws::schema::Types) -> ::jsonws::schema::TypeRef {
                if !types.contains(#name) {
                    types.define(::jsonws::schema::TypeDef::Enum(::jsonws::schema::EnumDef {
                        name: ::std::borrow::ToOwned::to_owned(#name),
                        description: ::std::borrow::ToOwned::to_owned(#description),
                        members: ::std::vec![#(#member_defs),*],
                    }));
                } else if types.needs_check(#name) {
                    // Declared before (imported): the Rust enum must have the same members.
                    types.check(&::jsonws::schema::TypeDef::Enum(::jsonws::schema::EnumDef {
                        name: ::std::borrow::ToOwned::to_owned(#name),
                        description: ::std::borrow::ToOwned::to_owned(#description),
                        members: ::std::vec![#(#member_defs),*],
                    }));
                }
                ::jsonws::schema::TypeRef {
                    name: ::jsonws::schema::TypeName::Named(::std::borrow::ToOwned::to_owned(#name)),
                    is_array: false,
                }
            }

            fn from_json(
                raw: &::jsonws::__private::RawValue,
            ) -> ::core::result::Result<Self, ::jsonws::schema::ConvertError> {
                let members: &[(&str, i64)] = &[#(#members),*];
                match ::jsonws::__private::enum_member(#name, members, raw)? {
                    #(#to_variant,)*
                    other => ::core::result::Result::Err(::jsonws::schema::ConvertError::new(#name, other)),
                }
            }

            fn write_json(&self, out: &mut ::std::vec::Vec<u8>) {
                ::jsonws::__private::write_str(out, match self { #(#to_name,)* });
            }
        }

        // A member's name or value is a valid default literal.
        impl ::jsonws::__private::StrDefault for #ident {}
        impl ::jsonws::__private::IntDefault for #ident {}
    })
}

/// A discriminant written as an integer literal (maybe negative); `None` for anything else.
fn literal_discriminant(expr: &Expr) -> Option<i64> {
    attrs::int_value(expr).ok()
}
