//! Benchmark peer: signal-hook's iterator (`signal_hook::iterator::Signals`)
//! in exactly the workloads of `benches/harness.c`, so that its row in the
//! table is measured the same way as the C mechanisms'.
//!
//! ```text
//! sigx-bench-peers signal_hook self|pingpong|flood|flood-thread <count>
//! ```
//!
//! The loop shapes, pinning, warm-up, environment variables
//! (`SIGX_BENCH_CPU`, `SIGX_BENCH_SENDER_CPU`, `SIGX_BENCH_SENDER`,
//! `SIGX_BENCH_WARMUP`), the flood sender (the C `bench_sender`, exec'd) and
//! the JSON line printed at the end are those of harness.c. Pump = one
//! `Signals::wait()`, reporting each signal of the returned batch. The
//! iterator coalesces: a signal delivered several times before `wait()` looks
//! is reported once, and no `si_value` is passed on, so a flood is counted,
//! not checked value by value.

use signal_hook::iterator::Signals;
use std::ffi::CString;
use std::process::exit;

/// What the workload counts (the `bench_event` of harness.c).
#[derive(Default)]
struct Counter {
    data_sig: i32,
    marker_sig: i32,
    events: u64,
    other: u64,
    marker_seen: bool,
}

impl Counter {
    fn event(&mut self, signo: i32) {
        if signo == self.data_sig {
            self.events += 1;
        } else if signo == self.marker_sig {
            self.marker_seen = true;
        } else {
            self.other += 1;
        }
    }

    /// Block in `Signals::wait()` once and report the batch.
    fn pump(&mut self, signals: &mut Signals) {
        for s in signals.wait() {
            self.event(s);
        }
    }

    fn pump_until(&mut self, signals: &mut Signals, target: u64) {
        while self.events < target {
            self.pump(signals);
        }
    }
}

fn die(what: &str) -> ! {
    eprintln!("bench: {what}: {}", std::io::Error::last_os_error());
    exit(2)
}

fn now_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: valid out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

fn env_long(name: &str, default: i64) -> i64 {
    match std::env::var(name) {
        Ok(s) if !s.is_empty() => s.trim().parse().unwrap_or(default),
        _ => default,
    }
}

fn default_sender_cpu() -> i64 {
    // SAFETY: plain query.
    if unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) } > 1 {
        1
    } else {
        0
    }
}

fn pin(cpu: i64) {
    // SAFETY: cpu_set_t is plain data; CPU_SET stays in bounds for cpu < 1024.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu as usize, &mut set);
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            die("sched_setaffinity");
        }
    }
}

fn pipe() -> [i32; 2] {
    let mut fds = [-1; 2];
    // SAFETY: valid out-array of two ints.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        die("pipe");
    }
    fds
}

fn write1(fd: i32, c: u8) {
    loop {
        // SAFETY: one byte from a live local.
        let r = unsafe { libc::write(fd, (&c as *const u8).cast(), 1) };
        if r == 1 {
            return;
        }
        if std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            die("write");
        }
    }
}

fn read1(fd: i32) {
    let mut c = 0u8;
    loop {
        // SAFETY: one byte into a live local.
        let r = unsafe { libc::read(fd, (&mut c as *mut u8).cast(), 1) };
        if r == 1 {
            return;
        }
        if r == 0 {
            eprintln!("bench: peer went away");
            exit(2);
        }
        if std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            die("read");
        }
    }
}

fn reap(pid: i32) {
    let mut status = 0;
    // SAFETY: valid out-pointer.
    while unsafe { libc::waitpid(pid, &mut status, 0) } < 0 {
        if std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            die("waitpid");
        }
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        eprintln!("bench: child {pid} failed (status {status:#x})");
        exit(2);
    }
}

fn signals(sigs: &[i32]) -> Signals {
    Signals::new(sigs).unwrap_or_else(|e| {
        eprintln!("bench: Signals::new: {e}");
        exit(2)
    })
}

fn kill(pid: i32, sig: i32) {
    // SAFETY: plain system call.
    unsafe { libc::kill(pid, sig) };
}

fn run_self(n: u64, warm: u64) {
    let sig = libc::SIGUSR1;
    let mut c = Counter {
        data_sig: sig,
        marker_sig: -1,
        ..Counter::default()
    };
    pin(env_long("SIGX_BENCH_CPU", 0));
    let mut s = signals(&[sig]);
    // SAFETY: plain system call.
    let me = unsafe { libc::getpid() };
    for _ in 0..warm {
        kill(me, sig);
        c.pump_until(&mut s, c.events + 1);
    }
    let t0 = now_ns();
    for _ in 0..n {
        kill(me, sig);
        c.pump_until(&mut s, c.events + 1);
    }
    let t1 = now_ns();
    println!(
        "{{\"mech\":\"signal_hook\",\"workload\":\"self\",\"n\":{n},\"value\":{:.2},\"unit\":\"ns\",\"other\":{}}}",
        (t1 - t0) as f64 / n as f64,
        c.other
    );
}

fn run_pingpong(n: u64, warm: u64) {
    let sig = libc::SIGUSR1;
    let mut c = Counter {
        data_sig: sig,
        marker_sig: -1,
        ..Counter::default()
    };
    pin(env_long("SIGX_BENCH_CPU", 0));
    let ready = pipe();
    // SAFETY: plain system calls; the process is single-threaded here, so
    // the child may do anything after fork.
    let parent = unsafe { libc::getpid() };
    let child = unsafe { libc::fork() };
    if child < 0 {
        die("fork");
    }
    if child == 0 {
        // SAFETY: closing our copy of the read end.
        unsafe { libc::close(ready[0]) };
        let mut s = signals(&[sig]);
        write1(ready[1], b'r');
        for i in 0..warm + n {
            c.pump_until(&mut s, i + 1);
            kill(parent, sig);
        }
        // SAFETY: leave without running the parent's atexit work.
        unsafe { libc::_exit(0) };
    }
    // SAFETY: closing our copy of the write end.
    unsafe { libc::close(ready[1]) };
    let mut s = signals(&[sig]);
    read1(ready[0]);
    for _ in 0..warm {
        kill(child, sig);
        c.pump_until(&mut s, c.events + 1);
    }
    let t0 = now_ns();
    for _ in 0..n {
        kill(child, sig);
        c.pump_until(&mut s, c.events + 1);
    }
    let t1 = now_ns();
    reap(child);
    println!(
        "{{\"mech\":\"signal_hook\",\"workload\":\"pingpong\",\"n\":{n},\"value\":{:.2},\"unit\":\"ns\",\"other\":{}}}",
        (t1 - t0) as f64 / n as f64,
        c.other
    );
}

fn sender_path() -> String {
    if let Ok(s) = std::env::var("SIGX_BENCH_SENDER") {
        if !s.is_empty() {
            return s;
        }
    }
    eprintln!("bench: set SIGX_BENCH_SENDER to the bench_sender program");
    exit(2)
}

fn run_flood(n: u64, threaded: bool) {
    let data = libc::SIGRTMIN() + 1;
    let marker = libc::SIGRTMIN() + 2;
    pin(env_long("SIGX_BENCH_CPU", 0));
    let (go, ack, res) = (pipe(), pipe(), pipe());
    // SAFETY: plain system call.
    let me = unsafe { libc::getpid() };
    let sender = sender_path();
    let args: Vec<CString> = [
        sender.clone(),
        me.to_string(),
        n.to_string(),
        data.to_string(),
        marker.to_string(),
        go[0].to_string(),
        ack[0].to_string(),
        res[1].to_string(),
        env_long("SIGX_BENCH_SENDER_CPU", default_sender_cpu()).to_string(),
    ]
    .into_iter()
    .map(|a| CString::new(a).expect("no NUL in arguments"))
    .collect();
    let mut argv: Vec<*const libc::c_char> = args.iter().map(|a| a.as_ptr()).collect();
    argv.push(std::ptr::null());
    // SAFETY: single-threaded; the child only closes, execs or exits.
    let child = unsafe { libc::fork() };
    if child < 0 {
        die("fork");
    }
    if child == 0 {
        // SAFETY: argv is a NULL-terminated array of live C strings.
        unsafe {
            libc::close(go[1]);
            libc::close(ack[1]);
            libc::close(res[0]);
            libc::execv(argv[0], argv.as_ptr());
            libc::_exit(127);
        }
    }
    // SAFETY: closing our copies of the child's ends.
    unsafe {
        libc::close(go[0]);
        libc::close(ack[0]);
        libc::close(res[1]);
    }
    let mut s = signals(&[data, marker]);
    let mut c = Counter {
        data_sig: data,
        marker_sig: marker,
        ..Counter::default()
    };
    let t0 = now_ns();
    write1(go[1], b'g');
    if threaded {
        let worker = std::thread::spawn(move || {
            // SAFETY: sigset_t is plain data, built with the libc helpers.
            unsafe {
                let mut set: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut set);
                libc::sigaddset(&mut set, data);
                libc::sigaddset(&mut set, marker);
                libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            }
            while !c.marker_seen {
                c.pump(&mut s);
            }
            c
        });
        c = worker.join().unwrap_or_else(|_| exit(2));
    } else {
        while !c.marker_seen {
            c.pump(&mut s);
        }
    }
    let t1 = now_ns();
    write1(ack[1], b'a');
    let mut eagain = 0u64;
    loop {
        // SAFETY: reads 8 bytes into a live u64.
        let r = unsafe { libc::read(res[0], (&mut eagain as *mut u64).cast(), 8) };
        if r >= 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            break;
        }
    }
    reap(child);
    let lost = n as i64 - c.events as i64;
    println!(
        "{{\"mech\":\"signal_hook\",\"workload\":\"{}\",\"n\":{n},\"value\":{:.1},\"unit\":\"sig/s\",\
         \"elapsed_ns\":{},\"received\":{},\"lost\":{lost},\"values_checked\":0,\"dup\":0,\"bad\":0,\
         \"other\":{},\"sender_eagain\":{eagain},\"counted_lost\":-1,\"reported_dropped\":-1,\
         \"stats_delivered\":-1,\"stats_dropped\":-1,\"stats_queued\":-1}}",
        if threaded { "flood-thread" } else { "flood" },
        c.events as f64 * 1e9 / (t1 - t0) as f64,
        t1 - t0,
        c.events,
        c.other
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 || args[1] != "signal_hook" {
        eprintln!(
            "usage: {} signal_hook self|pingpong|flood|flood-thread <count>",
            args.first().map_or("sigx-bench-peers", |s| s.as_str())
        );
        exit(2);
    }
    let n: u64 = args[3].parse().unwrap_or(0);
    if n == 0 {
        eprintln!("bench: count must be positive");
        exit(2);
    }
    let warm = env_long("SIGX_BENCH_WARMUP", (n / 10).min(1000) as i64) as u64;
    match args[2].as_str() {
        "self" => run_self(n, warm),
        "pingpong" => run_pingpong(n, warm),
        "flood" => run_flood(n, false),
        "flood-thread" => run_flood(n, true),
        w => {
            eprintln!("bench: unknown workload {w}");
            exit(2);
        }
    }
}
