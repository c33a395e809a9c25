//! `select!`: tokio's grammar and semantics, the start branch drawn from the run's seeded
//! generator (`biased;` polls in written order).
//!
//! Expansion: preconditions are evaluated, then every branch's future is created and pinned
//! on the stack; a `poll_fn` polls the enabled ones from the start branch on, disables a
//! branch whose output does not match its pattern, and returns the first matching output
//! wrapped in a local enum; the futures are dropped before the handler runs.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::parse::{ParseStream, Parser};
use syn::visit_mut::VisitMut;
use syn::{Expr, Pat, Token};

struct Branch {
    pat: Pat,
    fut: Expr,
    cond: Option<Expr>,
    handler: Expr,
}

struct Select {
    krate: TokenTree,
    biased: bool,
    branches: Vec<Branch>,
    otherwise: Option<Expr>,
}

/// A handler: a block (no comma needed after it) or an expression ending in a comma.
fn handler(input: ParseStream<'_>) -> syn::Result<Expr> {
    if input.peek(syn::token::Brace) {
        let block: syn::Block = input.parse()?;
        let _ = input.parse::<Option<Token![,]>>()?;
        return Ok(Expr::Block(syn::ExprBlock {
            attrs: Vec::new(),
            label: None,
            block,
        }));
    }
    let e: Expr = input.parse()?;
    if !input.is_empty() {
        input.parse::<Token![,]>()?;
    }
    Ok(e)
}

fn parse(input: ParseStream<'_>) -> syn::Result<Select> {
    let krate: TokenTree = input.parse()?;
    input.parse::<Token![;]>()?;
    let biased = if input.peek(syn::Ident)
        && input.fork().parse::<syn::Ident>()? == "biased"
        && input.peek2(Token![;])
    {
        input.parse::<syn::Ident>()?;
        input.parse::<Token![;]>()?;
        true
    } else {
        false
    };
    let mut branches = Vec::new();
    let mut otherwise = None;
    while !input.is_empty() {
        if input.peek(Token![else]) {
            input.parse::<Token![else]>()?;
            input.parse::<Token![=>]>()?;
            otherwise = Some(handler(input)?);
            continue;
        }
        let pat = Pat::parse_multi_with_leading_vert(input)?;
        input.parse::<Token![=]>()?;
        let fut: Expr = input.parse()?;
        let cond = if input.peek(Token![,]) && input.peek2(Token![if]) {
            input.parse::<Token![,]>()?;
            input.parse::<Token![if]>()?;
            Some(input.call(Expr::parse_without_eager_brace)?)
        } else {
            None
        };
        input.parse::<Token![=>]>()?;
        let handler = handler(input)?;
        branches.push(Branch {
            pat,
            fut,
            cond,
            handler,
        });
    }
    Ok(Select {
        krate,
        biased,
        branches,
        otherwise,
    })
}

/// Strips `ref` and `mut` from bindings, so that the pattern can test a reference to the
/// output without moving it (tokio's "clean pattern").
struct Clean;

impl VisitMut for Clean {
    fn visit_pat_ident_mut(&mut self, p: &mut syn::PatIdent) {
        p.by_ref = None;
        p.mutability = None;
        syn::visit_mut::visit_pat_ident_mut(self, p);
    }
}

pub(crate) fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let s = parse.parse2(input)?;
    let krate = &s.krate;
    let n = s.branches.len();
    if n > 64 {
        return Err(syn::Error::new(
            Span::call_site(),
            "select! supports at most 64 branches",
        ));
    }
    if n == 0 {
        // Only an `else`: it is the value, with no await (tokio's expansion too).
        return match &s.otherwise {
            Some(e) => Ok(quote!({ #e })),
            None => Err(syn::Error::new(
                Span::call_site(),
                "select! needs at least one branch or an `else` branch",
            )),
        };
    }
    let mut conds = Vec::new();
    let mut futs = Vec::new();
    let mut arms = Vec::new();
    let mut handlers = Vec::new();
    let variants: Vec<_> = (0..n).map(|i| format_ident!("_{}", i)).collect();
    let fut_names: Vec<_> = (0..n)
        .map(|i| format_ident!("__simloop_fut_{}", i))
        .collect();
    let fut_exprs: Vec<_> = s.branches.iter().map(|b| &b.fut).collect();
    let types: Vec<_> = (0..n).map(|i| format_ident!("T{}", i)).collect();
    // The mask of disabled branches is as small as the branch count allows (tokio's is too,
    // and tests compare the size of a select!'s future).
    let mask_ty = match n {
        0..=8 => quote!(u8),
        9..=16 => quote!(u16),
        17..=32 => quote!(u32),
        _ => quote!(u64),
    };
    for (i, b) in s.branches.iter().enumerate() {
        let fut_name = format_ident!("__simloop_fut_{}", i);
        let variant = &variants[i];
        let mask = quote!((1 << #i));
        if let Some(c) = &b.cond {
            conds.push(quote! { if !(#c) { __disabled |= #mask; } });
        }
        futs.push(quote!(#fut_name: ::core::future::IntoFuture::into_future(#fut_name)));
        let mut clean = b.pat.clone();
        Clean.visit_pat_mut(&mut clean);
        arms.push(quote! {
            #i => {
                if __disabled & #mask != 0 {
                    continue;
                }
                let __out = match ::core::future::Future::poll(__this.#fut_name.as_mut(), __cx) {
                    ::core::task::Poll::Ready(out) => out,
                    ::core::task::Poll::Pending => {
                        __pending = true;
                        continue;
                    }
                };
                __disabled |= #mask;
                #[allow(unused_variables, unreachable_patterns, clippy::match_single_binding)]
                match &__out {
                    #clean => {}
                    _ => continue,
                }
                return ::core::task::Poll::Ready(__SelectOut::#variant(__out));
            }
        });
        let pat = &b.pat;
        let h = &b.handler;
        handlers.push(quote! { __SelectOut::#variant(#pat) => #h, });
    }
    let otherwise = match &s.otherwise {
        Some(e) => quote!(#e),
        None => quote!(::core::panic!(
            "all branches are disabled and there is no else branch"
        )),
    };
    let start = if s.biased {
        quote!(0usize)
    } else {
        quote!(#krate::__private::select_start(#n))
    };
    let all = match n {
        8 | 16 | 32 | 64 => quote!(#mask_ty::MAX),
        _ => quote!(((1 << #n) - 1)),
    };
    Ok(quote! {{
        enum __SelectOut<#(#types,)*> {
            #(#variants(#types),)*
            Disabled,
        }
        let mut __disabled: #mask_ty = 0;
        #(#conds)*
        #[allow(unused_mut)]
        let mut __output = {
            // The futures are first stored as written (a tuple keeps the temporaries they
            // borrow alive, as tokio's expansion does), then moved into one pinned struct,
            // which the polling closure reaches through one pointer.
            let (#(#fut_names,)*) = (#(#fut_exprs,)*);
            #krate::__private::pin_project! {
                struct __Select<#(#types,)*> {
                    #(#[pin] #fut_names: #types,)*
                }
            }
            let mut __futures = ::core::pin::pin!(__Select { #(#futs,)* });
            // `move`: the closure owns the pointer and the mask, and nothing else is kept
            // across the await (so the future is as small as tokio's).
            ::core::future::poll_fn(move |__cx| {
                let mut __this = __futures.as_mut().project();
                // Out of tokio's budget: the branches would yield anyway, and the others
                // would not; yield before polling any (tokio's select! does the same).
                if !#krate::__private::budget_available(__cx) {
                    return ::core::task::Poll::Pending;
                }
                if __disabled == #all {
                    return ::core::task::Poll::Ready(__SelectOut::Disabled);
                }
                let __start: usize = #start;
                let mut __pending = false;
                for __i in 0..#n {
                    #[allow(clippy::modulo_one)]
                    match (__start + __i) % #n {
                        #(#arms)*
                        _ => unreachable!("select! branch index"),
                    }
                }
                if __pending {
                    ::core::task::Poll::Pending
                } else {
                    ::core::task::Poll::Ready(__SelectOut::Disabled)
                }
            })
            .await
        };
        #[allow(unreachable_patterns, unreachable_code)]
        match __output {
            #(#handlers)*
            __SelectOut::Disabled => #otherwise,
            _ => ::core::unreachable!("failed to match bind"),
        }
    }})
}
