/*
 * The check helpers the C API tests share (harness.c), and their common fixtures.
 *
 * Every failing call must return the expected status and leave a non-empty
 * wssx_last_error() that starts with "<status name>:"; every successful call must leave it
 * empty. main() (test_wssx.c) prints "c-api: N passed, M failed" last.
 */
#ifndef WSSX_TEST_HARNESS_H
#define WSSX_TEST_HARNESS_H

#include "wssx.h"

#include <stdint.h>
#include <string.h>

/* Checks so far. */
extern int passed;
extern int failed;

void check(int ok, int line, const char *what);
#define CHECK(cond) check((cond) ? 1 : 0, __LINE__, #cond)

/* The status is `want`, and the last error agrees with it. */
void expect_status(wssx_status got, wssx_status want, int line, const char *expr);
#define EXPECT(want, call) expect_status((call), (want), __LINE__, #call)

/* A failing call of any kind: not OK, not a panic, a message naming the returned status. */
void expect_failure(wssx_status got, int line, const char *expr);
#define EXPECT_FAILURE(call) expect_failure((call), __LINE__, #call)

/* The buffer holds exactly the bytes spelled by `hex`. */
void expect_hex(const wssx_buf *b, const char *hex, int line);
#define EXPECT_HEX(buf, hex) expect_hex((buf), (hex), __LINE__)

/* The buffer holds exactly the string `s` (and is NUL-terminated). */
void expect_str(const wssx_buf *b, const char *s, int line);
#define EXPECT_STR(buf, s) expect_str((buf), (s), __LINE__)
#define EXPECT_ABSENT(buf) CHECK((buf).data == NULL && (buf).len == 0)
#define CONTAINS(buf, s) ((buf).data != NULL && strstr((const char *)(buf).data, (s)) != NULL)

#define U8(s) ((const uint8_t *)(s))
#define S(s) U8(s), strlen(s)

/* A pointer that is not NULL and not valid: out-pointers must be overwritten on failure. */
#define POISON(T) ((T *)(uintptr_t)0x10)

#define NS_SC13 "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512"
#define NS_SC05 "http://schemas.xmlsoap.org/ws/2005/02/sc"
#define NS_WSSE "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
#define NS_WSU "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"

/* Deterministic xorshift generator for garbage inputs. */
uint32_t rng(void);

/* The message-protection tests (test_message.c). */
void test_message(void);

/* The trust message model tests (test_trust.c). */
void test_trust(void);

/* The protocol tests: requestor, service, stores, threads (test_binding.c). */
void test_binding(void);

/* Binary negotiation with C exchange handlers (test_negotiate.c). */
void test_negotiate(void);

#endif
