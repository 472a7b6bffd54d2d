//! Command-line parsing by hand: options (`--name`, `--name value`,
//! `--name=value`) anywhere among the operands, `--` ends the options, and a
//! negative number is an operand (`sigx send TERM -- -1234` or
//! `sigx send TERM -1234` for a process group).

use sigx_core::signals;

/// The options and operands of one command line.
pub struct Parsed {
    /// Options as given: (name without dashes, value if it takes one).
    options: Vec<(&'static str, Option<String>)>,
    /// The operands, in order.
    pub operands: Vec<String>,
}

impl Parsed {
    /// Whether the flag `name` was given.
    pub fn flag(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| *n == name)
    }

    /// The value of the last `--name`, if given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.as_deref())
    }
}

/// One option a command accepts: its name, and whether it takes a value.
pub type Spec = (&'static str, bool);

/// Splits `args` into options (checked against `spec`; `--help`/`-h` always
/// accepted as `help`) and operands. The error is a message for the user.
pub fn parse(args: &[String], spec: &[Spec]) -> Result<Parsed, String> {
    let mut parsed = Parsed {
        options: Vec::new(),
        operands: Vec::new(),
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            parsed.operands.extend(iter.by_ref().cloned());
            break;
        }
        if arg == "-h" || arg == "--help" {
            parsed.options.push(("help", None));
            continue;
        }
        let Some(body) = arg.strip_prefix("--") else {
            if arg.len() > 1 && arg.starts_with('-') && arg[1..].parse::<i64>().is_err() {
                return Err(format!("unknown option '{arg}'"));
            }
            parsed.operands.push(arg.clone());
            continue;
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        let Some(&(known, takes_value)) = spec.iter().find(|(n, _)| *n == name) else {
            return Err(format!("unknown option '--{name}'"));
        };
        let value = if takes_value {
            match inline {
                Some(v) => Some(v),
                None => Some(
                    iter.next()
                        .cloned()
                        .ok_or_else(|| format!("--{name} needs a value"))?,
                ),
            }
        } else if inline.is_some() {
            return Err(format!("--{name} takes no value"));
        } else {
            None
        };
        parsed.options.push((known, value));
    }
    Ok(parsed)
}

/// A signal from a name (`TERM`, `SIGTERM`, `sigterm`, `RTMIN+3`) or a
/// number; `allow_zero` accepts `0` (the existence check of kill(2)).
pub fn signal(text: &str, allow_zero: bool) -> Result<i32, String> {
    if allow_zero && text == "0" {
        return Ok(0);
    }
    signals::number(text.as_bytes()).ok_or_else(|| {
        format!("unknown signal '{text}' (names as in `sigx list`, e.g. TERM, SIGUSR1, RTMIN+3, or numbers)")
    })
}

/// A sigqueue value: a decimal integer (negative ones as two's complement)
/// or `0x` hexadecimal.
pub fn value(text: &str) -> Result<u64, String> {
    let parsed = if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        u64::from_str_radix(hex, 16).ok()
    } else if let Some(negative) = text.strip_prefix('-') {
        negative
            .parse::<u64>()
            .ok()
            .filter(|&n| n <= 1 << 63)
            .map(|n| n.wrapping_neg())
    } else {
        text.parse::<u64>().ok()
    };
    parsed.ok_or_else(|| format!("--value '{text}' is not a 64-bit integer"))
}

/// A process or thread id: a positive integer (or `self` where allowed).
pub fn pid(text: &str, what: &str) -> Result<i32, String> {
    if text == "self" {
        return Ok(std::process::id() as i32);
    }
    match text.parse::<i32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("'{text}' is not a {what} (a positive number)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_anywhere_and_negative_operands() {
        let spec = [("value", true), ("json", false)];
        let p = parse(
            &strings(&["TERM", "--value=7", "12", "--json", "-34"]),
            &spec,
        )
        .unwrap();
        assert_eq!(p.value("value"), Some("7"));
        assert!(p.flag("json") && !p.flag("help"));
        assert_eq!(p.operands, strings(&["TERM", "12", "-34"]));
        let p = parse(&strings(&["--value", "9", "--", "--json"]), &spec).unwrap();
        assert_eq!(p.value("value"), Some("9"));
        assert_eq!(p.operands, strings(&["--json"]));
        assert!(parse(&strings(&["--nope"]), &spec).is_err());
        assert!(parse(&strings(&["-x"]), &spec).is_err());
        assert!(parse(&strings(&["--value"]), &spec).is_err());
        assert!(parse(&strings(&["--json=1"]), &spec).is_err());
        assert!(parse(&strings(&["-h"]), &spec).unwrap().flag("help"));
    }

    #[test]
    fn values() {
        assert_eq!(value("42"), Ok(42));
        assert_eq!(value("0x2a"), Ok(42));
        assert_eq!(value("-1"), Ok(u64::MAX));
        assert!(value("x").is_err());
        assert!(value("18446744073709551616").is_err());
    }
}
