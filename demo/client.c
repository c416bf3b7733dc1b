/* wssx demo client, C face: obtain a security context from the HTTP token service, send a
 * signed and encrypted message to the application endpoint and verify its reply, renew,
 * cancel, and show the service refuses the cancelled key. HTTP/1.1 POST over a plain
 * socket (the library is sans-I/O; bring any HTTP stack). */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "wssx.h"


static const char *host;
static int port;

#define CHECK(call) do { if ((call) != WSSX_OK) { fprintf(stderr, "  [c client] %s failed: %s\n", #call, wssx_last_error()); exit(1); } } while (0)

/* POST body to path; returns the response body (malloc'd) and its length. */
static char *post(const char *path, const char *ctype, const uint8_t *body, size_t len, size_t *out_len) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, host, &a.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); exit(1); }
    char head[512];
    int n = snprintf(head, sizeof head, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", path, host, ctype, len);
    if (write(fd, head, (size_t)n) != n || write(fd, body, len) != (ssize_t)len) { perror("write"); exit(1); }
    size_t cap = 1 << 16, got = 0;
    char *buf = malloc(cap);
    ssize_t r;
    while ((r = read(fd, buf + got, cap - got - 1)) > 0) {
        got += (size_t)r;
        if (got + 1 == cap) buf = realloc(buf, cap *= 2);
    }
    close(fd);
    buf[got] = 0;
    char *sep = strstr(buf, "\r\n\r\n");
    if (!sep) { fprintf(stderr, "bad HTTP response\n"); exit(1); }
    size_t body_len = got - (size_t)(sep + 4 - buf);
    char *out = malloc(body_len + 1);
    memcpy(out, sep + 4, body_len + 1);
    free(buf);
    *out_len = body_len;
    return out;
}

/* Run one requestor exchange: send the envelope, finish the pending with the answer. */
static enum wssx_outcome exchange(wssx_buf *env, wssx_buf *ctype, wssx_pending *p, wssx_context **ctx, bool *valid) {
    size_t len;
    char *resp = post("/sts", (const char *)ctype->data, env->data, env->len, &len);
    enum wssx_outcome kind = WSSX_OUTCOME_NONE;
    wssx_buf reason = {0};
    enum wssx_status st = wssx_pending_finish(p, (const uint8_t *)resp, len, &kind, ctx, valid, &reason);
    free(resp);
    wssx_buf_free(&reason);
    if (st != WSSX_OK) { fprintf(stderr, "  [c client] exchange failed: %s\n", wssx_last_error()); exit(1); }
    wssx_buf_free(env);
    wssx_buf_free(ctype);
    return kind;
}

struct key { const uint8_t *secret; size_t len; };

static int lookup(void *ud, const uint8_t *id, size_t id_len, const uint8_t *inst, size_t inst_len,
                  uint8_t *out, size_t cap, size_t *out_len) {
    (void)id; (void)id_len; (void)inst; (void)inst_len;
    struct key *k = ud;
    if (k->len > cap) return 2;
    memcpy(out, k->secret, k->len);
    *out_len = k->len;
    return 0;
}

/* Send a signed + encrypted Echo with ctx; verify the reply with ctx's key. Returns 0 on success. */
static int app_call(const wssx_context *ctx, const char *text) {
    char env[512];
    snprintf(env, sizeof env, "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><m:Echo xmlns:m=\"urn:wssx:demo\"><m:Text>%s</m:Text></m:Echo></s:Body></s:Envelope>", text);
    wssx_buf secured = {0};
    if (wssx_context_protect(ctx, (const uint8_t *)env, strlen(env), WSSX_SIGN_AND_ENCRYPT, NULL, &secured) != WSSX_OK) {
        printf("  [c client] refused locally: %s\n", wssx_last_error());
        return 1;
    }
    size_t len;
    char *reply = post("/app", "text/xml; charset=utf-8", secured.data, secured.len, &len);
    wssx_buf_free(&secured);
    wssx_buf secret = {0};
    CHECK(wssx_context_secret(ctx, &secret));
    struct key k = {secret.data, secret.len};
    wssx_verify_report *report = NULL;
    enum wssx_status st = wssx_verify((const uint8_t *)reply, len, lookup, &k, NULL, &report);
    int rc = 0;
    if (st != WSSX_OK) {
        wssx_fault *f = NULL;
        if (wssx_fault_parse((const uint8_t *)reply, len, &f) == WSSX_OK) {
            enum wssx_status kind = WSSX_OK;
            wssx_fault_kind(f, &kind);
            printf("  [c client] the service refused '%s': fault %s\n", text, wssx_status_name(kind));
            wssx_fault_free(f);
        } else {
            printf("  [c client] reply did not verify: %s\n", wssx_last_error());
        }
        rc = 1;
    } else {
        bool s = false, d = false;
        wssx_verify_report_body_signed(report, &s);
        wssx_verify_report_body_decrypted(report, &d);
        printf("  [c client] sent %-14s reply signed=%d decrypted=%d\n", text, s, d);
        wssx_verify_report_free(report);
    }
    wssx_buf_free(&secret);
    free(reply);
    return rc;
}

static void print_context(const char *what, const wssx_context *ctx) {
    wssx_sct *sct = NULL;
    CHECK(wssx_context_sct(ctx, &sct));
    wssx_buf id = {0}, inst = {0};
    CHECK(wssx_sct_identifier(sct, &id));
    CHECK(wssx_sct_instance(sct, &inst));
    printf("  [c client] %s %s instance %s\n", what, (const char *)id.data, inst.data ? (const char *)inst.data : "(none)");
    wssx_buf_free(&id);
    wssx_buf_free(&inst);
    wssx_sct_free(sct);
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s HOST PORT\n", argv[0]); return 2; }
    host = argv[1];
    port = atoi(argv[2]);
    char to[128];
    snprintf(to, sizeof to, "http://%s:%d/sts", host, port);

    wssx_requestor_config cfg;
    CHECK(wssx_requestor_config_default(WSSX_TRUST_FEB2005, &cfg));
    cfg.to = (const uint8_t *)to;
    cfg.to_len = strlen(to);
    wssx_requestor *req = NULL;
    CHECK(wssx_requestor_new(&cfg, &req));

    wssx_buf env = {0}, action = {0}, ctype = {0};
    wssx_pending *p = NULL;
    wssx_context *ctx = NULL;
    bool valid = false;
    CHECK(wssx_requestor_issue(req, &env, &action, &ctype, &p));
    wssx_buf_free(&action);
    if (exchange(&env, &ctype, p, &ctx, &valid) != WSSX_OUTCOME_ISSUED) return 1;
    print_context("issued", ctx);
    if (app_call(ctx, "hello from C")) return 1;

    wssx_context *renewed = NULL;
    CHECK(wssx_requestor_renew(req, ctx, true, NULL, NULL, &env, &action, &ctype, &p));
    wssx_buf_free(&action);
    if (exchange(&env, &ctype, p, &renewed, &valid) != WSSX_OUTCOME_RENEWED) return 1;
    print_context("renewed", renewed);
    if (app_call(renewed, "after renewal")) return 1;

    wssx_context *amended = NULL;
    CHECK(wssx_requestor_amend(req, renewed, NULL, NULL, &env, &action, &ctype, &p));
    wssx_buf_free(&action);
    if (exchange(&env, &ctype, p, &amended, &valid) != WSSX_OUTCOME_AMENDED) return 1;
    printf("  [c client] amended (same key)\n");
    wssx_context_free(amended);

    CHECK(wssx_requestor_validate(req, renewed, &env, &action, &ctype, &p));
    wssx_buf_free(&action);
    wssx_context *unused = NULL;
    if (exchange(&env, &ctype, p, &unused, &valid) != WSSX_OUTCOME_VALIDATED) return 1;
    wssx_context_free(unused);
    printf("  [c client] validated: %s\n", valid ? "valid" : "invalid");

    /* Keep the key to try it after the cancel. */
    wssx_sct *sct = NULL;
    wssx_buf secret = {0};
    CHECK(wssx_context_sct(renewed, &sct));
    CHECK(wssx_context_secret(renewed, &secret));
    wssx_context *stale = NULL;
    CHECK(wssx_context_new(sct, secret.data, secret.len, WSSX_TRUST_FEB2005, &stale));

    wssx_context *none = NULL;
    CHECK(wssx_requestor_cancel(req, renewed, &env, &action, &ctype, &p));
    wssx_buf_free(&action);
    if (exchange(&env, &ctype, p, &none, &valid) != WSSX_OUTCOME_CANCELLED) return 1;
    printf("  [c client] cancelled\n");
    int refused = app_call(stale, "after cancel");

    wssx_context_free(none);
    wssx_context_free(stale);
    wssx_buf_free(&secret);
    wssx_sct_free(sct);
    wssx_context_free(renewed);
    wssx_context_free(ctx);
    wssx_requestor_free(req);
    if (!refused) { printf("  [c client] ERROR: the cancelled context was accepted\n"); return 1; }
    return 0;
}
