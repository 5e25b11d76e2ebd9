//! Open Rust enums for the spec's enum schemas.
//!
//! Function Compute adds enum values over time (new runtimes, states, trigger types). A closed
//! enum would fail a whole response on the first value it does not know, so every enum schema
//! becomes an enum with one variant per documented value plus `Unknown(String)`, which keeps any
//! other value and writes it back unchanged. The enums are `#[non_exhaustive]`: a regen that
//! documents a new value adds a variant, which must not break users' `match`es.

use heck::ToUpperCamelCase;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::prepare::OpenEnum;

/// The name of the catch-all variant; no documented value may map to it.
pub(crate) const UNKNOWN_VARIANT: &str = "Unknown";

/// The Rust variant name for an enum value: `python3.10` → `Python310`, `2xx` → `V2xx`.
pub(crate) fn variant_name(value: &str) -> String {
    let cleaned: String = value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let joined = cleaned
        .split_whitespace()
        .map(|word| word.to_upper_camel_case())
        .collect::<String>();
    match joined.chars().next() {
        None => "Empty".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("V{joined}"),
        Some(_) => joined,
    }
}

/// The file holding every open enum.
pub(crate) fn generate(enums: &[OpenEnum]) -> syn::File {
    let items = enums.iter().map(one_enum);
    let tokens = quote! {
        #![allow(clippy::all)]
        #(#items)*
    };
    syn::parse2(tokens).expect("open enum tokens are valid Rust")
}

fn one_enum(open: &OpenEnum) -> TokenStream {
    let name = Ident::new(&open.name, Span::call_site());
    let description = open
        .description
        .clone()
        .unwrap_or_else(|| format!("The `{}` values of the API.", open.name));
    let doc = format!(
        "{description}\n\nOpen: a value this SDK does not know is kept in [`{0}::Unknown`] and \
         written back unchanged. A later release may give such a value a variant of its own, so \
         a `match` needs a wildcard arm, and code that must keep working across releases \
         compares [`{0}::as_str`] rather than matching `Unknown(..)`.",
        open.name
    );
    let variants: Vec<Ident> = open
        .values
        .iter()
        .map(|v| Ident::new(&variant_name(v), Span::call_site()))
        .collect();
    let values = &open.values;
    let variant_docs = values.iter().map(|v| format!("`{v}`"));
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants,
            )*
            /// A value this version of the SDK does not know.
            Unknown(::std::string::String),
        }

        impl #name {
            /// Every documented value, in the order the API lists them.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#variants,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#values => Self::#variants,)*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::open_enum::deserialize(deserializer)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::variant_name;

    #[test]
    fn variant_names() {
        assert_eq!(variant_name("Active"), "Active");
        assert_eq!(variant_name("python3.10"), "Python310");
        assert_eq!(variant_name("custom.debian10"), "CustomDebian10");
        assert_eq!(variant_name("nodejs20"), "Nodejs20");
        assert_eq!(variant_name("HTTP_TRIGGER"), "HttpTrigger");
        assert_eq!(variant_name("oss"), "Oss");
        assert_eq!(variant_name("2xx"), "V2xx");
        assert_eq!(variant_name(""), "Empty");
    }
}
