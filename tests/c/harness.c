/* The check helpers of the C API tests (see harness.h). */
#include "harness.h"

#include <stdio.h>
#include <string.h>

int passed;
int failed;

void check(int ok, int line, const char *what) {
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL line %d: %s\n", line, what);
    }
}

void expect_status(wssx_status got, wssx_status want, int line, const char *expr) {
    const char *err = wssx_last_error();
    int ok = got == want && err != NULL;
    if (ok && want == WSSX_OK) {
        ok = err[0] == '\0';
    } else if (ok) {
        const char *name = wssx_status_name(want);
        size_t n = strlen(name);
        ok = strlen(err) > n + 2 && strncmp(err, name, n) == 0 && err[n] == ':';
    }
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL line %d: %s\n  got %s (%d), want %s (%d), last error: \"%s\"\n", line, expr,
               wssx_status_name(got), (int)got, wssx_status_name(want), (int)want, err ? err : "(null)");
    }
}

void expect_failure(wssx_status got, int line, const char *expr) {
    if (got == WSSX_OK || got == WSSX_PANIC) {
        failed++;
        printf("FAIL line %d: %s returned %s (last error: \"%s\")\n", line, expr, wssx_status_name(got),
               wssx_last_error());
        return;
    }
    expect_status(got, got, line, expr);
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

void expect_hex(const wssx_buf *b, const char *hex, int line) {
    size_t n = strlen(hex) / 2;
    int ok = b->data != NULL && b->len == n && b->data[b->len] == 0;
    for (size_t i = 0; ok && i < n; i++) {
        ok = hexval(hex[2 * i]) * 16 + hexval(hex[2 * i + 1]) == b->data[i];
    }
    check(ok, line, hex);
}

void expect_str(const wssx_buf *b, const char *s, int line) {
    int ok = b->data != NULL && b->len == strlen(s) && memcmp(b->data, s, b->len) == 0 && b->data[b->len] == 0;
    if (!ok) printf("  got \"%s\"\n", b->data ? (const char *)b->data : "(null)");
    check(ok, line, s);
}

static uint32_t rng_state = 0x9e3779b9u;

uint32_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}
