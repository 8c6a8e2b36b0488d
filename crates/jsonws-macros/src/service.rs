//! `#[service]`: the `&self` methods of an inherent `impl` block become RPC methods.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::parse::Parser as _;
use syn::spanned::Spanned as _;
use syn::{
    FnArg, Ident, ImplItem, ImplItemFn, ItemImpl, LitStr, Pat, PathArguments, ReturnType, Type,
};

use crate::attrs;

/// The options of `#[jsonws::service(…)]`.
#[derive(Default)]
struct ServiceArgs {
    name: Option<LitStr>,
    version: Option<LitStr>,
    description: Option<LitStr>,
    namespace: Option<LitStr>,
    /// `events = TodoEvent`: the enum whose variants are the service's events.
    events: Option<Type>,
    /// `client = GeometryClient` (maybe `client = pub(crate) GeometryClient`): a typed client.
    client: Option<(syn::Visibility, Ident)>,
}

fn parse_args(args: TokenStream) -> syn::Result<ServiceArgs> {
    let mut out = ServiceArgs::default();
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("events") {
            if out.events.is_some() {
                return Err(meta.error("`events` is given twice; keep one"));
            }
            out.events = Some(meta.value()?.parse()?);
            return Ok(());
        }
        if meta.path.is_ident("client") {
            if out.client.is_some() {
                return Err(meta.error("`client` is given twice; keep one"));
            }
            let input = meta.value()?;
            let vis: syn::Visibility = input.parse()?;
            let name: Ident = input.parse().map_err(|e| {
                syn::Error::new(e.span(), "name the client type: `client = GeometryClient`")
            })?;
            let vis = match vis {
                syn::Visibility::Inherited => syn::parse_quote!(pub),
                vis => vis,
            };
            out.client = Some((vis, name));
            return Ok(());
        }
        let slot = if meta.path.is_ident("name") {
            &mut out.name
        } else if meta.path.is_ident("version") {
            &mut out.version
        } else if meta.path.is_ident("description") {
            &mut out.description
        } else if meta.path.is_ident("namespace") {
            &mut out.namespace
        } else {
            return Err(meta.error(
                "unknown option; #[jsonws::service] takes `name`, `version`, `description`, `namespace`, \
                 `events` and `client`, all optional: \
                 #[jsonws::service(name = \"demo\", version = \"1.0.0\", events = DemoEvent, client = DemoClient)]",
            ));
        };
        if slot.is_some() {
            return Err(meta.error("this option is given twice; keep one"));
        }
        *slot = Some(meta.value()?.parse()?);
        Ok(())
    });
    parser.parse2(args)?;
    match (&out.name, &out.version) {
        (Some(name), None) => {
            return Err(syn::Error::new_spanned(
                name,
                "give `version` too (`version = \"1.0.0\"`) to get `into_service()`, or leave out both",
            ));
        }
        (None, Some(version)) => {
            return Err(syn::Error::new_spanned(
                version,
                "give `name` too (`name = \"demo\"`) to get `into_service()`, or leave out both",
            ));
        }
        (_, Some(version)) if !is_semver(&version.value()) => {
            return Err(syn::Error::new_spanned(
                version,
                "`version` must be semver: MAJOR.MINOR.PATCH, for example \"1.0.0\"",
            ));
        }
        _ => {}
    }
    Ok(out)
}

/// MAJOR.MINOR.PATCH, each a number, then maybe `-pre` or `+build`; a leading `v` is allowed.
fn is_semver(text: &str) -> bool {
    let text = text.strip_prefix('v').unwrap_or(text);
    let core = text.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// How a method receives `self`, and so what the handler passes for it.
enum Receiver {
    /// `&self` (or `self: &Self`, `self: &Arc<Self>`): the handler passes `&this`.
    Ref,
    /// `self: Arc<Self>`: the handler passes a clone of the `Arc`.
    Arc,
}

/// A param the handler fills in from the call rather than from the request's params.
enum ContextParam {
    /// `Peer`: the WebSocket peer; over HTTP the call fails.
    Peer,
    /// `Option<Peer>`: the peer, or `None` over HTTP.
    OptionPeer,
    /// `Context`: the connection's context.
    Context,
    /// `&Call`: the call itself.
    CallRef,
    /// `Emitter<E>`: the service's emitter for the events of `E`.
    Emitter(Box<Type>),
    /// `Extension<T>` or `Option<Extension<T>>`: a value from the request's extensions.
    Extension(Box<Type>),
}

enum Param {
    Context(ContextParam),
    Rpc {
        name: String,
        /// The Rust name, for the typed client's argument.
        ident: Ident,
        ty: Box<Type>,
        default: Option<String>,
        default_lit: Option<(attrs::LitKind, proc_macro2::Span)>,
        default_expr: Option<TokenStream>,
        description: String,
        /// Whether the caller may leave it out: a default, or an `Option`.
        optional: bool,
        span: proc_macro2::Span,
    },
}

/// One RPC method, as read from its `fn`.
struct MethodSpec {
    ident: Ident,
    full_name: String,
    description: String,
    group: Option<LitStr>,
    receiver: Receiver,
    is_async: bool,
    params: Vec<Param>,
    output: Output,
    errors: Vec<(i64, String)>,
}

enum Output {
    /// No result (`()`): the reply's result is `null`.
    Unit,
    /// `Result<T, E>`: `T` is the result, `E` converts into an error object.
    Result(Box<Type>),
    /// Any other `T`: always succeeds.
    Plain(Box<Type>),
}

pub(crate) fn service(args: TokenStream, mut item: ItemImpl) -> TokenStream {
    let mut errors = attrs::Errors::default();
    let mut push = |e: syn::Error| errors.push(e);
    let args = parse_args(args).unwrap_or_else(|e| {
        push(e);
        ServiceArgs::default()
    });
    if let Some((_, path, _)) = &item.trait_ {
        push(syn::Error::new_spanned(
            path,
            "#[jsonws::service] goes on an inherent impl block (`impl Demo { … }`), not on a trait impl",
        ));
    }
    if !item.generics.params.is_empty() {
        push(syn::Error::new_spanned(
            &item.generics,
            "#[jsonws::service] cannot be used on a generic impl yet; implement it for a concrete type",
        ));
    }
    let namespace = args
        .namespace
        .as_ref()
        .map(LitStr::value)
        .unwrap_or_default();
    let mut methods: Vec<MethodSpec> = Vec::new();
    for impl_item in &mut item.items {
        let ImplItem::Fn(f) = impl_item else { continue };
        match read_method(f, &namespace) {
            Ok(Some(spec)) => {
                if let Some(earlier) = methods.iter().find(|m| m.full_name == spec.full_name) {
                    push(syn::Error::new_spanned(
                        &f.sig.ident,
                        format!(
                            "`{}` and `{}` are both exposed as `{}`; give one another name with #[jsonws(name = \"…\")]",
                            earlier.ident, spec.ident, spec.full_name
                        ),
                    ));
                }
                methods.push(spec);
            }
            Ok(None) => {}
            Err(e) => push(e),
        }
        strip_fn(f);
    }
    if let Err(errors) = errors.finish() {
        // The block itself still compiles, so only the macro's errors are reported.
        let errors = errors.to_compile_error();
        return quote!(#item #errors);
    }

    let self_ty = &item.self_ty;
    let registrations: Vec<TokenStream> = methods.iter().map(|m| register(m, self_ty)).collect();
    let declare_events = args
        .events
        .as_ref()
        .map(|events| quote_spanned!(events.span()=> .events::<#events>()));
    let define_body = if registrations.is_empty() {
        quote! {
            let _ = (self, only);
            builder #declare_events
        }
    } else {
        quote! {
            let mut builder = builder #declare_events;
            let wanted = |name: &str| match only {
                ::core::option::Option::Some(only) => only.contains(&name),
                ::core::option::Option::None => true,
            };
            #(#registrations)*
            builder
        }
    };
    let into_service = match (&args.name, &args.version) {
        (Some(name), Some(version)) => {
            let description = args
                .description
                .as_ref()
                .map_or_else(|| attrs::docs(&item.attrs), LitStr::value);
            let doc = format!(
                " Builds service `{}` {} from the methods of this `impl` block (see `#[jsonws::service]`).",
                name.value(),
                version.value()
            );
            quote! {
                impl #self_ty {
                    #[doc = #doc]
                    ///
                    /// # Errors
                    ///
                    /// A `jsonws::service::BuildError` listing every problem in the description:
                    /// for example a defaulted param before a required one.
                    pub fn into_service(
                        self,
                    ) -> ::core::result::Result<::jsonws::Service, ::jsonws::service::BuildError> {
                        ::jsonws::Service::builder(#name, #version)
                            .description(#description)
                            .define_all(self)
                            .build()
                    }
                }
            }
        }
        _ => quote!(),
    };
    let client = args
        .client
        .as_ref()
        .map(|(vis, name)| client(&methods, vis, name, self_ty));
    quote! {
        #item

        impl ::jsonws::service::ServiceImpl for #self_ty {
            fn define(
                self: ::std::sync::Arc<Self>,
                builder: ::jsonws::ServiceBuilder,
                only: ::core::option::Option<&[&str]>,
            ) -> ::jsonws::ServiceBuilder {
                #define_body
            }
        }

        #into_service

        #client
    }
}

/// A typed client: one `async fn` per method, with the method's param and result types.
fn client(
    methods: &[MethodSpec],
    vis: &syn::Visibility,
    name: &Ident,
    self_ty: &Type,
) -> TokenStream {
    let calls = methods.iter().map(|m| {
        let fname = &m.ident;
        let full_name = &m.full_name;
        let doc = if m.description.is_empty() {
            format!(" Calls `{full_name}`.")
        } else {
            m.description.lines().map(|l| format!(" {l}")).collect::<Vec<_>>().join("\n")
        };
        let mut args = Vec::new();
        let mut pushes = Vec::new();
        for p in &m.params {
            if let Param::Rpc { ident, ty, .. } = p {
                args.push(quote!(#ident: #ty));
                pushes.push(quote!(params.push(&#ident);));
            }
        }
        let params = if pushes.is_empty() {
            quote!(let params = ::jsonws::__private::ClientParams::new();)
        } else {
            quote! {
                let mut params = ::jsonws::__private::ClientParams::new();
                #(#pushes)*
            }
        };
        let ret = match &m.output {
            Output::Unit => quote!(()),
            Output::Plain(ty) => quote!(#ty),
            Output::Result(ty) => match last_segment(ty).and_then(first_arg) {
                Some(ok) => quote!(#ok),
                None => quote!(<#ty as ::jsonws::__private::IntoResult>::Ok),
            },
        };
        quote! {
            #[doc = #doc]
            ///
            /// # Errors
            ///
            /// The server's error reply (`CallError::Rpc`), or why the call could not be made.
            #vis async fn #fname(&self, #(#args),*) -> ::core::result::Result<#ret, ::jsonws::CallError> {
                #params
                ::jsonws::__private::client_call::<#ret>(&self.client, #full_name, params).await
            }
        }
    });
    let doc = format!(
        " A typed client of the service `{}` declares: one method per RPC method, with the same types.",
        quote!(#self_ty)
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #vis struct #name {
            client: ::jsonws::client::WsClient,
        }

        impl #name {
            /// Calls the service through `client`, a connected WebSocket client.
            #vis fn new(client: ::jsonws::client::WsClient) -> Self {
                #name { client }
            }

            /// The WebSocket client underneath: for subscriptions, raw calls and closing.
            #vis fn client(&self) -> &::jsonws::client::WsClient {
                &self.client
            }

            #(#calls)*
        }
    }
}

/// Removes the `#[jsonws(…)]` attributes of a method and its params.
fn strip_fn(f: &mut ImplItemFn) {
    attrs::strip(&mut f.attrs);
    for input in &mut f.sig.inputs {
        if let FnArg::Typed(pt) = input {
            attrs::strip(&mut pt.attrs);
        }
    }
}

/// Reads one `fn` of the block: `None` when it is not exposed.
fn read_method(f: &ImplItemFn, namespace: &str) -> syn::Result<Option<MethodSpec>> {
    let opts = attrs::parse(
        &f.attrs,
        &[
            "name",
            "rename",
            "namespace",
            "group",
            "description",
            "skip",
            "errors",
        ],
        "a service method",
    )?;
    if opts.skip {
        return Ok(None);
    }
    let sig = &f.sig;
    let ident = &sig.ident;
    let Some(receiver) = sig.receiver() else {
        if f.attrs.iter().any(|a| a.path().is_ident("jsonws")) {
            return Err(syn::Error::new_spanned(
                ident,
                format!(
                    "`{ident}` has no `self`, so #[jsonws::service] does not expose it; \
                     take `&self` to make it an RPC method, or remove its #[jsonws(…)]"
                ),
            ));
        }
        return Ok(None);
    };
    let receiver = read_receiver(receiver, ident)?;
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        return Err(syn::Error::new_spanned(
            &sig.generics,
            format!(
                "jsonws::service methods cannot be generic: `{ident}` is called with types read from \
                 JSON, so each param needs one concrete type; use a concrete type, or mark the method \
                 #[jsonws(skip)] to keep it out of the service"
            ),
        ));
    }
    if let Some(unsafety) = &sig.unsafety {
        return Err(syn::Error::new_spanned(
            unsafety,
            format!(
                "`{ident}` is unsafe, and a remote caller cannot uphold its contract; mark it #[jsonws(skip)]"
            ),
        ));
    }
    if let Some(variadic) = &sig.variadic {
        return Err(syn::Error::new_spanned(
            variadic,
            "variadic methods cannot be exposed",
        ));
    }

    let method_namespace = match &opts.namespace {
        Some(ns) if namespace.is_empty() => ns.value(),
        Some(ns) => format!("{namespace}.{}", ns.value()),
        None => namespace.to_owned(),
    };
    let name = attrs::or_name(opts.rename.as_ref(), ident);
    let full_name = if method_namespace.is_empty() {
        name
    } else {
        format!("{method_namespace}.{name}")
    };

    let mut params = Vec::new();
    let mut defaulted: Option<String> = None;
    for input in sig.inputs.iter().skip(1) {
        let FnArg::Typed(pt) = input else { continue };
        let param = read_param(pt)?;
        if let Param::Rpc {
            name,
            optional,
            span,
            ..
        } = &param
        {
            match (&defaulted, optional) {
                (Some(d), false) => {
                    return Err(syn::Error::new(
                        *span,
                        format!(
                            "method `{full_name}`: `{d}` has a default but `{name}` after it does not; \
                             put defaulted parameters last"
                        ),
                    ));
                }
                (None, true) => defaulted = Some(name.clone()),
                _ => {}
            }
        }
        params.push(param);
    }

    Ok(Some(MethodSpec {
        ident: ident.clone(),
        full_name,
        description: attrs::description(&opts, &f.attrs),
        group: opts.group,
        receiver,
        is_async: sig.asyncness.is_some(),
        params,
        output: read_output(&sig.output)?,
        errors: opts.errors,
    }))
}

fn read_receiver(receiver: &syn::Receiver, ident: &Ident) -> syn::Result<Receiver> {
    let mut_self = || {
        syn::Error::new_spanned(
            receiver,
            format!(
                "jsonws::service methods take `&self`; `&mut self` (on `{ident}`) is not supported because \
                 calls run concurrently — use interior mutability (a Mutex, atomics) for the state they change"
            ),
        )
    };
    let by_value = || {
        syn::Error::new_spanned(
            receiver,
            format!(
                "jsonws::service methods take `&self` (or `self: Arc<Self>`); `{ident}` takes `self` by value, \
                 but one service value answers every call"
            ),
        )
    };
    if receiver.colon_token.is_none() {
        return match (&receiver.reference, &receiver.mutability) {
            (Some(_), Some(_)) => Err(mut_self()),
            (Some(_), None) => Ok(Receiver::Ref),
            (None, _) => Err(by_value()),
        };
    }
    match &*receiver.ty {
        Type::Reference(r) if r.mutability.is_some() => Err(mut_self()),
        Type::Reference(_) => Ok(Receiver::Ref),
        Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Arc") => {
            Ok(Receiver::Arc)
        }
        _ => Err(by_value()),
    }
}

/// The last segment of a path type: `Peer` for `jsonws::Peer`.
fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        Type::Group(g) => last_segment(&g.elem),
        Type::Paren(p) => last_segment(&p.elem),
        _ => None,
    }
}

/// The one type argument of `Option<T>`-like segments.
fn single_arg(segment: &syn::PathSegment) -> Option<&Type> {
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    let first = types.next()?;
    types.next().is_none().then_some(first)
}

/// The first type argument: `T` of `Result<T, E>`.
fn first_arg(segment: &syn::PathSegment) -> Option<&Type> {
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

fn is_named(ty: &Type, name: &str) -> bool {
    last_segment(ty).is_some_and(|s| s.ident == name && s.arguments.is_none())
}

fn read_param(pt: &syn::PatType) -> syn::Result<Param> {
    let ty = &*pt.ty;
    let is_extension = |t: &Type| {
        last_segment(t).is_some_and(|s| s.ident == "Extension" && single_arg(s).is_some())
    };
    let context = if is_named(ty, "Peer") {
        Some(ContextParam::Peer)
    } else if last_segment(ty).is_some_and(|s| s.ident == "Emitter" && single_arg(s).is_some()) {
        Some(ContextParam::Emitter(Box::new(ty.clone())))
    } else if is_extension(ty)
        || (last_segment(ty).is_some_and(|s| s.ident == "Option")
            && last_segment(ty)
                .and_then(single_arg)
                .is_some_and(is_extension))
    {
        Some(ContextParam::Extension(Box::new(ty.clone())))
    } else if is_named(ty, "Context") {
        Some(ContextParam::Context)
    } else if last_segment(ty).is_some_and(|s| s.ident == "Option")
        && last_segment(ty)
            .and_then(single_arg)
            .is_some_and(|inner| is_named(inner, "Peer"))
    {
        Some(ContextParam::OptionPeer)
    } else if let Type::Reference(r) = ty {
        if r.mutability.is_none() && is_named(&r.elem, "Call") {
            Some(ContextParam::CallRef)
        } else {
            return Err(syn::Error::new_spanned(
                ty,
                "RPC params are owned values, read from the request: take `String` rather than `&str`, \
                 `Vec<T>` rather than `&[T]` (a reference is allowed only for `call: &jsonws::Call`)",
            ));
        }
    } else if is_named(ty, "Call") {
        return Err(syn::Error::new_spanned(
            ty,
            "take the call by reference: `call: &jsonws::Call` (the handler keeps it to write the reply)",
        ));
    } else {
        None
    };
    let what = if context.is_some() {
        "a context param (Peer, Context, &Call, Emitter, Extension)"
    } else {
        "a method param"
    };
    let allowed: &[&str] = if context.is_some() {
        &[]
    } else {
        &["name", "rename", "default", "default_json", "description"]
    };
    let opts = attrs::parse(&pt.attrs, allowed, what)?;
    if let Some(context) = context {
        return Ok(Param::Context(context));
    }
    let name = match (&opts.rename, &*pt.pat) {
        (Some(name), _) => name.value(),
        (None, Pat::Ident(p)) => attrs::wire_name(&p.ident),
        (None, other) => {
            return Err(syn::Error::new_spanned(
                other,
                "give this param a plain name (`point: Point`), or name it with #[jsonws(name = \"…\")]: \
                 callers pass params by name too",
            ));
        }
    };
    let is_option = last_segment(ty).is_some_and(|s| s.ident == "Option");
    let ident = match &*pt.pat {
        Pat::Ident(p) => p.ident.clone(),
        _ => format_ident!(
            "param_{}",
            name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        ),
    };
    Ok(Param::Rpc {
        ident,
        name,
        ty: Box::new(ty.clone()),
        optional: opts.default.is_some() || opts.default_expr.is_some() || is_option,
        span: pt.span(),
        default: opts.default,
        default_lit: opts.default_lit,
        default_expr: opts.default_expr,
        description: opts
            .description
            .as_ref()
            .map(LitStr::value)
            .unwrap_or_default(),
    })
}

fn read_output(output: &ReturnType) -> syn::Result<Output> {
    let ReturnType::Type(_, ty) = output else {
        return Ok(Output::Unit);
    };
    match &**ty {
        Type::Tuple(t) if t.elems.is_empty() => Ok(Output::Unit),
        Type::ImplTrait(_) => Err(syn::Error::new_spanned(
            ty,
            "return a concrete type (or write an `async fn`): jsonws needs the result's type to describe it",
        )),
        _ if last_segment(ty).is_some_and(|s| s.ident == "Result") => {
            Ok(Output::Result(ty.clone()))
        }
        _ => Ok(Output::Plain(ty.clone())),
    }
}

/// The code that declares one method on `builder`.
fn register(m: &MethodSpec, self_ty: &Type) -> TokenStream {
    let span = m.ident.span();
    let fname = &m.ident;
    let full_name = &m.full_name;
    let description = &m.description;

    let mut param_defs = Vec::new();
    let mut rpc_types = Vec::new();
    let mut rpc_vars = Vec::new();
    let mut context_bindings = Vec::new();
    let mut emitters = Vec::new();
    let mut emitter_clones = Vec::new();
    let mut call_args = Vec::new();
    for (i, param) in m.params.iter().enumerate() {
        match param {
            Param::Rpc {
                name,
                ty,
                default,
                default_lit,
                default_expr,
                description,
                ..
            } => {
                let as_type = quote_spanned!(ty.span()=> <#ty as ::jsonws::schema::Type>);
                let check = default_lit.map(|(kind, span)| kind.check(ty, span));
                let default = match (default, default_expr) {
                    (Some(json), _) => quote! {
                        ::jsonws::__private::serde_json::from_str::<::jsonws::__private::serde_json::Value>(#json).ok()
                    },
                    (None, Some(expr)) => quote! {
                        ::core::option::Option::Some(::jsonws::__private::default_value::<#ty>(#expr))
                    },
                    (None, None) => quote!(::core::option::Option::None),
                };
                param_defs.push(quote! {{
                    #check
                    let mut param = ::jsonws::service::ParamDef::new(#name, #as_type::type_ref(types));
                    param.default = #default;
                    param.optional = #as_type::is_optional();
                    param.description = ::std::borrow::ToOwned::to_owned(#description);
                    param
                }});
                let var = format_ident!("arg{}", i);
                rpc_types.push(ty);
                call_args.push(quote!(#var));
                rpc_vars.push(var);
            }
            Param::Context(context) => {
                let var = format_ident!("arg{}", i);
                let binding = match context {
                    ContextParam::Peer => quote! {
                        let #var = match call.peer().cloned() {
                            ::core::option::Option::Some(peer) => peer,
                            ::core::option::Option::None => {
                                return ::jsonws::__private::reply::<()>(
                                    id.as_ref(),
                                    ::core::result::Result::Err(::jsonws::ErrorObject::server(
                                        ::jsonws::protocol::code::UNSUPPORTED,
                                        ::std::format!(
                                            "{} needs a WebSocket connection: it calls the client back",
                                            def.name
                                        ),
                                    )),
                                );
                            }
                        };
                    },
                    ContextParam::OptionPeer => quote!(let #var = call.peer().cloned();),
                    ContextParam::Context => {
                        quote!(let #var = ::core::clone::Clone::clone(call.context());)
                    }
                    ContextParam::CallRef | ContextParam::Emitter(_) => quote!(),
                    ContextParam::Extension(ty) => quote! {
                        let #var: #ty = match ::jsonws::__private::extension(&call) {
                            ::core::result::Result::Ok(value) => value,
                            ::core::result::Result::Err(e) => {
                                return ::jsonws::__private::reply::<()>(id.as_ref(), ::core::result::Result::Err(e));
                            }
                        };
                    },
                };
                if let ContextParam::Emitter(ty) = context {
                    let bound = format_ident!("emitter{}", i);
                    emitters.push(quote! {
                        let #bound: #ty = {
                            let emitter = <#ty>::new();
                            builder = builder.emitter(&emitter);
                            emitter
                        };
                    });
                    emitter_clones.push(quote!(let #var = ::core::clone::Clone::clone(&#bound);));
                }
                context_bindings.push(binding);
                call_args.push(match context {
                    ContextParam::CallRef => quote!(&call),
                    _ => quote!(#var),
                });
            }
        }
    }

    let bind_params = if rpc_types.is_empty() {
        // Still checked: a method without params refuses positional or named ones.
        quote! {
            if let ::core::result::Result::Err(e) = ::jsonws::__private::slots(call.raw_params(), &def.params) {
                return ::jsonws::__private::reply::<()>(id.as_ref(), ::core::result::Result::Err(e));
            }
        }
    } else {
        let indexes = 0..rpc_types.len();
        quote! {
            // Every param is converted before the method runs: `slots` borrows the call and
            // ends with this block.
            let (#(#rpc_vars,)*) = {
                let slots = match ::jsonws::__private::slots(call.raw_params(), &def.params) {
                    ::core::result::Result::Ok(slots) => slots,
                    ::core::result::Result::Err(e) => {
                        return ::jsonws::__private::reply::<()>(id.as_ref(), ::core::result::Result::Err(e));
                    }
                };
                (#(
                    match ::jsonws::__private::typed::<#rpc_types>(slots[#indexes], &def.params[#indexes]) {
                        ::core::result::Result::Ok(value) => value,
                        ::core::result::Result::Err(e) => {
                            return ::jsonws::__private::reply::<()>(id.as_ref(), ::core::result::Result::Err(e));
                        }
                    },
                )*)
            };
        }
    };

    let this_arg = match m.receiver {
        Receiver::Ref => quote!(&this),
        Receiver::Arc => quote!(::std::sync::Arc::clone(&this)),
    };
    let await_ = if m.is_async { quote!(.await) } else { quote!() };
    let invoke = quote_spanned!(span=> <#self_ty>::#fname(#this_arg, #(#call_args),*) #await_);
    let (outcome, returns) = match &m.output {
        Output::Unit => (
            quote! {{
                #invoke;
                ::core::result::Result::<(), ::jsonws::ErrorObject>::Ok(())
            }},
            quote!(<() as ::jsonws::__private::Returns>::returns(types)),
        ),
        Output::Result(ty) => (
            quote!(::jsonws::__private::IntoResult::into_result(#invoke)),
            match last_segment(ty).and_then(first_arg) {
                Some(Type::Tuple(t)) if t.elems.is_empty() => quote!(::core::option::Option::None),
                Some(ok) => {
                    quote_spanned!(ok.span()=> ::jsonws::__private::result_type::<#ok>(types))
                }
                None => quote_spanned! {ty.span()=>
                    <<#ty as ::jsonws::__private::IntoResult>::Ok as ::jsonws::__private::Returns>::returns(types)
                },
            },
        ),
        Output::Plain(ty) => (
            quote!(::core::result::Result::<_, ::jsonws::ErrorObject>::Ok(#invoke)),
            quote_spanned!(ty.span()=> ::jsonws::__private::result_type::<#ty>(types)),
        ),
    };

    let handler = quote! {
        move |call: ::jsonws::Call, def: ::std::sync::Arc<::jsonws::service::MethodDef>| {
            let this = ::std::sync::Arc::clone(&this);
            #(#emitter_clones)*
            async move {
                let id = call.id().cloned();
                #(#context_bindings)*
                #bind_params
                let outcome = #outcome;
                ::jsonws::__private::reply(id.as_ref(), outcome)
            }
        }
    };
    // Spanned at the method, so a future that is not `Send` is reported there.
    let raw_method = quote_spanned!(span=> __raw_method);
    let register = match &m.group {
        Some(group) => quote! {
            builder = builder.group(#group, "", move |builder| builder.#raw_method(def, handler));
        },
        None => quote!(builder = builder.#raw_method(def, handler);),
    };
    let errors = m
        .errors
        .iter()
        .map(|(code, message)| quote!(::jsonws::service::ErrorDef::new(#code, #message)));
    quote! {
        if wanted(#full_name) {
            #(#emitters)*
            let def = {
                let types = builder.__types();
                ::jsonws::service::MethodDef {
                    name: ::std::borrow::ToOwned::to_owned(#full_name),
                    description: ::std::borrow::ToOwned::to_owned(#description),
                    params: ::std::vec![#(#param_defs),*],
                    returns: #returns,
                    errors: ::std::vec![#(#errors),*],
                }
            };
            let this = ::std::sync::Arc::clone(&self);
            let handler = #handler;
            #register
        }
    }
}
