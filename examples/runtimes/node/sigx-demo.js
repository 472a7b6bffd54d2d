// sigx from Node.js through koffi (npm install koffi): install, send with a
// value, wait (blocking, and on a worker thread without blocking the event
// loop), sender pid, uninstall. See docs/RUNTIMES.md.
//
//   node sigx-demo.js /path/to/libsigx.so.0
//
// Things Node programs must know:
//   - Masks are uint64_t: build them with BigInt (1n << BigInt(signo - 1));
//     JavaScript's << works on 32 bits and real-time signals are above 32.
//   - Real-time signal numbers belong to the C library: ask sigx_number
//     ("SIGRTMIN+2") rather than hard-coding 36.
//   - Node itself uses SIGUSR1 (the inspector) and handles the signals that
//     process.on('SIGxxx') names; give sigx other signals, or let one of
//     them go.
'use strict';

const koffi = require('koffi');
const { spawnSync } = require('child_process');

const [mode, libPath, ...rest] = process.argv[2] === '--send'
    ? ['send', process.argv[3], ...process.argv.slice(4)]
    : ['main', process.argv[2] || process.env.SIGX_LIBRARY];
if (!libPath) {
    console.error('usage: node sigx-demo.js /path/to/libsigx.so.0');
    process.exit(2);
}

const lib = koffi.load(libPath);
koffi.struct('sigx_info', {
    signo: 'int32_t', code: 'int32_t', pid: 'int32_t', uid: 'uint32_t',
    status: 'int32_t', reserved0: 'int32_t', value: 'uint64_t', seq: 'uint64_t',
    time_ns: 'uint64_t', dropped: 'uint64_t', reserved1: 'uint64_t',
});
const sigx = {
    version: lib.func('const char *sigx_version(void)'),
    strerror: lib.func('const char *sigx_strerror(int status)'),
    number: lib.func('int sigx_number(const char *name)'),
    name: lib.func('const char *sigx_name(int signo)'),
    install: lib.func('int sigx_install(int signo, uint32_t flags)'),
    uninstall: lib.func('int sigx_uninstall(int signo)'),
    send: lib.func('int sigx_send(int pid, int signo, uint64_t value)'),
    wait: lib.func('int sigx_wait(uint64_t mask, _Out_ sigx_info *out, int64_t timeout_ms)'),
};

function check(rc, what) {
    if (rc < 0) {
        console.error(`FAIL: ${what}: ${sigx.strerror(rc)}`);
        process.exit(1);
    }
    return rc;
}
function expect(ok, what) {
    if (!ok) {
        console.error(`FAIL: ${what}`);
        process.exit(1);
    }
}
const bit = (signo) => 1n << BigInt(signo - 1);

// sigx_send, retried while the kernel says EAGAIN: the user's queue of
// pending signals (RLIMIT_SIGPENDING, shared by all the user's processes) is
// full for now. Gives up after a minute.
const EAGAIN = koffi.os.errno.EAGAIN, SIGX_ERR_SYSTEM = -7;
function send(pid, signo, value) {
    const deadline = Date.now() + 60000;
    for (;;) {
        const rc = sigx.send(pid, signo, value);
        if (rc !== SIGX_ERR_SYSTEM || koffi.errno() !== EAGAIN || Date.now() > deadline)
            return check(rc, 'sigx_send');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); // a retry pause
    }
}

const rt = check(sigx.number('SIGRTMIN+2'), 'sigx_number');

if (mode === 'send') { // a child process: send one signal with a value
    const [pid, value] = rest;
    send(Number(pid), rt, BigInt(value));
    process.exit(0);
}

console.log(`sigx ${sigx.version()} from Node ${process.version} (koffi ${koffi.version})`);
check(sigx.install(rt, 0), 'sigx_install');

// 1. Send to ourselves with a value; a blocking wait (fine before the loop
//    has work: it blocks the JavaScript thread).
send(process.pid, rt, 42n);
const info = {};
check(sigx.wait(bit(rt), info, 10000), 'sigx_wait');
expect(info.signo === rt && Number(info.value) === 42 && info.pid === process.pid,
    `record ${JSON.stringify(info, (k, v) => typeof v === 'bigint' ? String(v) : v)}`);
console.log(`${sigx.name(info.signo)} with value ${info.value} from pid ${info.pid} (ourselves)`);

// 2. Wait on one of koffi's worker threads (func.async), so the event loop
//    keeps running; another process sends, and the record names it.
const pending = {};
let timer = setInterval(() => {}, 1000); // the loop stays alive and free meanwhile
sigx.wait.async(bit(rt), pending, 10000, (err, rc) => {
    clearInterval(timer);
    expect(!err, `async sigx_wait: ${err}`);
    check(rc, 'async sigx_wait');
    expect(pending.pid === sender.pid && Number(pending.value) === 7,
        `async record from pid ${pending.pid} value ${pending.value}, sender was ${sender.pid}`);
    console.log(`${sigx.name(pending.signo)} with value ${pending.value} from pid ${pending.pid} ` +
        '(another process), taken on a worker thread');
    check(sigx.uninstall(rt), 'sigx_uninstall');
    console.log('PASS');
});
const sender = spawnSync(process.execPath, [__filename, '--send', libPath, String(process.pid), '7'],
    { stdio: 'inherit' });
expect(sender.status === 0, `the sender exited with ${sender.status}`);
