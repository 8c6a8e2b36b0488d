//! `#[derive(Events)]`: each variant of an enum is one event of a service.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Data, DeriveInput, Fields};

use crate::attrs;

pub(crate) fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let ident = &input.ident;
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "jsonws::Events cannot be derived for generic enums; each event needs one concrete data type",
        ));
    }
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            ident,
            "jsonws::Events is derived for enums: one variant per event, e.g. \
             `enum TodoEvent { Added(Todo), Cleared }`",
        ));
    };
    let mut errors = attrs::Errors::default();
    let mut defs = Vec::new();
    let mut names = Vec::new();
    let mut writes = Vec::new();
    let mut seen: Vec<(String, &syn::Ident)> = Vec::new();
    for variant in &data.variants {
        let v = &variant.ident;
        let opts = match attrs::parse(
            &variant.attrs,
            &["name", "rename", "description"],
            "an event",
        ) {
            Ok(opts) => opts,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let name = opts
            .rename
            .as_ref()
            .map_or_else(|| lower_camel(&attrs::wire_name(v)), syn::LitStr::value);
        if let Some((_, earlier)) = seen.iter().find(|(n, _)| *n == name) {
            errors.push(syn::Error::new_spanned(
                v,
                format!("events `{earlier}` and `{v}` are both called `{name}`; rename one with #[jsonws(name = \"…\")]"),
            ));
        }
        seen.push((name.clone(), v));
        let description = attrs::description(&opts, &variant.attrs);
        let data_ty = match &variant.fields {
            Fields::Unit => None,
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => Some(&fields.unnamed[0].ty),
            other => {
                errors.push(syn::Error::new_spanned(
                    other,
                    format!(
                        "event `{ident}::{v}` carries nothing or one value: write `{v}` or `{v}(Data)`, \
                         where `Data` is a #[derive(jsonws::Type)] struct for several fields"
                    ),
                ));
                continue;
            }
        };
        let ty_ref = match data_ty {
            Some(ty) => {
                quote_spanned!(ty.span()=> ::core::option::Option::Some(<#ty as ::jsonws::schema::Type>::type_ref(types)))
            }
            None => quote!(::core::option::Option::None),
        };
        defs.push(quote! {
            ::jsonws::service::EventDef {
                name: ::std::borrow::ToOwned::to_owned(#name),
                description: ::std::borrow::ToOwned::to_owned(#description),
                ty: #ty_ref,
            }
        });
        match data_ty {
            Some(_) => {
                names.push(quote!(#ident::#v(..) => #name));
                writes.push(quote!(#ident::#v(data) => {
                    ::jsonws::schema::Type::write_json(data, out);
                    true
                }));
            }
            None => {
                names.push(quote!(#ident::#v => #name));
                writes.push(quote!(#ident::#v => false));
            }
        }
    }
    errors.finish()?;
    let (names, writes) = if data.variants.is_empty() {
        (quote!(_ => match *self {}), quote!(_ => match *self {}))
    } else {
        (quote!(#(#names,)*), quote!(#(#writes,)*))
    };
    Ok(quote! {
        impl ::jsonws::service::Events for #ident {
            fn describe(types: &mut ::jsonws::schema::Types) -> ::std::vec::Vec<::jsonws::service::EventDef> {
                ::std::vec![#(#defs),*]
            }

            fn name(&self) -> &'static str {
                match self { #names }
            }

            fn write_data(&self, out: &mut ::std::vec::Vec<u8>) -> bool {
                match self { #writes }
            }
        }
    })
}

/// `ChatMessage` → `chatMessage`.
fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
