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
    let fields: Vec<_> = (0..n).map(|i| format_ident!("f{}", i)).collect();
    let types: Vec<_> = (0..n).map(|i| format_ident!("T{}", i)).collect();
    let futs = &j.futs;
    let polls = fields.iter().enumerate().map(|(i, field)| {
        let on_ready = if try_join {
            quote! {
                if __this.#field.as_mut().is_err() {
                    return ::core::task::Poll::Ready(::core::result::Result::Err(
                        __this.#field.as_mut().take_err()
                    ));
                }
            }
        } else {
            quote!()
        };
        quote! {
            #i => {
                if __this.#field.as_mut().poll_done(__cx) {
                    #on_ready
                } else {
                    __done = false;
                }
            }
        }
    });
    let outputs = if try_join {
        quote!(::core::result::Result::Ok((#(__this.#fields.as_mut().take_ok(),)*)))
    } else {
        quote!((#(__this.#fields.as_mut().take_output(),)*))
    };
    // The futures live in one pinned struct (tokio keeps a tuple): the polling closure
    // holds one pointer to it and the rotation counter, so the join's state is as small
    // as tokio's.
    let (rotate, start) = if j.biased {
        (quote!(), quote!(0usize))
    } else {
        (
            quote!(let mut __rotate: u32 = 0;),
            quote! {{
                let s = __rotate as usize;
                __rotate = (__rotate + 1) % (#n as u32);
                s
            }},
        )
    };
    Ok(quote! {{
        #krate::__private::pin_project! {
            struct __Join<#(#types: ::core::future::Future,)*> {
                #(#[pin] #fields: #krate::__private::MaybeDone<#types>,)*
            }
        }
        let mut __futures = ::core::pin::pin!(__Join {
            #(#fields: #krate::__private::MaybeDone::new(::core::future::IntoFuture::into_future(#futs)),)*
        });
        #rotate
        ::core::future::poll_fn(move |__cx| {
            let __start: usize = #start;
            let mut __done = true;
            let mut __this = __futures.as_mut().project();
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
