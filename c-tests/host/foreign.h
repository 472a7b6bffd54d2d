/* libsigx_test_foreign.so: "other code" that takes signals over (see
 * foreign.c). */
#ifndef SIGX_TEST_FOREIGN_H
#define SIGX_TEST_FOREIGN_H
#include <stdint.h>

/* sigaction(signo) with the object's own SA_SIGINFO handler; 0 or -1. */
int foreign_take(int signo);
/* The handler's address, as sigx_disposition.handler should say. */
uintptr_t foreign_handler_address(void);
/* How many times the handler ran for signo. */
long foreign_hits(int signo);
#endif
