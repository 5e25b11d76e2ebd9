//! The request URL of a generated operation, built in one string.
//!
//! progenitor writes `let url = format!("{}/path/{}", client.baseurl,
//! encode_path(&name.to_string()));`: a copy of every path parameter, a string per encoded
//! parameter, and a `format!` whose estimate of the length falls short of the base URL, so that
//! it grows. The operation gets instead `let url = crate::path::url(format_args!(...))`, with
//! each parameter written through `crate::path::Segment`, which percent-encodes it as ACS3 signs
//! a path (so the signer's path check passes without re-encoding): one allocation, of the size
//! a URL takes.

use crate::CodegenError;

/// Rewrites the `let url = format!(...)` statement of an operation's `send`.
pub(crate) fn build_url_in_one_string(function: &mut syn::ImplItemFn) -> Result<(), CodegenError> {
    let operation = function.sig.ident.to_string();
    let mut rewritten = 0;
    for stmt in &mut function.block.stmts {
        let syn::Stmt::Local(local) = stmt else {
            continue;
        };
        let syn::Pat::Ident(binding) = &local.pat else {
            continue;
        };
        if binding.ident != "url" {
            continue;
        }
        let Some(init) = &mut local.init else {
            continue;
        };
        let syn::Expr::Macro(call) = &*init.expr else {
            continue;
        };
        if !call.mac.path.is_ident("format") {
            continue;
        }
        let arguments = call
            .mac
            .parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            )
            .map_err(|e| CodegenError::Output(format!("{operation}: the URL's format!: {e}")))?;
        let arguments = arguments
            .into_iter()
            .map(|argument| segment(argument, &operation))
            .collect::<Result<Vec<syn::Expr>, CodegenError>>()?;
        *init.expr = syn::parse_quote! { crate::path::url(format_args!(#(#arguments),*)) };
        rewritten += 1;
    }
    if rewritten != 1 {
        return Err(CodegenError::Output(format!(
            "{operation} builds its URL with format! {rewritten} times; expected once"
        )));
    }
    Ok(())
}

/// `encode_path(&value.to_string())` as `crate::path::Segment(&value)`; any other argument (the
/// format string, `client.baseurl`) as it is.
fn segment(argument: syn::Expr, operation: &str) -> Result<syn::Expr, CodegenError> {
    let syn::Expr::Call(call) = &argument else {
        return Ok(argument);
    };
    let syn::Expr::Path(function) = &*call.func else {
        return Ok(argument);
    };
    if function
        .path
        .segments
        .last()
        .is_none_or(|s| s.ident != "encode_path")
    {
        return Ok(argument);
    }
    let value = match call.args.first() {
        Some(syn::Expr::Reference(reference)) => match &*reference.expr {
            syn::Expr::MethodCall(to_string) if to_string.method == "to_string" => {
                &*to_string.receiver
            }
            other => other,
        },
        _ => {
            return Err(CodegenError::Output(format!(
                "{operation}: encode_path is not called with a reference"
            )));
        }
    };
    Ok(syn::parse_quote! { crate::path::Segment(&#value) })
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;

    fn rewrite(body: syn::Block) -> Result<String, CodegenError> {
        let mut function: syn::ImplItemFn = syn::parse_quote! { async fn send(self) {} };
        function.block = body;
        build_url_in_one_string(&mut function)?;
        Ok(function.block.to_token_stream().to_string())
    }

    #[test]
    fn path_parameters_are_written_through_segment_without_a_copy() {
        let text = rewrite(syn::parse_quote! {{
            let url = format!(
                "{}/2023-03-30/functions/{}/versions/{}",
                client.baseurl,
                encode_path(&function_name.to_string()),
                encode_path(&version_id.to_string()),
            );
            let request = client.client.get(url);
        }})
        .expect("rewritten");
        assert_eq!(
            text,
            "{ let url = crate :: path :: url (format_args ! (\"{}/2023-03-30/functions/{}/versions/{}\" , client . baseurl , crate :: path :: Segment (& function_name) , crate :: path :: Segment (& version_id))) ; let request = client . client . get (url) ; }"
        );
    }

    #[test]
    fn a_url_without_parameters_is_still_one_string() {
        let text = rewrite(syn::parse_quote! {{
            let url = format!("{}/2023-03-30/layers", client.baseurl,);
        }})
        .expect("rewritten");
        assert!(
            text.contains(
                "crate :: path :: url (format_args ! (\"{}/2023-03-30/layers\" , client . baseurl))"
            ),
            "{text}"
        );
    }

    #[test]
    fn an_operation_without_the_statement_is_an_error() {
        let error = rewrite(syn::parse_quote! {{ let other = format!("{}", 1); }})
            .expect_err("no url statement");
        assert!(error.to_string().contains("0 times"), "{error}");
    }
}
