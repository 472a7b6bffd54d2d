// sigx from Go through cgo: install, send with a value, wait, sender pid,
// uninstall; and the two things Go programs must know (docs/RUNTIMES.md):
//
//   - Go's runtime installs a handler for every signal at start-up, and
//     sigx_install replaces it in place: signal.Notify for that signal then
//     receives nothing, silently, until sigx_uninstall gives the signal back.
//   - Go's runtime threads keep signals unblocked, so a flood cannot be held
//     in the kernel by blocking it; give the signal a queue as large as the
//     burst you expect (sigx_set_capacity), and read `dropped` if one is not.
//
// Build (examples/runtimes/CMakeLists.txt does this for the test suite):
//
//	CGO_CFLAGS=-I<sigx>/include CGO_LDFLAGS="-L<lib> -Wl,-rpath,<lib> -lsigx" go build
package main

/*
#cgo LDFLAGS: -lsigx
#include <signal.h>
#include <stdlib.h>
#include <sigx.h>

static int rt_signal(int n) { return SIGRTMIN + n; }
*/
import "C"

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
	"time"
	"unsafe"
)

func check(rc C.int, what string) {
	if rc < 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %s: %s\n", what, C.GoString(C.sigx_strerror(rc)))
		os.Exit(1)
	}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func bit(signo C.int) C.uint64_t { return C.uint64_t(1) << uint(signo-1) }

// send is sigx_send, retried while the kernel says EAGAIN: the user's queue
// of pending signals (RLIMIT_SIGPENDING, shared by all the user's processes)
// is full for now. It gives up after a minute.
func send(pid, signo C.int, value C.uint64_t) {
	deadline := time.Now().Add(time.Minute)
	for {
		rc, err := C.sigx_send(pid, signo, value)
		if rc == 0 {
			return
		}
		if err != syscall.EAGAIN || time.Now().After(deadline) {
			check(rc, "sigx_send "+name(signo))
		}
		time.Sleep(time.Millisecond) // a retry pause
	}
}

func name(signo C.int) string { return C.GoString(C.sigx_name(signo)) }

// waitFor takes one record of signo, waiting at most 10 s.
func waitFor(signo C.int) C.sigx_info {
	var info C.sigx_info
	check(C.sigx_wait(bit(signo), &info, 10000), "sigx_wait "+name(signo))
	return info
}

func main() {
	fmt.Printf("sigx %s from %s (cgo)\n", C.GoString(C.sigx_version()), runtime.Version())
	self := C.int(os.Getpid())

	// 1. A real-time signal with a value, sent to ourselves. (The name is
	//    sigx's: real-time numbers differ between C libraries.)
	rtName := C.CString("SIGRTMIN+3")
	defer C.free(unsafe.Pointer(rtName))
	rt := C.sigx_number(rtName)
	check(rt, "sigx_number")
	check(C.sigx_install(rt, 0), "sigx_install")
	send(self, rt, 42)
	info := waitFor(rt)
	if info.signo != rt || info.value != 42 || info.pid != self {
		fail("got signo %d value %d pid %d", info.signo, info.value, info.pid)
	}
	fmt.Printf("%s with value %d from pid %d (ourselves)\n", name(rt), info.value, info.pid)

	// 2. SIGUSR1 from another process: the record names the sender.
	check(C.sigx_install(C.SIGUSR1, 0), "sigx_install SIGUSR1")
	// signal.Notify after sigx_install: Go's runtime sees its handler as
	// installed already and does not put it back, so this channel stays
	// empty while sigx has the signal.
	notified := make(chan os.Signal, 4)
	signal.Notify(notified, syscall.SIGUSR1)
	kill := exec.Command("kill", "-USR1", strconv.Itoa(os.Getpid()))
	if err := kill.Run(); err != nil {
		fail("kill: %v", err)
	}
	info = waitFor(C.SIGUSR1)
	if int(info.pid) != kill.Process.Pid || info.code != 0 /* SI_USER */ {
		fail("SIGUSR1 from pid %d (code %d), kill was pid %d", info.pid, info.code, kill.Process.Pid)
	}
	fmt.Printf("SIGUSR1 from pid %d (the kill command)\n", info.pid)
	select {
	case <-notified:
		fail("signal.Notify received SIGUSR1 although sigx had it")
	case <-time.After(200 * time.Millisecond): // expected: nothing
	}
	fmt.Println("signal.Notify got nothing while sigx had SIGUSR1")

	// sigx_uninstall puts back the handler sigx replaced, Go's: Notify works again.
	check(C.sigx_uninstall(C.SIGUSR1), "sigx_uninstall SIGUSR1")
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		fail("kill: %v", err)
	}
	select {
	case <-notified:
		fmt.Println("after sigx_uninstall, signal.Notify got SIGUSR1")
	case <-time.After(10 * time.Second):
		fail("signal.Notify got nothing after sigx_uninstall")
	}
	signal.Stop(notified)

	// 3. A burst: Go cannot block signals in all its threads, so every
	//    delivery goes through the handler into the queue. A queue as large
	//    as the burst keeps all of it; `dropped` counts what would not fit.
	burst := 2000
	flood := C.rt_signal(5)
	check(C.sigx_set_capacity(flood, C.uint32_t(burst)), "sigx_set_capacity")
	check(C.sigx_install(flood, 0), "sigx_install flood")
	sent := 0
	for ; sent < burst; sent++ {
		send(self, flood, C.uint64_t(sent))
	}
	got, dropped := 0, 0
	var rec C.sigx_info
	for C.sigx_wait(bit(flood), &rec, 0) == 0 {
		got++
		dropped += int(rec.dropped)
	}
	if got+dropped != sent || dropped != 0 {
		fail("burst: sent %d, got %d, dropped %d", sent, got, dropped)
	}
	fmt.Printf("burst of %d %s: %d received, %d dropped\n", sent, name(flood), got, dropped)

	check(C.sigx_uninstall(flood), "sigx_uninstall flood")
	check(C.sigx_uninstall(rt), "sigx_uninstall")
	fmt.Println("PASS")
}
