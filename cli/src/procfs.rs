//! What `/proc` says about a process's signals: per process (`SigIgn`,
//! `SigCgt`, `ShdPnd`, `SigQ`) and per thread (`SigBlk`, `SigPnd`), with the
//! threads' names from `task/TID/comm`.

use std::fs;
use std::io;

/// One thread of the inspected process.
pub struct Thread {
    /// Its thread id.
    pub tid: i32,
    /// Its name (`comm`), as the thread set it (at most 15 bytes).
    pub name: String,
    /// `SigBlk`: the signals it blocks.
    pub blocked: u64,
    /// `SigPnd`: signals pending for this thread only (sent with tgkill).
    pub pending: u64,
}

/// The signal state of one process.
pub struct Process {
    /// Its pid.
    pub pid: i32,
    /// Its name (`comm` of the main thread).
    pub name: String,
    /// `PPid`.
    pub ppid: i32,
    /// The real uid (first field of `Uid`).
    pub uid: u32,
    /// `SigIgn`: signals set to `SIG_IGN`.
    pub ignored: u64,
    /// `SigCgt`: signals with a handler.
    pub caught: u64,
    /// `ShdPnd`: signals pending for the process as a whole.
    pub pending: u64,
    /// `SigQ`: signals queued for the real uid, and that uid's limit.
    pub queued: Option<(u64, u64)>,
    /// Its threads, in the kernel's order (the main thread first).
    pub threads: Vec<Thread>,
}

/// The fields of a `/proc/.../status` file this module uses.
#[derive(Default)]
struct Status {
    name: String,
    ppid: i32,
    uid: u32,
    ignored: u64,
    caught: u64,
    shared_pending: u64,
    pending: u64,
    blocked: u64,
    queued: Option<(u64, u64)>,
}

/// Parses a status file (see proc(5)); unknown lines are skipped.
fn parse_status(text: &str) -> Status {
    let mut st = Status::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        let hex = || u64::from_str_radix(value, 16).unwrap_or(0);
        match key {
            "Name" => st.name = value.to_string(),
            "PPid" => st.ppid = value.parse().unwrap_or(0),
            "Uid" => {
                st.uid = value
                    .split_whitespace()
                    .next()
                    .and_then(|u| u.parse().ok())
                    .unwrap_or(0)
            }
            "SigQ" => {
                st.queued = value
                    .split_once('/')
                    .and_then(|(q, l)| Some((q.parse().ok()?, l.parse().ok()?)))
            }
            "SigPnd" => st.pending = hex(),
            "ShdPnd" => st.shared_pending = hex(),
            "SigBlk" => st.blocked = hex(),
            "SigIgn" => st.ignored = hex(),
            "SigCgt" => st.caught = hex(),
            _ => {}
        }
    }
    st
}

/// A thread's name from `comm`, without the newline; `None` if unreadable.
pub fn comm(path: &str) -> Option<String> {
    let bytes = fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    Some(text.strip_suffix('\n').unwrap_or(&text).to_string())
}

/// Reads the signal state of process `pid` and of each of its threads.
/// A thread that ends while this runs is left out.
pub fn read(pid: i32) -> io::Result<Process> {
    let status = parse_status(&fs::read_to_string(format!("/proc/{pid}/status"))?);
    let mut tids: Vec<i32> = fs::read_dir(format!("/proc/{pid}/task"))?
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    tids.sort_unstable();
    // The main thread first, then the others by tid.
    if let Some(i) = tids.iter().position(|&t| t == pid) {
        let main = tids.remove(i);
        tids.insert(0, main);
    }
    let mut threads = Vec::with_capacity(tids.len());
    for tid in tids {
        let Ok(text) = fs::read_to_string(format!("/proc/{pid}/task/{tid}/status")) else {
            continue;
        };
        let st = parse_status(&text);
        let name = comm(&format!("/proc/{pid}/task/{tid}/comm")).unwrap_or(st.name);
        threads.push(Thread {
            tid,
            name,
            blocked: st.blocked,
            pending: st.pending,
        });
    }
    Ok(Process {
        pid,
        name: comm(&format!("/proc/{pid}/comm")).unwrap_or(status.name),
        ppid: status.ppid,
        uid: status.uid,
        ignored: status.ignored,
        caught: status.caught,
        pending: status.shared_pending,
        queued: status.queued,
        threads,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_signal_lines() {
        let st = parse_status(
            "Name:\tworker\nPPid:\t17\nUid:\t1000\t1000\t1000\t1000\n\
             SigQ:\t3/63364\nSigPnd:\t0000000000000200\nShdPnd:\t0000000000004000\n\
             SigBlk:\t0000000000000002\nSigIgn:\t0000000000001000\nSigCgt:\t0000000180004002\n",
        );
        assert_eq!(st.name, "worker");
        assert_eq!((st.ppid, st.uid), (17, 1000));
        assert_eq!(st.queued, Some((3, 63364)));
        assert_eq!(st.pending, 0x200);
        assert_eq!(st.shared_pending, 0x4000);
        assert_eq!(st.blocked, 2);
        assert_eq!(st.ignored, 0x1000);
        assert_eq!(st.caught, 0x1_8000_4002);
    }
}
