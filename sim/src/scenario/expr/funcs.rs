//! The closed set of Python's functions an expression may call, and the load-time check of
//! a call: a known name, the number of arguments, and their types where they are known
//! (evaluated by `interp::funcs`).

use super::{ExprError, Node, Type};
use crate::scenario::error::closest;

/// One of Python's functions on values (examples: the `examples` test module below).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// `len(x)`: the items of a list, the characters of a string.
    Len,
    /// `sorted(xs)`: a new list, in Python's order (a `TypeError` for items it cannot order).
    Sorted,
    /// `sum(xs)`: the sum of numbers, from 0 (floats added as Python 3.12 adds them).
    Sum,
    /// `min(xs)` or `min(a, b, ...)`: the first smallest.
    Min,
    /// `max(xs)` or `max(a, b, ...)`: the first largest.
    Max,
    /// `str(x)`: Python's `str`.
    Str,
    /// `repr(x)`: Python's `repr`.
    Repr,
    /// `round(x)` (an integer, half to even) or `round(x, n)` (`n` decimal digits).
    Round,
    /// `abs(x)`.
    Abs,
    /// `isinstance(x, T)`, `T` one of [`TYPE_NAMES`] or an exception's name (no class
    /// hierarchy beyond `Exception`, `BaseException` and the groups is modelled).
    IsInstance,
    /// `type(x).__name__`: the name of `x`'s type (`'int'`, `'list'`, `'KeyError'`); the
    /// parser takes `type(x)` only with `.__name__` after it.
    TypeName,
}

/// The type names `isinstance` takes besides an exception's (`ValueError`).
pub const TYPE_NAMES: [&str; 10] = [
    "int",
    "float",
    "str",
    "bool",
    "list",
    "tuple",
    "BaseException",
    "Exception",
    "BaseExceptionGroup",
    "ExceptionGroup",
];

/// Exceptions with subclasses among those a scenario raises (`KeyError` is a
/// `LookupError`): `isinstance` compares an exception's own name, so it refuses these.
const BASE_CLASSES: [&str; 4] = [
    "LookupError",
    "ArithmeticError",
    "OSError",
    "ConnectionError",
];

impl Func {
    /// Every function, in the order the reference lists them.
    pub const ALL: [Func; 11] = [
        Func::Len,
        Func::Sorted,
        Func::Sum,
        Func::Min,
        Func::Max,
        Func::Str,
        Func::Repr,
        Func::Round,
        Func::Abs,
        Func::IsInstance,
        Func::TypeName,
    ];

    /// The function's name as Python spells it.
    pub fn name(self) -> &'static str {
        match self {
            Func::Len => "len",
            Func::Sorted => "sorted",
            Func::Sum => "sum",
            Func::Min => "min",
            Func::Max => "max",
            Func::Str => "str",
            Func::Repr => "repr",
            Func::Round => "round",
            Func::Abs => "abs",
            Func::IsInstance => "isinstance",
            Func::TypeName => "type",
        }
    }

    /// The function named `name`, if the language has it.
    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }

    /// How it is called, for hints.
    fn signature(self) -> &'static str {
        match self {
            Func::Min => "min(xs) or min(a, b, ...)",
            Func::Max => "max(xs) or max(a, b, ...)",
            Func::Round => "round(x) or round(x, ndigits)",
            Func::Sorted => "sorted(xs)",
            Func::Sum => "sum(xs)",
            Func::IsInstance => "isinstance(x, str)",
            Func::TypeName => "type(x).__name__",
            _ => "f(x)",
        }
    }

    /// The least and the most arguments it takes.
    fn arity(self) -> (usize, usize) {
        match self {
            Func::Min | Func::Max => (1, usize::MAX),
            Func::Round => (1, 2),
            Func::IsInstance => (2, 2),
            _ => (1, 1),
        }
    }
}

/// The functions as a hint lists them.
pub(super) fn listing() -> String {
    Func::ALL
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The error for a call of `name`, which is not one of the functions.
pub(super) fn unknown(name: &str, span: std::ops::Range<usize>) -> ExprError {
    let e = ExprError::new(span, format!("unknown function `{name}`"));
    match closest(name, Func::ALL.iter().map(|f| f.name())) {
        Some(c) => e.hint(format!("did you mean `{c}`? the functions: {}", listing())),
        None => e.hint(format!(
            "the functions: {} (the language is asyncio's steps, not Python)",
            listing()
        )),
    }
}

/// The type `f(args)` computes, or why the arguments do not go with `f`; `span` is the
/// call's.
pub(super) fn call_type(
    f: Func,
    args: &[Node],
    span: std::ops::Range<usize>,
) -> Result<Type, ExprError> {
    use Type::{Any, Bool, Float, Int, List, Str, Tuple};
    let (least, most) = f.arity();
    if args.len() < least || args.len() > most {
        let takes = match (least, most) {
            (1, 1) => "one argument".to_string(),
            (1, 2) => "one or two arguments".to_string(),
            (2, 2) => "two arguments".to_string(),
            _ => "at least one argument".to_string(),
        };
        return Err(ExprError::new(
            span,
            format!(
                "`{}` takes {takes}, and {} {} given",
                f.name(),
                args.len(),
                if args.len() == 1 { "is" } else { "are" }
            ),
        )
        .hint(format!(
            "call it as `{}`",
            f.signature().replace("f(", &format!("{}(", f.name()))
        )));
    }
    let arg = |i: usize, ok: &dyn Fn(Type) -> bool, what: &str| -> Result<Type, ExprError> {
        let a = &args[i];
        if a.ty == Any || ok(a.ty) {
            return Ok(a.ty);
        }
        Err(ExprError::new(
            a.span.clone(),
            format!("`{}` needs {what}, and this is {}", f.name(), a.ty.name()),
        ))
    };
    let number = |t: Type| matches!(t, Int | Float | Bool);
    Ok(match f {
        Func::Len => {
            arg(
                0,
                &|t| matches!(t, List | Tuple | Str),
                "a list, a tuple or a string",
            )?;
            Int
        }
        Func::Sorted => {
            arg(
                0,
                &|t| matches!(t, List | Tuple | Str),
                "a list, a tuple or a string",
            )?;
            List
        }
        Func::Sum => {
            arg(0, &|t| matches!(t, List | Tuple), "a list of numbers")?;
            Any
        }
        Func::Min | Func::Max if args.len() == 1 => {
            arg(
                0,
                &|t| matches!(t, List | Tuple | Str),
                "a list, a tuple or a string (or two values or more)",
            )?;
            Any
        }
        Func::Min | Func::Max => {
            let first = args[0].ty;
            if args.iter().all(|a| a.ty == first) && first != Any {
                first
            } else {
                Any
            }
        }
        Func::Str | Func::Repr => Str,
        Func::Round => {
            let x = arg(0, &number, "a number")?;
            if args.len() == 2 {
                arg(
                    1,
                    &|t| matches!(t, Int | Bool),
                    "an integer number of digits",
                )?;
                match x {
                    Bool => Int,
                    t => t,
                }
            } else {
                Int
            }
        }
        Func::Abs => match arg(0, &number, "a number")? {
            Bool => Int,
            t => t,
        },
        Func::IsInstance => Bool,
        Func::TypeName => Str,
    })
}

/// `isinstance`'s type: a bare name, `int` ... `ExceptionGroup` or an exception's
/// (`ValueError`), made a string literal (it names no variable), or why not.
pub(super) fn type_name(arg: &Node) -> Result<String, ExprError> {
    let hint = || {
        format!(
            "one of {}, or an exception's name such as `ValueError` (a tuple of types is not supported)",
            TYPE_NAMES.join(", ")
        )
    };
    let super::NodeKind::Var(name) = &arg.kind else {
        return Err(ExprError::new(
            arg.span.clone(),
            "`isinstance` takes a type's name as its second argument",
        )
        .hint(hint()));
    };
    if BASE_CLASSES.contains(&name.as_str()) {
        return Err(ExprError::new(
            arg.span.clone(),
            format!("`isinstance` does not model `{name}`'s subclasses"),
        )
        .hint("name the exception itself, `KeyError`, or `Exception`"));
    }
    let exception = name.ends_with("Error") && name.chars().all(|c| c.is_ascii_alphanumeric());
    if TYPE_NAMES.contains(&name.as_str()) || exception {
        return Ok(name.clone());
    }
    let e = ExprError::new(
        arg.span.clone(),
        format!("`{name}` is not a type `isinstance` knows"),
    );
    Err(match closest(name, TYPE_NAMES.iter().copied()) {
        Some(c) => e.hint(format!("did you mean `{c}`? {}", hint())),
        None => e.hint(hint()),
    })
}

#[cfg(test)]
mod examples {
    use super::Func;

    #[test]
    fn functions_are_known_by_their_python_names() {
        assert_eq!(Func::from_name("len"), Some(Func::Len));
        assert_eq!(Func::Round.name(), "round");
        assert_eq!(Func::from_name("print"), None);
    }
}
