//! `sigx list [--json]`: every valid signal of this system.

use crate::{OK, args, json, names, usage_error};
use sigx_core::signals;

const HELP: &str = "\
Usage: sigx list [--json]

Every valid signal of this system: number, name (real-time signals as bash's
`kill -l` names them), default action (terminate, core, ignore, stop,
continue), whether a program can catch it (all but SIGKILL and SIGSTOP), and
the description the C library gives it.

  --json   one object per line: {\"signo\",\"name\",\"default\",\"catchable\",\"description\"}
";

/// Runs `sigx list`.
pub fn run(argv: &[String]) -> u8 {
    let parsed = match args::parse(argv, &[("json", false)]) {
        Ok(p) => p,
        Err(e) => return usage_error("list", &e),
    };
    if parsed.flag("help") {
        print!("{HELP}");
        return OK;
    }
    if let Some(extra) = parsed.operands.first() {
        return usage_error("list", &format!("unexpected operand '{extra}'"));
    }
    let json = parsed.flag("json");
    if !json {
        println!(
            "{:>3}  {:<13} {:<10} {:<10} DESCRIPTION",
            "NO", "NAME", "DEFAULT", "CATCHABLE"
        );
    }
    for signo in names::all_signals() {
        let name = names::signal(signo);
        let description = signals::describe(signo)
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_default();
        let catchable = names::catchable(signo);
        if json {
            let line = json::Object::new()
                .int("signo", signo)
                .str("name", &name)
                .str("default", names::action(signo))
                .bool("catchable", catchable)
                .str("description", &description)
                .finish();
            println!("{line}");
        } else {
            let yes_no = if catchable { "yes" } else { "no" };
            println!(
                "{signo:>3}  {name:<13} {:<10} {yes_no:<10} {description}",
                names::action(signo)
            );
        }
    }
    OK
}
