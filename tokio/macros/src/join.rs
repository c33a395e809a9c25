//! `join!` and `try_join!`: every future polled in turn (from a rotating start, or in
//! written order with `biased;`) until all are done, or until one fails for `try_join!`.

use proc_macro2::{TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Token};

struct Join {
    krate: TokenTree,
    biased: bool,
    futs: Vec<Expr>,
}

fn parse(input: ParseStream<'_>) -> syn::Result<Join> {
    let krate: TokenTree = input.parse()?;
    input.parse::<Token![;]>()?;
    let biased = if input.peek(syn::Ident)
        && input.peek2(Token![;])
        && input.fork().parse::<syn::Ident>()? == "biased"
    {
        input.parse::<syn::Ident>()?;
        input.parse::<Token![;]>()?;
        true
    } else {
        false
    };
    let futs = Punctuated::<Expr, Token![,]>::parse_terminated(input)?
        .into_iter()
        .collect();
    Ok(Join {
        krate,
        biased,
        futs,
    })
}

pub(crate) fn expand(input: TokenStream, try_join: bool) -> syn::Result<TokenStream> {
    let j = parse.parse2(input)?;
    let krate = &j.krate;
    let n = j.futs.len();
    if n == 0 {
        return Ok(if try_join {
            quote!(async { ::core::result::Result::Ok(()) }.await)
        } else {
            quote!(async {}.await)
        });
    }
    let names: Vec<_> = (0..n)
        .map(|i| format_ident!("__simloop_join_{}", i))
        .collect();
    let futs = &j.futs;
    let polls = names.iter().enumerate().map(|(i, name)| {
        let on_ready = if try_join {
            quote! {
                if #name.as_mut().is_err() {
                    return ::core::task::Poll::Ready(::core::result::Result::Err(
                        #name.as_mut().take_err()
                    ));
                }
            }
        } else {
            quote!()
        };
        quote! {
            #i => {
                if #name.as_mut().poll_done(__cx) {
                    #on_ready
                } else {
                    __done = false;
                }
            }
        }
    });
    let outputs = if try_join {
        quote!(::core::result::Result::Ok((#(#names.as_mut().take_ok(),)*)))
    } else {
        quote!((#(#names.as_mut().take_output(),)*))
    };
    let start = if j.biased {
        quote!(0usize)
    } else {
        quote! {{
            let s = __rotate;
            __rotate = (__rotate + 1) % #n;
            s
        }}
    };
    Ok(quote! {{
        #(let mut #names = ::core::pin::pin!(#krate::__private::MaybeDone::new(
            ::core::future::IntoFuture::into_future(#futs)
        ));)*
        #[allow(unused_mut, unused_variables)]
        let mut __rotate: usize = 0;
        ::core::future::poll_fn(|__cx| {
            let __start: usize = #start;
            let mut __done = true;
            for __i in 0..#n {
                #[allow(clippy::modulo_one)]
                match (__start + __i) % #n {
                    #(#polls)*
                    _ => unreachable!("join! branch index"),
                }
            }
            if __done {
                ::core::task::Poll::Ready(#outputs)
            } else {
                ::core::task::Poll::Pending
            }
        })
        .await
    }})
}
