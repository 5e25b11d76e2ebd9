//! JSON equality for comparing what was sent or serialized with what was expected.

use serde_json::{Number, Value};

/// JSON equality where `3` and `3.0` are the same number.
///
/// The spec types some integer-looking values as `number`, which serialize with a fraction, so a
/// body that went through a Rust type may come back with `3.0` where it had `3`. Otherwise the
/// comparison is exact:
///
/// * two integers are equal only if they are the same integer (no rounding through `f64`, which
///   would make `9007199254740993` equal `9007199254740992`);
/// * an integer equals a float only if the float has no fraction and is exactly that integer;
/// * two floats are equal if they are the same `f64`;
/// * arrays are equal element by element, in order; objects have the same keys with equal
///   values, in any order;
/// * strings, booleans and `null` are equal only to themselves.
///
/// ```
/// use fc_test_support::json::same_json;
/// use serde_json::json;
/// assert!(same_json(&json!({"a": [3], "b": null}), &json!({"b": null, "a": [3.0]})));
/// assert!(!same_json(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
/// assert!(!same_json(&json!(3.5), &json!(3)));
/// ```
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => same_number(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

fn same_number(x: &Number, y: &Number) -> bool {
    match (integer(x), integer(y)) {
        (Some(x), Some(y)) => x == y,
        (Some(i), None) => y.as_f64().is_some_and(|f| float_is(f, i)),
        (None, Some(i)) => x.as_f64().is_some_and(|f| float_is(f, i)),
        (None, None) => x.as_f64() == y.as_f64(),
    }
}

/// The number's value if it is an integer (`i64` or `u64`), widened so both kinds compare.
fn integer(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

/// Whether `f` is exactly the integer `i`. Every integral `f64` within the `u64`/`i64` ranges
/// converts to `i128` exactly; larger ones saturate and so match no integer JSON can hold here.
fn float_is(f: f64, i: i128) -> bool {
    f.fract() == 0.0 && f as i128 == i
}

#[cfg(test)]
mod tests {
    use super::same_json;
    use serde_json::json;

    #[test]
    fn integers_and_integral_floats_are_the_same_number() {
        assert!(same_json(&json!(3), &json!(3.0)));
        assert!(same_json(&json!(-3.0), &json!(-3)));
        assert!(same_json(&json!(0), &json!(-0.0)));
        assert!(same_json(&json!(u64::MAX), &json!(u64::MAX)));
    }

    #[test]
    fn numbers_differ_without_rounding() {
        assert!(!same_json(&json!(3), &json!(3.5)));
        assert!(!same_json(&json!(0.1), &json!(0.2)));
        assert!(!same_json(&json!(u64::MAX), &json!(u64::MAX - 1)));
        assert!(!same_json(
            &json!(9_007_199_254_740_993_i64),
            &json!(9_007_199_254_740_992_i64)
        ));
        assert!(!same_json(
            &json!(9_007_199_254_740_993_i64),
            &json!(9_007_199_254_740_992.0)
        ));
        assert!(!same_json(&json!(1), &json!("1")));
    }

    #[test]
    fn containers_compare_deeply() {
        assert!(same_json(
            &json!({"a": [1, {"b": 2}], "c": "x"}),
            &json!({"c": "x", "a": [1.0, {"b": 2.0}]})
        ));
        assert!(!same_json(&json!([1, 2]), &json!([2, 1])));
        assert!(!same_json(&json!([1]), &json!([1, 1])));
        assert!(!same_json(&json!({"a": 1}), &json!({"b": 1})));
        assert!(!same_json(&json!({"a": 1}), &json!({"a": 1, "b": 1})));
        assert!(!same_json(&json!({"a": 1, "b": 1}), &json!({"a": 1})));
        assert!(!same_json(&json!({"a": null}), &json!({})));
    }
}
