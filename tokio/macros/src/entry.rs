//! `#[tokio::main]` and `#[tokio::test]`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ItemFn, Lit, Meta, Token};

pub(crate) enum Kind {
    Main,
    Test,
}

struct Config {
    /// `flavor`: `None` when not given (`#[tokio::main]` is then multi-thread,
    /// `#[tokio::test]` current-thread, as in tokio).
    multi_thread: Option<bool>,
    local: bool,
    name: Option<String>,
    start_paused: bool,
    krate: TokenStream,
}

/// Reads tokio's arguments: `flavor`, `worker_threads`, `start_paused`, `crate`,
/// `unhandled_panic` (the last accepted and ignored).
fn config(args: TokenStream) -> syn::Result<Config> {
    let mut config = Config {
        multi_thread: None,
        local: false,
        name: None,
        start_paused: false,
        krate: quote!(::tokio),
    };
    let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args)?;
    for meta in metas {
        let Meta::NameValue(nv) = &meta else {
            return Err(syn::Error::new(
                meta.span(),
                "expected `name = value`, like `flavor = \"current_thread\"`",
            ));
        };
        let name = nv
            .path
            .get_ident()
            .map(|i| i.to_string())
            .unwrap_or_default();
        let lit = match &nv.value {
            Expr::Lit(l) => Some(&l.lit),
            _ => None,
        };
        match (name.as_str(), lit) {
            ("flavor", Some(Lit::Str(s))) => match s.value().as_str() {
                "current_thread" => config.multi_thread = Some(false),
                "local" => config.local = true,
                "multi_thread" => config.multi_thread = Some(true),
                other => {
                    return Err(syn::Error::new(
                        s.span(),
                        format!(
                            "unknown flavor `{other}`: expected `current_thread`, `multi_thread` or `local`"
                        ),
                    ));
                }
            },
            ("name", Some(Lit::Str(s))) => config.name = Some(s.value()),
            ("worker_threads", _) | ("unhandled_panic", _) => {}
            ("start_paused", Some(Lit::Bool(b))) => config.start_paused = b.value,
            ("crate", Some(Lit::Str(s))) => {
                let path: syn::Path = s.parse()?;
                config.krate = quote!(#path);
            }
            _ => {
                return Err(syn::Error::new(
                    nv.span(),
                    format!(
                        "unknown or malformed argument `{name}`: expected `flavor`, `worker_threads`, `start_paused`, `crate`, `unhandled_panic` or `name`"
                    ),
                ));
            }
        }
    }
    Ok(config)
}

pub(crate) fn expand(args: TokenStream, item: TokenStream, kind: Kind) -> syn::Result<TokenStream> {
    let config = config(args)?;
    let mut f: ItemFn = syn::parse2(item)?;
    if f.sig.asyncness.take().is_none() {
        return Err(syn::Error::new(
            f.sig.fn_token.span(),
            "the `async` keyword is missing from the function declaration",
        ));
    }
    let krate = &config.krate;
    let multi_thread = config
        .multi_thread
        .unwrap_or(matches!(kind, Kind::Main) && !config.local);
    let flavor = if multi_thread {
        quote!(#krate::runtime::RuntimeFlavor::MultiThread)
    } else {
        quote!(#krate::runtime::RuntimeFlavor::CurrentThread)
    };
    let paused = config.start_paused;
    let local = config.local;
    let name = match &config.name {
        Some(n) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    };
    let body = &f.block;
    let output = match &f.sig.output {
        syn::ReturnType::Default => quote!(()),
        syn::ReturnType::Type(_, ty) => quote!(#ty),
    };
    let span = body.span();
    let new_body = match kind {
        Kind::Test => {
            if !f.sig.inputs.is_empty() {
                return Err(syn::Error::new(
                    f.sig.inputs.span(),
                    "the test function cannot accept arguments",
                ));
            }
            // A nested `async fn` is the test's program: a factory the explorer calls once
            // per schedule.
            quote_spanned! {span=>
                {
                    async fn __simloop_test_body() -> #output #body
                    #krate::__private::run_test(
                        #krate::__private::TestConfig { flavor: #flavor, start_paused: #paused, local: #local, name: #name },
                        __simloop_test_body,
                    )
                }
            }
        }
        // `-> !` and `-> impl Trait` cannot name the future's output type (tokio's rule).
        Kind::Main if never_or_impl(&f.sig.output) => quote_spanned! {span=>
            {
                let body = async move #body;
                #krate::__private::run_main(
                    #krate::__private::TestConfig { flavor: #flavor, start_paused: #paused, local: #local, name: #name },
                    body,
                )
            }
        },
        Kind::Main => quote_spanned! {span=>
            {
                let body = async move #body;
                let body = ::core::pin::pin!(body);
                let body: ::core::pin::Pin<&mut dyn ::core::future::Future<Output = #output>> = body;
                #krate::__private::run_main(
                    #krate::__private::TestConfig { flavor: #flavor, start_paused: #paused, local: #local, name: #name },
                    body,
                )
            }
        },
    };
    f.block = syn::parse2(new_body)?;
    let test_attr = match kind {
        Kind::Test => quote!(#[::core::prelude::v1::test]),
        Kind::Main => quote!(),
    };
    Ok(quote! {
        #test_attr
        #f
    })
}

/// Whether the return type is `!` or contains `impl Trait`.
fn never_or_impl(output: &syn::ReturnType) -> bool {
    match output {
        syn::ReturnType::Default => false,
        syn::ReturnType::Type(_, t) => {
            matches!(**t, syn::Type::Never(_)) || quote!(#t).to_string().contains("impl")
        }
    }
}
