/*
 * C API tests for the protocols: wssx_requestor / wssx_pending / wssx_context against a
 * wssx_service over the embedded memory store and over a callback store backed by a small C
 * table: the whole lifecycle (issue, use, renew, amend, validate, cancel) in both trust
 * versions, policies, authorizer, threads, NULLs and garbage responses.
 */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef WSSX_KEYTRANSPORT_FIXTURES
#error "compile with -DWSSX_KEYTRANSPORT_FIXTURES=\"<repo>/core/tests/fixtures/keytransport\""
#endif

#define TRUST05 "http://schemas.xmlsoap.org/ws/2005/02/trust"
#define TRUST13 "http://docs.oasis-open.org/ws-sx/ws-trust/200512"
#define STS "https://sts.example.org/sts"

static const char APP[] = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>"
                          "<m:Ping xmlns:m=\"urn:app\">hello</m:Ping></s:Body></s:Envelope>";

static const char *trust_ns(wssx_trust_version v) { return v == WSSX_TRUST_FEB2005 ? TRUST05 : TRUST13; }

/* ---- a context store in a C table ---------------------------------------------------------- */

#define MAX_ROWS 512
#define MAX_CANCELLED 512

typedef struct {
    int used;
    unsigned seq; /* insertion order: the highest of an identifier is its current instance */
    char identifier[128];
    char instance[128]; /* "" = none */
    uint8_t secret[128];
    size_t secret_len;
    int sc_version;
    int64_t created_ms, expires_ms;
    char principal[128];
    int has_principal;
} row;

typedef struct {
    pthread_mutex_t lock;
    row rows[MAX_ROWS];
    char cancelled[MAX_CANCELLED][128];
    size_t n_cancelled;
    unsigned seq;
    int gets, inserts, updates, cancels, purges, releases;
    int violations;    /* arguments that break the documented contract */
    int fail_get;      /* when non-zero, get returns this */
    int fail_insert;   /* when non-zero, insert returns this */
    int answer_mode;   /* 0: answer; 1: return OK without answering; 2: answer for another context */
    int answer_status; /* the status of the last wssx_store_answer_found */
} ctable;

static void ctable_init(ctable *t) {
    memset(t, 0, sizeof *t);
    pthread_mutex_init(&t->lock, NULL);
}

static void ctable_destroy(ctable *t) { pthread_mutex_destroy(&t->lock); }

/* The documented string contract: (pointer, length) with a NUL after it. */
static int good_str(const uint8_t *s, size_t len, int optional) {
    if (s == NULL) return optional && len == 0;
    return s[len] == 0 && strlen((const char *)s) == len && len < 128;
}

static int is_cancelled(const ctable *t, const char *id) {
    for (size_t i = 0; i < t->n_cancelled; i++)
        if (strcmp(t->cancelled[i], id) == 0) return 1;
    return 0;
}

static int store_get(void *user_data, const uint8_t *identifier, size_t identifier_len, const uint8_t *instance,
                     size_t instance_len, wssx_store_answer *answer) {
    ctable *t = user_data;
    pthread_mutex_lock(&t->lock);
    t->gets++;
    if (!good_str(identifier, identifier_len, 0) || !good_str(instance, instance_len, 1) || answer == NULL)
        t->violations++;
    if (t->fail_get) {
        pthread_mutex_unlock(&t->lock);
        return t->fail_get;
    }
    if (is_cancelled(t, (const char *)identifier)) {
        pthread_mutex_unlock(&t->lock);
        return WSSX_STORE_CANCELLED;
    }
    const row *found = NULL, *current = NULL;
    for (size_t i = 0; i < MAX_ROWS; i++) {
        const row *r = &t->rows[i];
        if (!r->used || strcmp(r->identifier, (const char *)identifier) != 0) continue;
        if (current == NULL || r->seq > current->seq) current = r;
        if (strcmp(r->instance, instance ? (const char *)instance : "") == 0) found = r;
    }
    if (found == NULL && instance == NULL) found = current;
    int rc = WSSX_STORE_UNKNOWN;
    if (found != NULL && t->answer_mode == 1) {
        rc = WSSX_STORE_OK;
    } else if (found != NULL) {
        const char *id = t->answer_mode == 2 ? "urn:uuid:someone-else" : found->identifier;
        wssx_stored_context c = {U8(id), strlen(id),
                                 found->instance[0] ? U8(found->instance) : NULL, strlen(found->instance),
                                 found->secret, found->secret_len,
                                 (wssx_sc_version)found->sc_version, found->created_ms, found->expires_ms,
                                 found->has_principal ? U8(found->principal) : NULL, strlen(found->principal)};
        t->answer_status = wssx_store_answer_found(answer, &c);
        rc = t->answer_status == WSSX_OK ? WSSX_STORE_OK : 42;
    }
    pthread_mutex_unlock(&t->lock);
    return rc;
}

static int check_stored(ctable *t, const wssx_stored_context *c) {
    int ok = c != NULL && good_str(c->identifier, c->identifier_len, 0) && good_str(c->instance, c->instance_len, 1) &&
             good_str(c->principal, c->principal_len, 1) && c->secret != NULL && c->secret_len >= 16 &&
             c->secret_len <= 128 && (c->sc_version == WSSX_SC_FEB2005 || c->sc_version == WSSX_SC_1_3) &&
             c->created_ms <= c->expires_ms;
    if (!ok) t->violations++;
    return ok;
}

static void fill_row(row *r, const wssx_stored_context *c, unsigned seq) {
    memset(r, 0, sizeof *r);
    r->used = 1;
    r->seq = seq;
    memcpy(r->identifier, c->identifier, c->identifier_len);
    if (c->instance) memcpy(r->instance, c->instance, c->instance_len);
    memcpy(r->secret, c->secret, c->secret_len);
    r->secret_len = c->secret_len;
    r->sc_version = c->sc_version;
    r->created_ms = c->created_ms;
    r->expires_ms = c->expires_ms;
    if (c->principal) {
        memcpy(r->principal, c->principal, c->principal_len);
        r->has_principal = 1;
    }
}

static int store_insert(void *user_data, const wssx_stored_context *c) {
    ctable *t = user_data;
    pthread_mutex_lock(&t->lock);
    t->inserts++;
    int rc = 7;
    if (t->fail_insert) {
        rc = t->fail_insert;
    } else if (check_stored(t, c)) {
        if (is_cancelled(t, (const char *)c->identifier)) {
            rc = WSSX_STORE_CANCELLED;
        } else {
            for (size_t i = 0; i < MAX_ROWS; i++) {
                if (!t->rows[i].used) {
                    fill_row(&t->rows[i], c, ++t->seq);
                    rc = WSSX_STORE_OK;
                    break;
                }
            }
        }
    }
    pthread_mutex_unlock(&t->lock);
    return rc;
}

static int store_update(void *user_data, const wssx_stored_context *c) {
    ctable *t = user_data;
    pthread_mutex_lock(&t->lock);
    t->updates++;
    int rc = 7;
    if (check_stored(t, c)) {
        rc = WSSX_STORE_UNKNOWN;
        if (is_cancelled(t, (const char *)c->identifier)) rc = WSSX_STORE_CANCELLED;
        for (size_t i = 0; rc == WSSX_STORE_UNKNOWN && i < MAX_ROWS; i++) {
            row *r = &t->rows[i];
            if (r->used && strcmp(r->identifier, (const char *)c->identifier) == 0 &&
                strcmp(r->instance, c->instance ? (const char *)c->instance : "") == 0) {
                fill_row(r, c, r->seq);
                rc = WSSX_STORE_OK;
            }
        }
    }
    pthread_mutex_unlock(&t->lock);
    return rc;
}

static int store_cancel(void *user_data, const uint8_t *identifier, size_t identifier_len) {
    ctable *t = user_data;
    pthread_mutex_lock(&t->lock);
    t->cancels++;
    if (!good_str(identifier, identifier_len, 0)) t->violations++;
    int known = is_cancelled(t, (const char *)identifier);
    for (size_t i = 0; i < MAX_ROWS; i++) {
        row *r = &t->rows[i];
        if (r->used && strcmp(r->identifier, (const char *)identifier) == 0) {
            memset(r, 0, sizeof *r); /* the keys go at once */
            known = 1;
        }
    }
    int rc = WSSX_STORE_UNKNOWN;
    if (known && !is_cancelled(t, (const char *)identifier) && t->n_cancelled < MAX_CANCELLED)
        memcpy(t->cancelled[t->n_cancelled++], identifier, identifier_len + 1);
    if (known) rc = WSSX_STORE_OK;
    pthread_mutex_unlock(&t->lock);
    return rc;
}

static size_t store_purge(void *user_data, int64_t now_ms) {
    ctable *t = user_data;
    size_t n = 0;
    pthread_mutex_lock(&t->lock);
    t->purges++;
    for (size_t i = 0; i < MAX_ROWS; i++) {
        if (t->rows[i].used && t->rows[i].expires_ms < now_ms) {
            memset(&t->rows[i], 0, sizeof t->rows[i]);
            n++;
        }
    }
    pthread_mutex_unlock(&t->lock);
    return n;
}

static void store_release(void *user_data) {
    ctable *t = user_data;
    t->releases++;
}

static const wssx_store_callbacks CALLBACKS = {store_get, store_insert, store_update, store_cancel, store_purge,
                                               store_release};

/* ---- an authorizer ------------------------------------------------------------------------- */

typedef struct {
    pthread_mutex_t lock;
    int calls[6];
    int deny_op;         /* -1: allow everything */
    int expect_reproof;  /* renew requests must carry the reproof header */
    int violations;
} authz;

static void authz_init(authz *a) {
    memset(a, 0, sizeof *a);
    pthread_mutex_init(&a->lock, NULL);
    a->deny_op = -1;
}

static int authorize(void *user_data, const wssx_auth_request *r, uint8_t *principal_out, size_t principal_cap,
                     size_t *principal_len) {
    authz *a = user_data;
    pthread_mutex_lock(&a->lock);
    int op = (int)r->operation;
    if (op >= 0 && op < 6) a->calls[op]++;
    if (r->envelope == NULL || r->envelope_len == 0 || principal_cap != WSSX_MAX_PRINCIPAL_LEN ||
        principal_len == NULL || *principal_len != 0)
        a->violations++;
    if (op == WSSX_OP_ISSUE) {
        if (r->context_identifier != NULL) a->violations++;
        memcpy(principal_out, "alice", 5);
        *principal_len = 5;
    } else if (op == WSSX_OP_RENEW || op == WSSX_OP_AMEND || op == WSSX_OP_CANCEL) {
        /* The context, with the principal recorded at issue, whichever store keeps it. */
        if (!good_str(r->context_identifier, r->context_identifier_len, 0) ||
            !good_str(r->context_instance, r->context_instance_len, 1) || r->context_principal == NULL ||
            r->context_principal_len != 5 || memcmp(r->context_principal, "alice", 5) != 0)
            a->violations++;
    }
    if (op == WSSX_OP_RENEW && a->expect_reproof) {
        /* The envelope is not NUL-terminated: search it with a bounded scan. */
        const char *needle = "urn:example:reproof";
        size_t nl = strlen(needle);
        int seen = 0;
        for (size_t i = 0; i + nl <= r->envelope_len && !seen; i++) seen = memcmp(r->envelope + i, needle, nl) == 0;
        if (!seen) a->violations++;
    }
    int rc = op == a->deny_op ? WSSX_AUTHORIZE_DENY : WSSX_AUTHORIZE_ALLOW;
    pthread_mutex_unlock(&a->lock);
    return rc;
}

/* ---- envelope edit callbacks ------------------------------------------------------------ */

typedef struct {
    int calls;
    int fail; /* return this when non-zero */
} edit_state;

/* Adds a header block (the re-proof of the original claims, in a real client a signature). */
static int add_reproof(void *user_data, const uint8_t *envelope, size_t envelope_len, wssx_buf *out) {
    edit_state *e = user_data;
    e->calls++;
    if (e->fail) return e->fail;
    if (envelope[envelope_len] != 0 || out == NULL || out->data != NULL) return 99;
    const char *head = strstr((const char *)envelope, "<s:Header>");
    if (head == NULL) return 98;
    static const char block[] = "<x:Reproof xmlns:x=\"urn:example:reproof\">claims</x:Reproof>";
    size_t at = (size_t)(head - (const char *)envelope) + strlen("<s:Header>");
    size_t n = envelope_len + strlen(block);
    char *edited = malloc(n);
    memcpy(edited, envelope, at);
    memcpy(edited + at, block, strlen(block));
    memcpy(edited + at + strlen(block), envelope + at, envelope_len - at);
    wssx_status st = wssx_buf_copy(U8(edited), n, out);
    free(edited);
    return st == WSSX_OK ? 0 : 97;
}

/* Leaves the envelope as it is. */
static int keep_envelope(void *user_data, const uint8_t *envelope, size_t envelope_len, wssx_buf *out) {
    edit_state *e = user_data;
    (void)envelope, (void)envelope_len, (void)out;
    e->calls++;
    return e->fail;
}

/* Hands back bytes that are not UTF-8. */
static int bad_utf8_edit(void *user_data, const uint8_t *envelope, size_t envelope_len, wssx_buf *out) {
    (void)user_data, (void)envelope, (void)envelope_len;
    static const uint8_t bad[] = {'<', 0xC3, 0x28, '/', '>'};
    return wssx_buf_copy(bad, sizeof bad, out) == WSSX_OK ? 0 : 1;
}

/* ---- exchange helpers ------------------------------------------------------------------- */

typedef struct {
    wssx_buf envelope, action, content_type;
    wssx_pending *pending;
} request;

static void request_free(request *r) {
    wssx_buf_free(&r->envelope);
    wssx_buf_free(&r->action);
    wssx_buf_free(&r->content_type);
    wssx_pending_free(r->pending);
    r->pending = NULL;
}

typedef struct {
    wssx_buf envelope, action, content_type;
    bool is_fault;
} response;

static void response_free(response *r) {
    wssx_buf_free(&r->envelope);
    wssx_buf_free(&r->action);
    wssx_buf_free(&r->content_type);
}

static response handle(const wssx_service *svc, const wssx_buf *request_env, int line) {
    response r;
    memset(&r, 0, sizeof r);
    expect_status(wssx_service_handle(svc, request_env->data, request_env->len, &r.envelope, &r.is_fault, &r.action,
                                      &r.content_type),
                  WSSX_OK, line, "wssx_service_handle");
    return r;
}

/* Finish `req` with `resp`: the status, and the outputs in the pointers. The pending is
   consumed. */
static wssx_status finish(request *req, const response *resp, wssx_outcome *kind, wssx_context **ctx, bool *valid,
                          wssx_buf *reason) {
    wssx_status st = wssx_pending_finish(req->pending, resp->envelope.data, resp->envelope.len, kind, ctx, valid, reason);
    req->pending = NULL;
    return st;
}

/* Protect APP with `ctx` and have the service verify it; the signer of the Body in the
   buffers (when the call succeeds). */
static wssx_status use_ctx(const wssx_service *svc, const wssx_context *ctx, wssx_buf *signer, wssx_buf *instance,
                           int line) {
    wssx_buf secured = {NULL, 0};
    wssx_verify_report *report = NULL;
    wssx_status st = wssx_context_protect(ctx, S(APP), WSSX_SIGN_AND_ENCRYPT, NULL, &secured);
    if (st != WSSX_OK) return st;
    st = wssx_service_verify_message(svc, secured.data, secured.len, &report);
    wssx_buf_free(&secured);
    if (st != WSSX_OK) {
        check(report == NULL, line, "no report on failure");
        return st;
    }
    bool signed_ = false, decrypted = false;
    size_t n = 0;
    wssx_verify_report_body_signed(report, &signed_);
    wssx_verify_report_body_decrypted(report, &decrypted);
    check(signed_ && decrypted, line, "body signed and decrypted");
    wssx_verify_report_signed_count(report, &n);
    for (size_t i = 0; i < n; i++) {
        wssx_buf part = {NULL, 0}, id = {NULL, 0}, ci = {NULL, 0}, cn = {NULL, 0};
        wssx_verify_report_signed_part(report, i, &part, &id, &ci, &cn);
        if (part.data && strcmp((const char *)part.data, "Body") == 0 && signer != NULL && signer->data == NULL) {
            *signer = ci;
            *instance = cn;
            ci.data = NULL, cn.data = NULL;
        }
        wssx_buf_free(&part), wssx_buf_free(&id), wssx_buf_free(&ci), wssx_buf_free(&cn);
    }
    wssx_verify_report_free(report);
    return st;
}

/* Protect APP with the raw token and key of `ctx` (as a client that ignores the cancellation
   would) and have the service verify it. */
static wssx_status use_raw(const wssx_service *svc, const wssx_context *ctx) {
    wssx_sct *sct = NULL;
    wssx_buf secret = {NULL, 0}, secured = {NULL, 0};
    wssx_verify_report *report = POISON(wssx_verify_report);
    wssx_context_sct(ctx, &sct);
    wssx_context_secret(ctx, &secret);
    wssx_status st = wssx_protect(S(APP), sct, secret.data, secret.len, WSSX_SIGN, NULL, &secured);
    if (st == WSSX_OK) st = wssx_service_verify_message(svc, secured.data, secured.len, &report);
    if (st == WSSX_OK) wssx_verify_report_free(report);
    wssx_buf_free(&secured);
    wssx_buf_free(&secret);
    wssx_sct_free(sct);
    return st;
}

static wssx_requestor *make_requestor(wssx_trust_version tv, wssx_soap_version soap, wssx_entropy_mode entropy) {
    wssx_requestor_config cfg;
    wssx_requestor *req = NULL;
    EXPECT(WSSX_OK, wssx_requestor_config_default(tv, &cfg));
    cfg.to = U8(STS);
    cfg.to_len = strlen(STS);
    cfg.soap_version = soap;
    cfg.entropy = entropy;
    EXPECT(WSSX_OK, wssx_requestor_new(&cfg, &req));
    return req;
}

/* Issue a context (the exchange must succeed). */
static wssx_context *issue(const wssx_requestor *req, const wssx_service *svc, int line) {
    request r;
    wssx_outcome kind = WSSX_OUTCOME_NONE;
    wssx_context *ctx = NULL;
    bool valid = true;
    wssx_buf reason = {NULL, 0};
    memset(&r, 0, sizeof r);
    expect_status(wssx_requestor_issue(req, &r.envelope, &r.action, &r.content_type, &r.pending), WSSX_OK, line,
                  "wssx_requestor_issue");
    response resp = handle(svc, &r.envelope, line);
    check(!resp.is_fault, line, "issue answered without a fault");
    if (resp.is_fault) printf("  %s\n", (const char *)resp.envelope.data);
    expect_status(finish(&r, &resp, &kind, &ctx, &valid, &reason), WSSX_OK, line, "wssx_pending_finish (issue)");
    check(kind == WSSX_OUTCOME_ISSUED && ctx != NULL && !valid && reason.data == NULL, line, "issued");
    request_free(&r);
    response_free(&resp);
    return ctx;
}

/* The RSTR of a response envelope: the body's RSTR, or the first of its RSTRC (WS-Trust 1.3
   services answer an issue with a collection). */
static wssx_rstr *response_rstr(const wssx_buf *envelope, int line) {
    wssx_rstr *rstr = NULL;
    wssx_rstrc *c = NULL;
    if (wssx_rstr_parse(envelope->data, envelope->len, &rstr) == WSSX_OK) return rstr;
    expect_status(wssx_rstrc_parse(envelope->data, envelope->len, &c), WSSX_OK, line, "wssx_rstrc_parse");
    if (c != NULL) expect_status(wssx_rstrc_get(c, 0, &rstr), WSSX_OK, line, "wssx_rstrc_get");
    wssx_rstrc_free(c);
    return rstr;
}

static int buf_eq(const wssx_buf *a, const wssx_buf *b) {
    return a->data && b->data && a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/* ---- the lifecycle -------------------------------------------------------------------------- */

static void lifecycle(wssx_trust_version tv, wssx_soap_version soap, wssx_store *store, ctable *table) {
    char want[256];
    authz az;
    authz_init(&az);
    az.expect_reproof = 1;
    wssx_service_policy policy;
    EXPECT(WSSX_OK, wssx_service_policy_default(&policy));
    policy.lifetime_seconds = 600;
    wssx_service *svc = NULL;
    EXPECT(WSSX_OK, wssx_service_new(store, &policy, authorize, &az, &svc));
    wssx_requestor *req = make_requestor(tv, soap, WSSX_ENTROPY_COMBINED);
    request r;
    response resp;
    wssx_outcome kind;
    wssx_context *ctx = NULL, *renewed = NULL, *amended = NULL;
    bool valid = false, flag = true;
    wssx_buf reason = {NULL, 0}, b = {NULL, 0}, b2 = {NULL, 0}, signer = {NULL, 0}, signer_inst = {NULL, 0};
    wssx_sct *sct = NULL, *sct2 = NULL;

    /* Issue. */
    memset(&r, 0, sizeof r);
    EXPECT(WSSX_OK, wssx_requestor_issue(req, &r.envelope, &r.action, &r.content_type, &r.pending));
    snprintf(want, sizeof want, "%s/RST/SCT", trust_ns(tv));
    EXPECT_STR(&r.action, want);
    CHECK(soap == WSSX_SOAP_11 ? CONTAINS(r.content_type, "text/xml")
                               : CONTAINS(r.content_type, "application/soap+xml") && CONTAINS(r.content_type, want));
    EXPECT(WSSX_OK, wssx_pending_context_attribute(r.pending, &b));
    CHECK(b.len > 0 && CONTAINS(r.envelope, (const char *)b.data));
    wssx_buf_free(&b);
    {
        /* The request is an RST for an SCT with entropy and a key size, in version tv. */
        wssx_rst *rst = NULL;
        wssx_trust_version v;
        wssx_key_material m;
        wssx_binary_secret_type st;
        uint32_t bits = 0;
        bool present = false;
        EXPECT(WSSX_OK, wssx_rst_parse(r.envelope.data, r.envelope.len, &rst));
        EXPECT(WSSX_OK, wssx_rst_version(rst, &v));
        CHECK(v == tv);
        EXPECT(WSSX_OK, wssx_rst_entropy(rst, &m, &st, &b));
        CHECK(m == WSSX_MATERIAL_BINARY_SECRET && st == WSSX_SECRET_NONCE && b.len == 32);
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_rst_key_size(rst, &bits, &present));
        CHECK(bits == 256 && present);
        wssx_rst_free(rst);
    }
    resp = handle(svc, &r.envelope, __LINE__);
    CHECK(!resp.is_fault);
    snprintf(want, sizeof want, "%s/RSTR/SCT", trust_ns(tv));
    EXPECT_STR(&resp.action, want);
    {
        /* The response: the SCT, a computed key from both entropies, a lifetime. */
        wssx_proof_kind pk;
        wssx_rstr *rstr = response_rstr(&resp.envelope, __LINE__);
        EXPECT(WSSX_OK, wssx_rstr_proof_token(rstr, &pk, &b, &b2));
        CHECK(pk == WSSX_PROOF_COMPUTED_KEY);
        wssx_buf_free(&b2);
        EXPECT(WSSX_OK, wssx_rstr_requested_sct(rstr, &sct));
        CHECK(sct != NULL);
        wssx_sct_free(sct);
        wssx_rstr_free(rstr);
    }
    kind = WSSX_OUTCOME_NONE;
    EXPECT(WSSX_OK, finish(&r, &resp, &kind, &ctx, &valid, &reason));
    CHECK(kind == WSSX_OUTCOME_ISSUED && ctx != NULL);
    request_free(&r);
    response_free(&resp);
    if (ctx == NULL) goto out;

    /* The context. */
    {
        wssx_trust_version v;
        wssx_sc_version sv;
        int64_t created = 0, expires = 0;
        bool hc = false, he = false;
        EXPECT(WSSX_OK, wssx_context_trust_version(ctx, &v));
        CHECK(v == tv);
        EXPECT(WSSX_OK, wssx_context_sct(ctx, &sct));
        EXPECT(WSSX_OK, wssx_sct_version(sct, &sv));
        CHECK(sv == (tv == WSSX_TRUST_FEB2005 ? WSSX_SC_FEB2005 : WSSX_SC_1_3));
        EXPECT(WSSX_OK, wssx_sct_identifier(sct, &b));
        CHECK(b.data && strncmp((const char *)b.data, "urn:uuid:", 9) == 0);
        EXPECT(WSSX_OK, wssx_sct_instance(sct, &b2));
        EXPECT_ABSENT(b2);
        EXPECT(WSSX_OK, wssx_context_secret(ctx, &b2));
        CHECK(b2.len == 32);
        wssx_buf_free(&b2);
        EXPECT(WSSX_OK, wssx_context_lifetime(ctx, &created, &hc, &expires, &he));
        CHECK(hc && he && expires - created == 600000);
        EXPECT(WSSX_OK, wssx_context_cancelled(ctx, &flag));
        CHECK(!flag);
        EXPECT(WSSX_OK, wssx_context_should_renew(ctx, 60, &flag));
        CHECK(!flag);
        EXPECT(WSSX_OK, wssx_context_should_renew(ctx, 3600, &flag));
        CHECK(flag);
        EXPECT(WSSX_OK, wssx_requestor_needs_renewal(req, ctx, &flag));
        CHECK(!flag);
        wssx_sct_free(sct);
        sct = NULL;
    }

    /* Use it: the service verifies with the key it stored. */
    EXPECT(WSSX_OK, use_ctx(svc, ctx, &signer, &signer_inst, __LINE__));
    CHECK(buf_eq(&signer, &b));
    EXPECT_ABSENT(signer_inst);
    wssx_buf_free(&signer), wssx_buf_free(&signer_inst);

    /* Renew with new key material, re-proving the claims: a new Instance and a new key. */
    {
        edit_state reproof = {0, 0};
        memset(&r, 0, sizeof r);
        EXPECT(WSSX_OK, wssx_requestor_renew(req, ctx, true, add_reproof, &reproof, &r.envelope, &r.action,
                                             &r.content_type, &r.pending));
        CHECK(reproof.calls == 1);
        CHECK(CONTAINS(r.envelope, "urn:example:reproof") && CONTAINS(r.envelope, "Signature"));
        snprintf(want, sizeof want, "%s/RST/SCT/Renew", trust_ns(tv));
        EXPECT_STR(&r.action, want);
        resp = handle(svc, &r.envelope, __LINE__);
        CHECK(!resp.is_fault);
        if (resp.is_fault) printf("  %s\n", (const char *)resp.envelope.data);
        snprintf(want, sizeof want, "%s/RSTR/SCT/Renew", trust_ns(tv));
        EXPECT_STR(&resp.action, want);
        EXPECT(WSSX_OK, finish(&r, &resp, &kind, &renewed, &valid, &reason));
        CHECK(kind == WSSX_OUTCOME_RENEWED && renewed != NULL);
        request_free(&r);
        response_free(&resp);
    }
    if (renewed == NULL) goto out;
    EXPECT(WSSX_OK, wssx_context_sct(renewed, &sct2));
    EXPECT(WSSX_OK, wssx_sct_identifier(sct2, &b2));
    CHECK(buf_eq(&b, &b2));
    wssx_buf_free(&b2);
    {
        wssx_buf inst = {NULL, 0}, k1 = {NULL, 0}, k2 = {NULL, 0};
        EXPECT(WSSX_OK, wssx_sct_instance(sct2, &inst));
        CHECK(inst.data != NULL && inst.len > 0);
        EXPECT(WSSX_OK, wssx_context_secret(ctx, &k1));
        EXPECT(WSSX_OK, wssx_context_secret(renewed, &k2));
        CHECK(k2.len == 32 && !buf_eq(&k1, &k2));
        /* The renewed context verifies, by its new Instance... */
        EXPECT(WSSX_OK, use_ctx(svc, renewed, &signer, &signer_inst, __LINE__));
        CHECK(buf_eq(&signer, &b) && buf_eq(&signer_inst, &inst));
        wssx_buf_free(&signer), wssx_buf_free(&signer_inst);
        /* ...and the old instance still does during the rollover. */
        EXPECT(WSSX_OK, use_ctx(svc, ctx, NULL, NULL, __LINE__));
        wssx_buf_free(&inst), wssx_buf_free(&k1), wssx_buf_free(&k2);
    }

    /* Amend: same key; a failing add_claims callback stops the request. */
    {
        edit_state claims = {0, 5};
        memset(&r, 0, sizeof r);
        r.envelope.data = POISON(uint8_t);
        r.pending = POISON(wssx_pending);
        EXPECT(WSSX_CALLBACK, wssx_requestor_amend(req, renewed, keep_envelope, &claims, &r.envelope, &r.action,
                                                   &r.content_type, &r.pending));
        CHECK(claims.calls == 1 && r.envelope.data == NULL && r.pending == NULL);
        CHECK(strstr(wssx_last_error(), "return code 5") != NULL);
        EXPECT(WSSX_CALLBACK, wssx_requestor_amend(req, renewed, bad_utf8_edit, NULL, &r.envelope, &r.action,
                                                   &r.content_type, &r.pending));
        claims.fail = 0;
        EXPECT(WSSX_OK, wssx_requestor_amend(req, renewed, keep_envelope, &claims, &r.envelope, &r.action,
                                             &r.content_type, &r.pending));
        CHECK(claims.calls == 2);
        snprintf(want, sizeof want, "%s/RST/SCT/Amend", trust_ns(tv));
        EXPECT_STR(&r.action, want);
        resp = handle(svc, &r.envelope, __LINE__);
        CHECK(!resp.is_fault);
        if (resp.is_fault) printf("  %s\n", (const char *)resp.envelope.data);
        EXPECT(WSSX_OK, finish(&r, &resp, &kind, &amended, &valid, &reason));
        CHECK(kind == WSSX_OUTCOME_AMENDED && amended != NULL);
        request_free(&r);
        response_free(&resp);
        if (amended != NULL) {
            wssx_buf k1 = {NULL, 0}, k2 = {NULL, 0};
            EXPECT(WSSX_OK, wssx_context_secret(renewed, &k1));
            EXPECT(WSSX_OK, wssx_context_secret(amended, &k2));
            CHECK(buf_eq(&k1, &k2));
            wssx_buf_free(&k1), wssx_buf_free(&k2);
            EXPECT(WSSX_OK, use_ctx(svc, amended, NULL, NULL, __LINE__));
        }
    }

    /* Validate. */
    memset(&r, 0, sizeof r);
    EXPECT(WSSX_OK, wssx_requestor_validate(req, renewed, &r.envelope, &r.action, &r.content_type, &r.pending));
    snprintf(want, sizeof want, "%s/RST/Validate", trust_ns(tv));
    EXPECT_STR(&r.action, want);
    resp = handle(svc, &r.envelope, __LINE__);
    wssx_context *none = POISON(wssx_context);
    valid = false;
    EXPECT(WSSX_OK, finish(&r, &resp, &kind, &none, &valid, &reason));
    CHECK(kind == WSSX_OUTCOME_VALIDATED && valid && none == NULL);
    EXPECT_ABSENT(reason);
    request_free(&r);
    response_free(&resp);

    /* Cancel (through the renewed handle): every handle of the context is cancelled. */
    wssx_buf cancel_request = {NULL, 0};
    memset(&r, 0, sizeof r);
    EXPECT(WSSX_OK, wssx_requestor_cancel(req, renewed, &r.envelope, &r.action, &r.content_type, &r.pending));
    snprintf(want, sizeof want, "%s/RST/SCT/Cancel", trust_ns(tv));
    EXPECT_STR(&r.action, want);
    EXPECT(WSSX_OK, wssx_buf_copy(r.envelope.data, r.envelope.len, &cancel_request));
    resp = handle(svc, &r.envelope, __LINE__);
    CHECK(!resp.is_fault);
    snprintf(want, sizeof want, "%s/RSTR/SCT/Cancel", trust_ns(tv));
    EXPECT_STR(&resp.action, want);
    none = POISON(wssx_context);
    EXPECT(WSSX_OK, finish(&r, &resp, &kind, &none, &valid, &reason));
    CHECK(kind == WSSX_OUTCOME_CANCELLED && none == NULL);
    request_free(&r);
    response_free(&resp);
    EXPECT(WSSX_OK, wssx_context_cancelled(renewed, &flag));
    CHECK(flag);
    EXPECT(WSSX_OK, wssx_context_cancelled(ctx, &flag));
    CHECK(flag);
    if (amended) {
        EXPECT(WSSX_OK, wssx_context_cancelled(amended, &flag));
        CHECK(flag);
    }
    /* The requestor refuses to use it... */
    EXPECT(WSSX_BAD_CONTEXT_TOKEN, use_ctx(svc, renewed, NULL, NULL, __LINE__));
    EXPECT(WSSX_BAD_CONTEXT_TOKEN, use_ctx(svc, ctx, NULL, NULL, __LINE__));
    memset(&r, 0, sizeof r);
    EXPECT(WSSX_BAD_CONTEXT_TOKEN,
           wssx_requestor_renew(req, ctx, true, NULL, NULL, &r.envelope, &r.action, &r.content_type, &r.pending));
    EXPECT(WSSX_BAD_CONTEXT_TOKEN,
           wssx_requestor_cancel(req, renewed, &r.envelope, &r.action, &r.content_type, &r.pending));
    CHECK(r.pending == NULL && r.envelope.data == NULL);
    /* ...and the service refuses it however it is presented: raw key, replayed cancel. */
    EXPECT(WSSX_BAD_CONTEXT_TOKEN, use_raw(svc, renewed));
    EXPECT(WSSX_BAD_CONTEXT_TOKEN, use_raw(svc, ctx));
    for (int i = 0; i < 2; i++) {
        resp = handle(svc, &cancel_request, __LINE__);
        CHECK(resp.is_fault);
        snprintf(want, sizeof want, "%s", tv == WSSX_TRUST_FEB2005 ? "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault"
                                                                    : "http://www.w3.org/2005/08/addressing/soap/fault");
        EXPECT_STR(&resp.action, want);
        wssx_fault *f = NULL;
        wssx_status fk = WSSX_OK;
        EXPECT(WSSX_OK, wssx_fault_parse(resp.envelope.data, resp.envelope.len, &f));
        EXPECT(WSSX_OK, wssx_fault_kind(f, &fk));
        CHECK(fk == WSSX_BAD_CONTEXT_TOKEN);
        wssx_fault_free(f);
        response_free(&resp);
    }
    wssx_buf_free(&cancel_request);
    /* A validation now says invalid, with a reason. */
    memset(&r, 0, sizeof r);
    EXPECT(WSSX_OK, wssx_requestor_validate(req, renewed, &r.envelope, &r.action, &r.content_type, &r.pending));
    resp = handle(svc, &r.envelope, __LINE__);
    valid = true;
    EXPECT(WSSX_OK, finish(&r, &resp, &kind, &none, &valid, &reason));
    CHECK(kind == WSSX_OUTCOME_VALIDATED && !valid && CONTAINS(reason, "cancelled"));
    wssx_buf_free(&reason);
    request_free(&r);
    response_free(&resp);
    /* A renewal by a client that kept the key (a context rebuilt from its parts) fails at the
       service with wsc:BadContextToken. */
    {
        wssx_context *rebuilt = NULL;
        wssx_buf key = {NULL, 0};
        EXPECT(WSSX_OK, wssx_context_secret(renewed, &key));
        EXPECT(WSSX_OK, wssx_context_new(sct2, key.data, key.len, tv, &rebuilt));
        wssx_buf_free(&key);
        EXPECT(WSSX_OK, wssx_context_cancelled(rebuilt, &flag));
        CHECK(!flag);
        memset(&r, 0, sizeof r);
        EXPECT(WSSX_OK, wssx_requestor_renew(req, rebuilt, false, NULL, NULL, &r.envelope, &r.action, &r.content_type,
                                             &r.pending));
        resp = handle(svc, &r.envelope, __LINE__);
        CHECK(resp.is_fault);
        wssx_context *got = POISON(wssx_context);
        kind = WSSX_OUTCOME_ISSUED;
        EXPECT(WSSX_BAD_CONTEXT_TOKEN, finish(&r, &resp, &kind, &got, &valid, &reason));
        CHECK(kind == WSSX_OUTCOME_NONE && got == NULL);
        request_free(&r);
        response_free(&resp);
        wssx_context_free(rebuilt);
    }

    /* The authorizer saw every operation, the principal travelled with the context. */
    CHECK(az.calls[WSSX_OP_ISSUE] == 1 && az.calls[WSSX_OP_RENEW] == 1 && az.calls[WSSX_OP_AMEND] == 1);
    CHECK(az.calls[WSSX_OP_CANCEL] == 1 && az.calls[WSSX_OP_VALIDATE] >= 1);
    CHECK(az.violations == 0);
    if (table != NULL) {
        CHECK(table->violations == 0);
        CHECK(table->inserts >= 2 && table->updates >= 1 && table->cancels >= 1 && table->gets > 5);
    }

out:
    wssx_buf_free(&b);
    wssx_sct_free(sct2);
    wssx_context_free(amended);
    wssx_context_free(renewed);
    wssx_context_free(ctx);
    wssx_requestor_free(req);
    wssx_service_free(svc);
    pthread_mutex_destroy(&az.lock);
}

static void test_lifecycles(void) {
    for (int tv = WSSX_TRUST_FEB2005; tv <= WSSX_TRUST_1_3; tv++) {
        wssx_soap_version soap = tv == WSSX_TRUST_FEB2005 ? WSSX_SOAP_11 : WSSX_SOAP_12;
        /* The embedded memory store. */
        wssx_store *mem = NULL;
        EXPECT(WSSX_OK, wssx_store_new_memory(1000, &mem));
        lifecycle((wssx_trust_version)tv, soap, mem, NULL);
        size_t removed = 99;
        EXPECT(WSSX_OK, wssx_store_purge(mem, &removed));
        CHECK(removed == 0);
        wssx_store_free(mem);

        /* A store in a C table. */
        ctable *t = malloc(sizeof *t);
        ctable_init(t);
        wssx_store *cb = NULL;
        EXPECT(WSSX_OK, wssx_store_new_callbacks(&CALLBACKS, t, &cb));
        lifecycle((wssx_trust_version)tv, soap, cb, t);
        EXPECT(WSSX_OK, wssx_store_purge(cb, &removed));
        CHECK(t->purges == 1 && removed == 0);
        CHECK(t->releases == 0);
        wssx_store_free(cb);
        CHECK(t->releases == 1);
        ctable_destroy(t);
        free(t);
    }
}

/* ---- policies, entropy modes, expiry -------------------------------------------------- */

static void test_policies(void) {
    wssx_store *store = NULL;
    wssx_service *svc = NULL;
    wssx_service_policy policy;
    request r;
    response resp;
    wssx_outcome kind;
    wssx_context *ctx = NULL;
    bool valid;
    wssx_buf reason = {NULL, 0}, key = {NULL, 0};
    EXPECT(WSSX_OK, wssx_store_new_memory(100, &store));

    /* No requestor entropy: the service's key comes as a BinarySecret. */
    EXPECT(WSSX_OK, wssx_service_new(store, NULL, NULL, NULL, &svc));
    wssx_requestor *req = make_requestor(WSSX_TRUST_1_3, WSSX_SOAP_12, WSSX_ENTROPY_NONE);
    memset(&r, 0, sizeof r);
    EXPECT(WSSX_OK, wssx_requestor_issue(req, &r.envelope, &r.action, &r.content_type, &r.pending));
    CHECK(!CONTAINS(r.envelope, "Entropy"));
    resp = handle(svc, &r.envelope, __LINE__);
    {
        wssx_proof_kind pk;
        wssx_buf alg = {NULL, 0};
        wssx_rstr *rstr = response_rstr(&resp.envelope, __LINE__);
        EXPECT(WSSX_OK, wssx_rstr_proof_token(rstr, &pk, &key, &alg));
        CHECK(pk == WSSX_PROOF_BINARY_SECRET && key.len == 32);
        wssx_rstr_free(rstr);
    }
    EXPECT(WSSX_OK, finish(&r, &resp, &kind, &ctx, &valid, &reason));
    {
        wssx_buf k = {NULL, 0};
        EXPECT(WSSX_OK, wssx_context_secret(ctx, &k));
        CHECK(buf_eq(&k, &key));
        wssx_buf_free(&k);
    }
    EXPECT(WSSX_OK, use_ctx(svc, ctx, NULL, NULL, __LINE__));
    wssx_buf_free(&key);
    wssx_context_free(ctx);
    request_free(&r);
    response_free(&resp);
    /* A requested key size outside the policy: a wst:InvalidRequest fault. */
    {
        wssx_requestor_config cfg;
        wssx_requestor *big = NULL;
        EXPECT(WSSX_OK, wssx_requestor_config_default(WSSX_TRUST_FEB2005, &cfg));
        cfg.to = U8(STS), cfg.to_len = strlen(STS);
        cfg.key_size = 4096;
        EXPECT(WSSX_OK, wssx_requestor_new(&cfg, &big));
        memset(&r, 0, sizeof r);
        EXPECT(WSSX_OK, wssx_requestor_issue(big, &r.envelope, &r.action, &r.content_type, &r.pending));
        resp = handle(svc, &r.envelope, __LINE__);
        CHECK(resp.is_fault && CONTAINS(resp.envelope, TRUST05) && CONTAINS(resp.envelope, "InvalidRequest"));
        ctx = POISON(wssx_context);
        EXPECT(WSSX_INVALID_REQUEST, finish(&r, &resp, &kind, &ctx, &valid, &reason));
        CHECK(ctx == NULL && kind == WSSX_OUTCOME_NONE);
        request_free(&r);
        response_free(&resp);
        /* The 1.3 requestor falls back to February 2005. */
        wssx_requestor *fb = NULL;
        EXPECT(WSSX_OK, wssx_requestor_fallback_feb2005(req, &fb));
        memset(&r, 0, sizeof r);
        EXPECT(WSSX_OK, wssx_requestor_issue(fb, &r.envelope, &r.action, &r.content_type, &r.pending));
        EXPECT_STR(&r.action, TRUST05 "/RST/SCT");
        CHECK(CONTAINS(r.envelope, "http://schemas.xmlsoap.org/ws/2004/08/addressing"));
        request_free(&r);
        wssx_requestor_free(fb);
        wssx_requestor_free(big);
    }
    wssx_service_free(svc);

    /* Requestor entropy used as the key (WS-SC A.1's second variation): no proof token. */
    EXPECT(WSSX_OK, wssx_service_policy_default(&policy));
    policy.issuer_entropy = false;
    EXPECT(WSSX_OK, wssx_service_new(store, &policy, NULL, NULL, &svc));
    wssx_requestor *comb = make_requestor(WSSX_TRUST_1_3, WSSX_SOAP_12, WSSX_ENTROPY_COMBINED);
    ctx = issue(comb, svc, __LINE__);
    if (ctx) EXPECT(WSSX_OK, use_ctx(svc, ctx, NULL, NULL, __LINE__));
    wssx_context_free(ctx);
    wssx_service_free(svc);

    /* A service that challenges first: the requestor answers and gets its context. */
    EXPECT(WSSX_OK, wssx_service_policy_default(&policy));
    policy.challenge = true;
    policy.exchange_timeout_seconds = 60;
    EXPECT(WSSX_OK, wssx_service_new(store, &policy, NULL, NULL, &svc));
    {
        wssx_challenge *ch = POISON(wssx_challenge);
        wssx_buf text = {NULL, 0};
        request a;
        memset(&a, 0, sizeof a);
        /* wssx_pending_finish reports the challenge (its text in `reason`) and drops it. */
        memset(&r, 0, sizeof r);
        EXPECT(WSSX_OK, wssx_requestor_issue(comb, &r.envelope, &r.action, &r.content_type, &r.pending));
        resp = handle(svc, &r.envelope, __LINE__);
        CHECK(!resp.is_fault && CONTAINS(resp.envelope, "SignChallenge") &&
              !CONTAINS(resp.envelope, "SecurityContextToken"));
        ctx = POISON(wssx_context);
        EXPECT(WSSX_OK, finish(&r, &resp, &kind, &ctx, &valid, &reason));
        CHECK(kind == WSSX_OUTCOME_CHALLENGE && ctx == NULL && reason.data != NULL && reason.len > 0);
        wssx_buf_free(&reason);
        request_free(&r);
        response_free(&resp);

        /* wssx_pending_finish2 hands the challenge out; answering it issues the context. */
        memset(&r, 0, sizeof r);
        EXPECT(WSSX_OK, wssx_requestor_issue(comb, &r.envelope, &r.action, &r.content_type, &r.pending));
        resp = handle(svc, &r.envelope, __LINE__);
        EXPECT(WSSX_OK, wssx_pending_finish2(r.pending, resp.envelope.data, resp.envelope.len, &kind, &ctx, &valid,
                                             &reason, &ch));
        r.pending = NULL;
        CHECK(kind == WSSX_OUTCOME_CHALLENGE && ctx == NULL && ch != NULL && ch != POISON(wssx_challenge));
        EXPECT(WSSX_OK, wssx_challenge_text(ch, &text));
        CHECK(buf_eq(&text, &reason) && CONTAINS(resp.envelope, (const char *)text.data));
        wssx_buf_free(&text);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_challenge_text(ch, NULL));
        text.data = (uint8_t *)POISON(uint8_t);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_challenge_text(NULL, &text));
        CHECK(text.data == NULL);
        wssx_buf_free(&reason);
        response_free(&resp);
        edit_state keep = {0, 0};
        EXPECT(WSSX_OK, wssx_requestor_answer_challenge(comb, ch, keep_envelope, &keep, &a.envelope, &a.action,
                                                        &a.content_type, &a.pending));
        CHECK(keep.calls == 1 && CONTAINS(a.envelope, "SignChallengeResponse") && CONTAINS(a.action, "/RSTR/SCT"));
        resp = handle(svc, &a.envelope, __LINE__);
        CHECK(!resp.is_fault && CONTAINS(resp.envelope, "SecurityContextToken"));
        EXPECT(WSSX_OK, finish(&a, &resp, &kind, &ctx, &valid, &reason));
        CHECK(kind == WSSX_OUTCOME_ISSUED && ctx != NULL);
        if (ctx) EXPECT(WSSX_OK, use_ctx(svc, ctx, NULL, NULL, __LINE__));
        wssx_context_free(ctx);
        response_free(&resp);
        /* The same answer again: the exchange is over, the service refuses it. */
        resp = handle(svc, &a.envelope, __LINE__);
        CHECK(resp.is_fault);
        response_free(&resp);
        request_free(&a);
        request_free(&r);

        /* A challenge not answered, NULLs, a failing sign callback (the challenge is
           consumed in every case). */
        memset(&r, 0, sizeof r);
        EXPECT(WSSX_OK, wssx_requestor_issue(comb, &r.envelope, &r.action, &r.content_type, &r.pending));
        resp = handle(svc, &r.envelope, __LINE__);
        EXPECT(WSSX_OK, wssx_pending_finish2(r.pending, resp.envelope.data, resp.envelope.len, &kind, &ctx, &valid,
                                             &reason, &ch));
        r.pending = NULL;
        wssx_buf_free(&reason);
        wssx_challenge_free(ch);
        wssx_challenge_free(NULL);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_pending_finish2(NULL, NULL, 0, &kind, &ctx, &valid, &reason, &ch));
        CHECK(ch == NULL);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_answer_challenge(comb, NULL, NULL, NULL, &a.envelope, &a.action,
                                                                   &a.content_type, &a.pending));
        CHECK(a.pending == NULL && a.envelope.data == NULL);
        request_free(&r);
        memset(&r, 0, sizeof r);
        EXPECT(WSSX_OK, wssx_requestor_issue(comb, &r.envelope, &r.action, &r.content_type, &r.pending));
        EXPECT_FAILURE(wssx_pending_finish2(r.pending, resp.envelope.data, resp.envelope.len, &kind, &ctx, &valid,
                                            &reason, &ch));
        r.pending = NULL; /* another @Context: refused, consumed */
        CHECK(ch == NULL && kind == WSSX_OUTCOME_NONE);
        response_free(&resp);
        request_free(&r);
        memset(&r, 0, sizeof r);
        EXPECT(WSSX_OK, wssx_requestor_issue(comb, &r.envelope, &r.action, &r.content_type, &r.pending));
        resp = handle(svc, &r.envelope, __LINE__);
        EXPECT(WSSX_OK, wssx_pending_finish2(r.pending, resp.envelope.data, resp.envelope.len, &kind, &ctx, &valid,
                                             &reason, &ch));
        r.pending = NULL;
        wssx_buf_free(&reason);
        a.pending = POISON(wssx_pending);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_answer_challenge(NULL, ch, NULL, NULL, &a.envelope, &a.action,
                                                                   &a.content_type, &a.pending));
        CHECK(a.pending == NULL);
        response_free(&resp);
        request_free(&r);
        memset(&r, 0, sizeof r);
        EXPECT(WSSX_OK, wssx_requestor_issue(comb, &r.envelope, &r.action, &r.content_type, &r.pending));
        resp = handle(svc, &r.envelope, __LINE__);
        EXPECT(WSSX_OK, wssx_pending_finish2(r.pending, resp.envelope.data, resp.envelope.len, &kind, &ctx, &valid,
                                             &reason, &ch));
        r.pending = NULL;
        wssx_buf_free(&reason);
        EXPECT(WSSX_CALLBACK, wssx_requestor_answer_challenge(comb, ch, bad_utf8_edit, NULL, &a.envelope, &a.action,
                                                              &a.content_type, &a.pending));
        CHECK(a.pending == NULL && a.envelope.data == NULL);
        response_free(&resp);
        request_free(&r);
    }
    wssx_service_free(svc);

    /* An authorizer that refuses: wst:FailedAuthentication. */
    {
        authz az;
        authz_init(&az);
        az.deny_op = WSSX_OP_ISSUE;
        EXPECT(WSSX_OK, wssx_service_new(store, NULL, authorize, &az, &svc));
        memset(&r, 0, sizeof r);
        EXPECT(WSSX_OK, wssx_requestor_issue(comb, &r.envelope, &r.action, &r.content_type, &r.pending));
        resp = handle(svc, &r.envelope, __LINE__);
        CHECK(resp.is_fault && CONTAINS(resp.envelope, "FailedAuthentication"));
        EXPECT(WSSX_FAILED_AUTHENTICATION, finish(&r, &resp, &kind, &ctx, &valid, &reason));
        request_free(&r);
        response_free(&resp);
        CHECK(az.calls[WSSX_OP_ISSUE] == 1);
        wssx_service_free(svc);
        pthread_mutex_destroy(&az.lock);
    }

    /* Expiry: a context that lived its second needs renewal, which this policy refuses. */
    EXPECT(WSSX_OK, wssx_service_policy_default(&policy));
    policy.lifetime_seconds = 1;
    policy.clock_skew_seconds = 0;
    EXPECT(WSSX_OK, wssx_service_new(store, &policy, NULL, NULL, &svc));
    ctx = issue(comb, svc, __LINE__);
    if (ctx != NULL) {
        bool should = false;
        EXPECT(WSSX_OK, wssx_requestor_needs_renewal(comb, ctx, &should));
        CHECK(should); /* less than the 5-minute rollover margin is left */
        struct timespec ts = {1, 150 * 1000 * 1000};
        nanosleep(&ts, NULL);
        EXPECT(WSSX_RENEW_NEEDED, use_ctx(svc, ctx, NULL, NULL, __LINE__));
        memset(&r, 0, sizeof r);
        EXPECT(WSSX_OK, wssx_requestor_renew(comb, ctx, true, NULL, NULL, &r.envelope, &r.action, &r.content_type,
                                             &r.pending));
        resp = handle(svc, &r.envelope, __LINE__);
        wssx_context *got = NULL;
        EXPECT(WSSX_UNABLE_TO_RENEW, finish(&r, &resp, &kind, &got, &valid, &reason));
        request_free(&r);
        response_free(&resp);
        memset(&r, 0, sizeof r);
        EXPECT(WSSX_OK, wssx_requestor_validate(comb, ctx, &r.envelope, &r.action, &r.content_type, &r.pending));
        resp = handle(svc, &r.envelope, __LINE__);
        EXPECT(WSSX_OK, finish(&r, &resp, &kind, &got, &valid, &reason));
        CHECK(kind == WSSX_OUTCOME_VALIDATED && !valid && CONTAINS(reason, "expired"));
        wssx_buf_free(&reason);
        request_free(&r);
        response_free(&resp);
    }
    wssx_context_free(ctx);
    wssx_service_free(svc);

    /* Policies that make no sense. */
    svc = POISON(wssx_service);
    EXPECT(WSSX_OK, wssx_service_policy_default(&policy));
    policy.lifetime_seconds = 0;
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_service_new(store, &policy, NULL, NULL, &svc));
    CHECK(svc == NULL);
    EXPECT(WSSX_OK, wssx_service_policy_default(&policy));
    policy.min_key_size = 1024;
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_service_new(store, &policy, NULL, NULL, &svc));
    EXPECT(WSSX_OK, wssx_service_policy_default(&policy));
    policy.default_key_size = 100;
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_service_new(store, &policy, NULL, NULL, &svc));
    EXPECT(WSSX_OK, wssx_service_policy_default(&policy));
    CHECK(policy.lifetime_seconds == 1800 && policy.default_key_size == 256 && policy.min_key_size == 128);
    CHECK(policy.max_key_size == 512 && policy.accept_requestor_entropy && !policy.renew_expired);
    CHECK(policy.clock_skew_seconds == 300 && policy.issuer_entropy && !policy.challenge);
    CHECK(policy.exchange_timeout_seconds == 300);

    wssx_requestor_free(comb);
    wssx_requestor_free(req);
    wssx_store_free(store);
}

/* ---- callback store failures and lifetime ---------------------------------------------------- */

static void test_callback_store(void) {
    ctable *t = malloc(sizeof *t);
    ctable_init(t);
    wssx_store *store = POISON(wssx_store);
    wssx_service *svc = NULL;
    wssx_store_callbacks cb = CALLBACKS;

    /* Required callbacks. */
    cb.get = NULL;
    EXPECT(WSSX_NULL_ARGUMENT, wssx_store_new_callbacks(&cb, t, &store));
    CHECK(store == NULL && strstr(wssx_last_error(), "cb.get") != NULL);
    cb = CALLBACKS;
    cb.cancel = NULL;
    EXPECT(WSSX_NULL_ARGUMENT, wssx_store_new_callbacks(&cb, t, &store));
    cb = CALLBACKS;
    cb.purge = NULL, cb.release = NULL;
    EXPECT(WSSX_OK, wssx_store_new_callbacks(&cb, t, &store));
    size_t removed = 7;
    EXPECT(WSSX_OK, wssx_store_purge(store, &removed));
    CHECK(removed == 0 && t->purges == 0);
    wssx_store_free(store);
    CHECK(t->releases == 0);

    /* The store lives as long as its last user. */
    EXPECT(WSSX_OK, wssx_store_new_callbacks(&CALLBACKS, t, &store));
    EXPECT(WSSX_OK, wssx_service_new(store, NULL, NULL, NULL, &svc));
    wssx_store_free(store);
    CHECK(t->releases == 0);
    wssx_requestor *req = make_requestor(WSSX_TRUST_1_3, WSSX_SOAP_12, WSSX_ENTROPY_COMBINED);
    wssx_context *ctx = issue(req, svc, __LINE__);

    /* Failing callbacks. */
    t->fail_get = 42;
    EXPECT(WSSX_CALLBACK, use_ctx(svc, ctx, NULL, NULL, __LINE__));
    CHECK(strstr(wssx_last_error(), "return code 42") != NULL);
    t->fail_get = 0;
    t->answer_mode = 1;
    EXPECT(WSSX_CALLBACK, use_ctx(svc, ctx, NULL, NULL, __LINE__));
    CHECK(strstr(wssx_last_error(), "without") != NULL);
    t->answer_mode = 2;
    EXPECT(WSSX_CALLBACK, use_ctx(svc, ctx, NULL, NULL, __LINE__));
    CHECK(t->answer_status == WSSX_INVALID_ARGUMENT);
    t->answer_mode = 0;
    EXPECT(WSSX_OK, use_ctx(svc, ctx, NULL, NULL, __LINE__));
    t->fail_insert = 9;
    {
        request r;
        wssx_outcome kind;
        wssx_context *got = NULL;
        bool valid;
        wssx_buf reason = {NULL, 0};
        memset(&r, 0, sizeof r);
        EXPECT(WSSX_OK, wssx_requestor_issue(req, &r.envelope, &r.action, &r.content_type, &r.pending));
        response resp = handle(svc, &r.envelope, __LINE__);
        CHECK(resp.is_fault && CONTAINS(resp.envelope, "RequestFailed"));
        EXPECT(WSSX_REQUEST_FAILED, finish(&r, &resp, &kind, &got, &valid, &reason));
        request_free(&r);
        response_free(&resp);
    }
    t->fail_insert = 0;
    /* Purge goes through the callback. */
    EXPECT(WSSX_OK, wssx_store_new_callbacks(&CALLBACKS, t, &store));
    EXPECT(WSSX_OK, wssx_store_purge(store, &removed));
    CHECK(t->purges == 1 && removed == 0);
    wssx_store_free(store);
    CHECK(t->releases == 1);
    /* A context the store does not know. */
    {
        wssx_sct *sct = NULL;
        wssx_context *stranger = NULL;
        EXPECT(WSSX_OK, wssx_sct_generate(WSSX_SC_1_3, &sct));
        EXPECT(WSSX_OK, wssx_context_new(sct, U8("0123456789abcdef0123456789abcdef"), 32, WSSX_TRUST_1_3, &stranger));
        EXPECT(WSSX_BAD_CONTEXT_TOKEN, use_ctx(svc, stranger, NULL, NULL, __LINE__));
        wssx_context_free(stranger);
        EXPECT(WSSX_INVALID_ARGUMENT, wssx_context_new(sct, U8("short"), 5, WSSX_TRUST_1_3, &stranger));
        CHECK(stranger == NULL);
        wssx_sct_free(sct);
    }
    CHECK(t->violations == 0);
    wssx_context_free(ctx);
    wssx_requestor_free(req);
    wssx_service_free(svc);
    CHECK(t->releases == 2);
    ctable_destroy(t);
    free(t);
}

/* ---- garbage responses and NULLs ---------------------------------------------------------- */

/* A fresh issue request's pending state (its other outputs freed). */
static wssx_pending *pending_issue(const wssx_requestor *req) {
    request r;
    memset(&r, 0, sizeof r);
    EXPECT(WSSX_OK, wssx_requestor_issue(req, &r.envelope, &r.action, &r.content_type, &r.pending));
    wssx_pending *p = r.pending;
    r.pending = NULL;
    request_free(&r);
    return p;
}

static void expect_finish_fails(const wssx_requestor *req, const uint8_t *resp, size_t len, wssx_status want,
                                int line) {
    wssx_outcome kind = WSSX_OUTCOME_ISSUED;
    wssx_context *ctx = POISON(wssx_context);
    bool valid = true;
    wssx_buf reason = {POISON(uint8_t), 1};
    expect_status(wssx_pending_finish(pending_issue(req), resp, len, &kind, &ctx, &valid, &reason), want, line,
                  "wssx_pending_finish");
    check(kind == WSSX_OUTCOME_NONE && ctx == NULL && !valid && reason.data == NULL, line, "outputs reset");
}
/* (req, response, response_len, want): variadic so that S("...") may give the last two. */
#define EXPECT_FINISH_FAILS(req, ...) expect_finish_fails((req), __VA_ARGS__, __LINE__)

static void test_binding_garbage(void) {
    wssx_store *store = NULL;
    wssx_service *svc = NULL;
    EXPECT(WSSX_OK, wssx_store_new_memory(100, &store));
    EXPECT(WSSX_OK, wssx_service_new(store, NULL, NULL, NULL, &svc));
    wssx_requestor *req = make_requestor(WSSX_TRUST_1_3, WSSX_SOAP_12, WSSX_ENTROPY_COMBINED);
    wssx_outcome kind;
    wssx_context *ctx = NULL;
    bool valid;
    wssx_buf reason = {NULL, 0};

    /* Garbage responses: every call consumes its pending state (valgrind checks). */
    EXPECT_FINISH_FAILS(req, NULL, 0, WSSX_MALFORMED_XML);
    EXPECT_FINISH_FAILS(req, S("not xml at all"), WSSX_MALFORMED_XML);
    EXPECT_FINISH_FAILS(req, S("<a/>"), WSSX_INVALID_REQUEST);
    EXPECT_FINISH_FAILS(req, S("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body/></s:Envelope>"),
                        WSSX_INVALID_REQUEST);
    EXPECT_FINISH_FAILS(req, S("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>"
                               "<t:RequestSecurityTokenResponse xmlns:t=\"" TRUST13 "\"/></s:Body></s:Envelope>"),
                        WSSX_INVALID_REQUEST);
    for (int i = 0; i < 10; i++) {
        uint8_t junk[200];
        size_t n = 1 + rng() % sizeof junk;
        for (size_t j = 0; j < n; j++) junk[j] = (uint8_t)rng();
        expect_finish_fails(req, junk, n, WSSX_MALFORMED_XML, __LINE__);
    }
    /* A fault from the service gives the fault's status. */
    {
        wssx_fault *f = NULL;
        wssx_envelope *env = NULL;
        wssx_buf xml = {NULL, 0};
        EXPECT(WSSX_OK, wssx_fault_new(WSSX_RENEW_NEEDED, WSSX_TRUST_1_3, &f));
        EXPECT(WSSX_OK, wssx_fault_to_envelope(f, WSSX_SOAP_12, WSSX_WSA_2005_08, &env));
        EXPECT(WSSX_OK, wssx_envelope_to_xml(env, &xml));
        EXPECT_FINISH_FAILS(req, xml.data, xml.len, WSSX_RENEW_NEEDED);
        wssx_buf_free(&xml);
        wssx_envelope_free(env);
        wssx_fault_free(f);
    }
    /* The response to another request (its @Context does not match). */
    {
        request a, b;
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        EXPECT(WSSX_OK, wssx_requestor_issue(req, &a.envelope, &a.action, &a.content_type, &a.pending));
        EXPECT(WSSX_OK, wssx_requestor_issue(req, &b.envelope, &b.action, &b.content_type, &b.pending));
        response resp = handle(svc, &a.envelope, __LINE__);
        EXPECT(WSSX_INVALID_REQUEST, finish(&b, &resp, &kind, &ctx, &valid, &reason));
        CHECK(ctx == NULL);
        EXPECT(WSSX_OK, finish(&a, &resp, &kind, &ctx, &valid, &reason));
        CHECK(kind == WSSX_OUTCOME_ISSUED);
        wssx_context_free(ctx);
        ctx = NULL;
        response_free(&resp);
        request_free(&a);
        request_free(&b);
    }
    /* NULL outputs: the pending state is consumed all the same. */
    EXPECT(WSSX_NULL_ARGUMENT, wssx_pending_finish(pending_issue(req), S("<a/>"), NULL, &ctx, &valid, &reason));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_pending_finish(pending_issue(req), S("<a/>"), &kind, NULL, &valid, &reason));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_pending_finish(pending_issue(req), S("<a/>"), &kind, &ctx, NULL, &reason));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_pending_finish(pending_issue(req), S("<a/>"), &kind, &ctx, &valid, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_pending_finish(pending_issue(req), NULL, 4, &kind, &ctx, &valid, &reason));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_pending_finish(NULL, S("<a/>"), &kind, &ctx, &valid, &reason));
    wssx_pending_free(pending_issue(req)); /* abandoned */
    wssx_pending_free(NULL);

    /* Garbage requests: always a fault, never an error. */
    {
        const char *bad[] = {"", "garbage", "<a/>",
                             "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><x/></s:Body>"
                             "</s:Envelope>"};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            wssx_buf in = {(uint8_t *)bad[i], strlen(bad[i])};
            response resp = handle(svc, &in, __LINE__);
            CHECK(resp.is_fault && resp.action.data == NULL && resp.content_type.data != NULL);
            wssx_fault *f = NULL;
            wssx_status k = WSSX_OK;
            EXPECT(WSSX_OK, wssx_fault_parse(resp.envelope.data, resp.envelope.len, &f));
            EXPECT(WSSX_OK, wssx_fault_kind(f, &k));
            CHECK(k == WSSX_INVALID_REQUEST);
            wssx_fault_free(f);
            response_free(&resp);
        }
        uint8_t junk[300];
        for (int i = 0; i < 10; i++) {
            size_t n = 1 + rng() % sizeof junk;
            for (size_t j = 0; j < n; j++) junk[j] = (uint8_t)rng();
            wssx_buf in = {junk, n};
            response resp = handle(svc, &in, __LINE__);
            CHECK(resp.is_fault);
            response_free(&resp);
            wssx_verify_report *rep = POISON(wssx_verify_report);
            EXPECT_FAILURE(wssx_service_verify_message(svc, junk, n, &rep));
            CHECK(rep == NULL);
        }
    }

    /* NULLs everywhere else. */
    {
        wssx_requestor_config cfg;
        wssx_requestor *r2 = POISON(wssx_requestor);
        wssx_buf e = {NULL, 0}, a = {NULL, 0}, c = {NULL, 0};
        wssx_pending *p = POISON(wssx_pending);
        wssx_store *s2 = POISON(wssx_store);
        wssx_service *v2 = POISON(wssx_service);
        wssx_verify_report *rep = POISON(wssx_verify_report);
        wssx_sct *sct = POISON(wssx_sct);
        bool is_fault;
        int64_t t;
        bool h;
        wssx_trust_version tv;
        size_t n;

        ctx = issue(req, svc, __LINE__);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_config_default(WSSX_TRUST_1_3, NULL));
        EXPECT(WSSX_INVALID_ARGUMENT, wssx_requestor_config_default(7, &cfg));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_new(NULL, &r2));
        CHECK(r2 == NULL);
        EXPECT(WSSX_OK, wssx_requestor_config_default(WSSX_TRUST_1_3, &cfg));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_new(&cfg, NULL));
        EXPECT(WSSX_INVALID_ARGUMENT, wssx_requestor_new(&cfg, &r2)); /* no `to` */
        CHECK(strstr(wssx_last_error(), "cfg.to") != NULL);
        cfg.wsa_version = WSSX_WSA_NONE;
        EXPECT(WSSX_OK, wssx_requestor_new(&cfg, &r2)); /* without addressing no `to` is needed */
        wssx_requestor_free(r2);
        cfg.to = U8(STS), cfg.to_len = strlen(STS);
        cfg.key_size = 0;
        EXPECT(WSSX_INVALID_ARGUMENT, wssx_requestor_new(&cfg, &r2));
        cfg.key_size = 100;
        EXPECT(WSSX_INVALID_ARGUMENT, wssx_requestor_new(&cfg, &r2));
        cfg.key_size = 256;
        cfg.entropy = 2;
        EXPECT(WSSX_INVALID_ARGUMENT, wssx_requestor_new(&cfg, &r2));
        cfg.entropy = WSSX_ENTROPY_NONE;
        cfg.soap_version = 5;
        EXPECT(WSSX_INVALID_ARGUMENT, wssx_requestor_new(&cfg, &r2));
        cfg.soap_version = WSSX_SOAP_11;
        cfg.protect.suite = 9;
        EXPECT(WSSX_INVALID_ARGUMENT, wssx_requestor_new(&cfg, &r2));
        cfg.protect.suite = WSSX_SUITE_BASIC256;
        cfg.applies_to = NULL, cfg.applies_to_len = 3;
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_new(&cfg, &r2));
        cfg.applies_to = U8("\xff"), cfg.applies_to_len = 1;
        EXPECT(WSSX_INVALID_UTF8, wssx_requestor_new(&cfg, &r2));
        cfg.applies_to = U8("https://rp/"), cfg.applies_to_len = strlen("https://rp/");
        cfg.lifetime_seconds = 120;
        EXPECT(WSSX_OK, wssx_requestor_new(&cfg, &r2));
        EXPECT(WSSX_OK, wssx_requestor_issue(r2, &e, &a, &c, &p));
        CHECK(CONTAINS(e, "https://rp/") && CONTAINS(e, "Lifetime") && CONTAINS(e, "soap/envelope/"));
        wssx_buf_free(&e), wssx_buf_free(&a), wssx_buf_free(&c);
        wssx_pending_free(p);
        wssx_requestor_free(r2);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_fallback_feb2005(NULL, &r2));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_fallback_feb2005(req, NULL));

        p = POISON(wssx_pending);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_issue(NULL, &e, &a, &c, &p));
        CHECK(p == NULL);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_issue(req, NULL, &a, &c, &p));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_issue(req, &e, NULL, &c, &p));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_issue(req, &e, &a, NULL, &p));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_issue(req, &e, &a, &c, NULL));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_renew(req, NULL, true, NULL, NULL, &e, &a, &c, &p));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_renew(NULL, ctx, true, NULL, NULL, &e, &a, &c, &p));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_renew(req, ctx, true, NULL, NULL, &e, &a, &c, NULL));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_amend(req, NULL, NULL, NULL, &e, &a, &c, &p));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_amend(req, ctx, NULL, NULL, &e, NULL, &c, &p));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_cancel(req, NULL, &e, &a, &c, &p));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_cancel(NULL, ctx, &e, &a, &c, &p));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_validate(req, NULL, &e, &a, &c, &p));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_validate(req, ctx, &e, &a, &c, NULL));
        CHECK(e.data == NULL && a.data == NULL && c.data == NULL && p == NULL);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_needs_renewal(NULL, ctx, &h));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_needs_renewal(req, NULL, &h));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_needs_renewal(req, ctx, NULL));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_pending_context_attribute(NULL, &e));
        wssx_requestor_free(NULL);

        wssx_context *c2 = POISON(wssx_context);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_context_new(NULL, U8("0123456789abcdef"), 16, WSSX_TRUST_1_3, &c2));
        CHECK(c2 == NULL);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_context_sct(NULL, &sct));
        CHECK(sct == NULL);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_context_sct(ctx, NULL));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_context_secret(NULL, &e));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_context_trust_version(NULL, &tv));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_context_lifetime(NULL, &t, &h, &t, &h));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_context_lifetime(ctx, &t, &h, &t, NULL));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_context_cancelled(NULL, &h));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_context_should_renew(NULL, 1, &h));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_context_protect(NULL, S(APP), WSSX_SIGN, NULL, &e));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_context_protect(ctx, S(APP), WSSX_SIGN, NULL, NULL));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_context_protect(ctx, NULL, 5, WSSX_SIGN, NULL, &e));
        EXPECT(WSSX_INVALID_ARGUMENT, wssx_context_protect(ctx, S(APP), 7, NULL, &e));
        EXPECT(WSSX_INVALID_REQUEST, wssx_context_protect(ctx, S("<a/>"), WSSX_SIGN, NULL, &e));
        CHECK(e.data == NULL);
        wssx_context_free(NULL);

        EXPECT(WSSX_NULL_ARGUMENT, wssx_store_new_memory(10, NULL));
        EXPECT(WSSX_INVALID_ARGUMENT, wssx_store_new_memory(0, &s2));
        CHECK(s2 == NULL);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_store_new_callbacks(NULL, NULL, &s2));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_store_new_callbacks(&CALLBACKS, NULL, NULL));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_store_purge(NULL, &n));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_store_purge(store, NULL));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_store_answer_found(NULL, NULL));
        wssx_store_free(NULL);

        EXPECT(WSSX_NULL_ARGUMENT, wssx_service_policy_default(NULL));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_service_new(NULL, NULL, NULL, NULL, &v2));
        CHECK(v2 == NULL);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_service_new(store, NULL, NULL, NULL, NULL));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_service_handle(NULL, S("<a/>"), &e, &is_fault, &a, &c));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_service_handle(svc, NULL, 3, &e, &is_fault, &a, &c));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_service_handle(svc, S("<a/>"), NULL, &is_fault, &a, &c));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_service_handle(svc, S("<a/>"), &e, NULL, &a, &c));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_service_handle(svc, S("<a/>"), &e, &is_fault, NULL, &c));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_service_handle(svc, S("<a/>"), &e, &is_fault, &a, NULL));
        CHECK(e.data == NULL && a.data == NULL);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_service_verify_message(NULL, S(APP), &rep));
        CHECK(rep == NULL);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_service_verify_message(svc, S(APP), NULL));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_service_verify_message(svc, NULL, 9, &rep));
        EXPECT(WSSX_INVALID_SECURITY_TOKEN, wssx_service_verify_message(svc, S(APP), &rep));
        wssx_service_free(NULL);
        EXPECT(WSSX_NULL_ARGUMENT, wssx_buf_copy(NULL, 3, &e));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_buf_copy(U8("x"), 1, NULL));
        EXPECT(WSSX_OK, wssx_buf_copy(NULL, 0, &e));
        CHECK(e.data != NULL && e.len == 0 && e.data[0] == 0);
        wssx_buf_free(&e);
        wssx_context_free(ctx);
    }

    wssx_requestor_free(req);
    wssx_service_free(svc);
    wssx_store_free(store);
}

/* ---- threads ---------------------------------------------------------------------------- */

typedef struct {
    const wssx_service *svc;
    const wssx_requestor *req;
    int iterations;
    int failures;
    int done;
} worker;

static void *work(void *arg) {
    worker *w = arg;
    for (int i = 0; i < w->iterations; i++) {
        request r;
        response resp;
        wssx_outcome kind = WSSX_OUTCOME_NONE;
        wssx_context *ctx = NULL, *none = NULL;
        bool valid = false;
        wssx_buf reason = {NULL, 0};
        memset(&r, 0, sizeof r);
        if (wssx_requestor_issue(w->req, &r.envelope, &r.action, &r.content_type, &r.pending) != WSSX_OK) {
            w->failures++;
            continue;
        }
        memset(&resp, 0, sizeof resp);
        wssx_service_handle(w->svc, r.envelope.data, r.envelope.len, &resp.envelope, &resp.is_fault, &resp.action,
                            &resp.content_type);
        if (finish(&r, &resp, &kind, &ctx, &valid, &reason) != WSSX_OK || kind != WSSX_OUTCOME_ISSUED) w->failures++;
        request_free(&r);
        response_free(&resp);
        if (ctx == NULL) continue;
        wssx_buf secured = {NULL, 0};
        wssx_verify_report *rep = NULL;
        if (wssx_context_protect(ctx, S(APP), WSSX_SIGN_AND_ENCRYPT, NULL, &secured) != WSSX_OK ||
            wssx_service_verify_message(w->svc, secured.data, secured.len, &rep) != WSSX_OK)
            w->failures++;
        wssx_verify_report_free(rep);
        wssx_buf_free(&secured);
        memset(&r, 0, sizeof r);
        if (wssx_requestor_cancel(w->req, ctx, &r.envelope, &r.action, &r.content_type, &r.pending) != WSSX_OK) {
            w->failures++;
        } else {
            memset(&resp, 0, sizeof resp);
            wssx_service_handle(w->svc, r.envelope.data, r.envelope.len, &resp.envelope, &resp.is_fault, &resp.action,
                                &resp.content_type);
            if (finish(&r, &resp, &kind, &none, &valid, &reason) != WSSX_OK || kind != WSSX_OUTCOME_CANCELLED)
                w->failures++;
            response_free(&resp);
        }
        request_free(&r);
        /* Cancelled at once, for this thread and every other. */
        if (use_raw(w->svc, ctx) != WSSX_BAD_CONTEXT_TOKEN) w->failures++;
        if (wssx_last_error()[0] == '\0') w->failures++;
        wssx_context_free(ctx);
        w->done++;
    }
    return NULL;
}

static void run_threads(wssx_store *store, wssx_trust_version tv, authz *az, int line) {
    enum { THREADS = 4, ITERATIONS = 4 };
    wssx_service *svc = NULL;
    expect_status(wssx_service_new(store, NULL, az ? authorize : NULL, az, &svc), WSSX_OK, line, "wssx_service_new");
    wssx_requestor *req = make_requestor(tv, WSSX_SOAP_12, WSSX_ENTROPY_COMBINED);
    pthread_t th[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){svc, req, ITERATIONS, 0, 0};
        check(pthread_create(&th[i], NULL, work, &w[i]) == 0, line, "pthread_create");
    }
    int failures = 0, done = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        failures += w[i].failures;
        done += w[i].done;
    }
    check(failures == 0, line, "no thread saw a failure");
    check(done == THREADS * ITERATIONS, line, "every iteration completed");
    wssx_requestor_free(req);
    wssx_service_free(svc);
}

static void test_threads(void) {
    wssx_store *mem = NULL;
    EXPECT(WSSX_OK, wssx_store_new_memory(1000, &mem));
    run_threads(mem, WSSX_TRUST_1_3, NULL, __LINE__);
    wssx_store_free(mem);

    ctable *t = malloc(sizeof *t);
    ctable_init(t);
    authz az;
    authz_init(&az);
    wssx_store *cb = NULL;
    EXPECT(WSSX_OK, wssx_store_new_callbacks(&CALLBACKS, t, &cb));
    run_threads(cb, WSSX_TRUST_FEB2005, &az, __LINE__);
    CHECK(t->violations == 0 && az.violations == 0);
    CHECK(az.calls[WSSX_OP_ISSUE] == 16 && az.calls[WSSX_OP_CANCEL] == 16);
    CHECK(t->inserts == 16 && t->cancels == 16 && t->n_cancelled == 16);
    wssx_store_free(cb);
    CHECK(t->releases == 1);
    ctable_destroy(t);
    free(t);
    pthread_mutex_destroy(&az.lock);
}

/* ---- X.509: key exchange token, encrypted entropy, direct key transfer ----------------------- */

/* A key transport fixture's bytes (malloc'd, NUL-terminated), or NULL (a failed check). */
static char *kt_fixture(const char *name, size_t *len) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", WSSX_KEYTRANSPORT_FIXTURES, name);
    FILE *f = fopen(path, "rb");
    *len = 0;
    if (f == NULL) {
        check(0, __LINE__, path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)n + 1);
    size_t got = fread(data, 1, (size_t)n, f);
    fclose(f);
    data[got] = 0;
    *len = got;
    return data;
}

/* Run one exchange: the outcome's status, kind, context and reason in the pointers. */
static wssx_status exchange(const wssx_service *svc, request *r, wssx_outcome *kind, wssx_context **ctx,
                            wssx_buf *reason, bool *fault) {
    bool valid = false;
    response resp = handle(svc, &r->envelope, __LINE__);
    *fault = resp.is_fault;
    wssx_status st = finish(r, &resp, kind, ctx, &valid, reason);
    response_free(&resp);
    request_free(r);
    return st;
}

/* Knows no context. */
static int no_lookup(void *user_data, const uint8_t *identifier, size_t identifier_len, const uint8_t *instance,
                     size_t instance_len, uint8_t *secret_out, size_t secret_cap, size_t *secret_len) {
    (void)user_data, (void)identifier, (void)identifier_len, (void)instance, (void)instance_len;
    (void)secret_out, (void)secret_cap, (void)secret_len;
    return WSSX_LOOKUP_UNKNOWN;
}

/* An ephemeral key for the fixture certificate (no context), decrypted with the identity in
   the verify options. */
static void ephemeral_key(const char *cert, size_t cert_len, const char *key, size_t key_len) {
    wssx_buf secured = {NULL, 0}, ek = {NULL, 0};
    wssx_verify_options v;
    wssx_verify_report *report = NULL;
    for (int sc = 0; sc < 2; sc++) {
        EXPECT(WSSX_OK, wssx_protect_for_recipient(S(APP), U8(cert), cert_len, sc, WSSX_SIGN_AND_ENCRYPT, NULL,
                                                   &secured, &ek));
        CHECK(ek.len == 32 && CONTAINS(secured, "EncryptedKey") && !CONTAINS(secured, "SecurityContextToken") &&
              !CONTAINS(secured, "<Ping"));
        EXPECT(WSSX_OK, wssx_verify_options_default(&v));
        CHECK(v.certificate == NULL && v.private_key == NULL);
        /* Without the identity the key cannot be read. */
        report = POISON(wssx_verify_report);
        EXPECT_FAILURE(wssx_verify(secured.data, secured.len, no_lookup, NULL, &v, &report));
        CHECK(report == NULL);
        v.certificate = U8(cert), v.certificate_len = cert_len;
        EXPECT(WSSX_INVALID_ARGUMENT, wssx_verify(secured.data, secured.len, no_lookup, NULL, &v, &report));
        v.private_key = U8(cert), v.private_key_len = cert_len;
        EXPECT(WSSX_INVALID_ARGUMENT, wssx_verify(secured.data, secured.len, no_lookup, NULL, &v, &report));
        v.private_key = U8(key), v.private_key_len = key_len;
        EXPECT(WSSX_OK, wssx_verify(secured.data, secured.len, no_lookup, NULL, &v, &report));
        if (report) {
            bool signed_ = false, decrypted = false;
            wssx_verify_report_body_signed(report, &signed_);
            wssx_verify_report_body_decrypted(report, &decrypted);
            CHECK(signed_ && decrypted);
            wssx_verify_report_free(report);
            report = NULL;
        }
        wssx_buf_free(&secured), wssx_buf_free(&ek);
        /* The key output is optional. */
        EXPECT(WSSX_OK, wssx_protect_for_recipient(S(APP), U8(cert), cert_len, sc, WSSX_SIGN, NULL, &secured, NULL));
        wssx_buf_free(&secured);
    }
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_protect_for_recipient(S(APP), S("nope"), WSSX_SC_1_3, WSSX_SIGN, NULL,
                                                             &secured, &ek));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_protect_for_recipient(S(APP), U8(cert), cert_len, 9, WSSX_SIGN, NULL,
                                                             &secured, &ek));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_protect_for_recipient(S(APP), NULL, 4, WSSX_SC_1_3, WSSX_SIGN, NULL, &secured,
                                                          &ek));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_protect_for_recipient(S(APP), U8(cert), cert_len, WSSX_SC_1_3, WSSX_SIGN, NULL,
                                                          NULL, &ek));
    EXPECT_FAILURE(wssx_protect_for_recipient(S("<a/>"), U8(cert), cert_len, WSSX_SC_1_3, WSSX_SIGN, NULL, &secured,
                                              &ek));
    CHECK(secured.data == NULL && ek.data == NULL);
}

static void test_x509(void) {
    size_t cert_len = 0, key_len = 0;
    char *cert = kt_fixture("recipient-cert.pem", &cert_len);
    char *key = kt_fixture("recipient-key.pem", &key_len);
    if (cert == NULL || key == NULL) {
        free(cert), free(key);
        return;
    }
    wssx_store *store = NULL, *store2 = NULL;
    wssx_service *plain = NULL, *svc = POISON(wssx_service);
    wssx_service_policy policy;
    wssx_outcome kind = WSSX_OUTCOME_NONE;
    wssx_context *ctx = NULL;
    wssx_buf reason = {NULL, 0}, der = {NULL, 0};
    bool fault = false;
    request r;
    EXPECT(WSSX_OK, wssx_store_new_memory(1000, &store));
    EXPECT(WSSX_OK, wssx_store_new_memory(1000, &store2));
    EXPECT(WSSX_OK, wssx_service_new(store, NULL, NULL, NULL, &plain));

    /* The identity in the policy: both or neither, and they must parse and match. */
    EXPECT(WSSX_OK, wssx_service_policy_default(&policy));
    CHECK(!policy.accept_unsolicited && policy.certificate == NULL && policy.private_key == NULL);
    policy.certificate = U8(cert), policy.certificate_len = cert_len;
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_service_new(store2, &policy, NULL, NULL, &svc));
    CHECK(svc == NULL);
    policy.private_key = U8("garbage"), policy.private_key_len = 7;
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_service_new(store2, &policy, NULL, NULL, &svc));
    policy.certificate = U8(key), policy.certificate_len = key_len;
    policy.private_key = U8(key), policy.private_key_len = key_len;
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_service_new(store2, &policy, NULL, NULL, &svc));
    policy.certificate = NULL, policy.certificate_len = 0;
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_service_new(store2, &policy, NULL, NULL, &svc));
    policy.certificate = U8(cert), policy.certificate_len = cert_len;
    policy.accept_unsolicited = true;
    EXPECT(WSSX_OK, wssx_service_new(store2, &policy, NULL, NULL, &svc));
    if (svc == NULL) goto out;

    /* The key exchange token: the service's certificate, DER in `reason`. */
    wssx_requestor *req = make_requestor(WSSX_TRUST_1_3, WSSX_SOAP_12, WSSX_ENTROPY_COMBINED);
    memset(&r, 0, sizeof r);
    EXPECT(WSSX_OK, wssx_requestor_key_exchange_token(req, &r.envelope, &r.action, &r.content_type, &r.pending));
    CHECK(CONTAINS(r.action, "/RST/KET") && CONTAINS(r.envelope, "/KET"));
    EXPECT(WSSX_OK, exchange(svc, &r, &kind, &ctx, &der, &fault));
    CHECK(!fault && kind == WSSX_OUTCOME_KEY_EXCHANGE_TOKEN && ctx == NULL && der.data != NULL && der.len > 100 &&
          der.data[0] == 0x30);
    /* A service without an identity has none. */
    memset(&r, 0, sizeof r);
    EXPECT(WSSX_OK, wssx_requestor_key_exchange_token(req, &r.envelope, &r.action, &r.content_type, &r.pending));
    EXPECT_FAILURE(exchange(plain, &r, &kind, &ctx, &reason, &fault));
    CHECK(fault && kind == WSSX_OUTCOME_NONE && reason.data == NULL);
    EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_key_exchange_token(NULL, &r.envelope, &r.action, &r.content_type,
                                                                 &r.pending));
    CHECK(r.pending == NULL && r.envelope.data == NULL);

    /* Requestor entropy encrypted for the service (WS-SC A.1), from the DER or the PEM. */
    for (int pem = 0; pem < 2; pem++) {
        wssx_requestor_config cfg;
        wssx_requestor *enc = NULL;
        EXPECT(WSSX_OK, wssx_requestor_config_default(WSSX_TRUST_1_3, &cfg));
        CHECK(cfg.service_certificate == NULL && cfg.service_certificate_len == 0);
        cfg.to = U8(STS), cfg.to_len = strlen(STS);
        cfg.service_certificate = pem ? U8(cert) : der.data;
        cfg.service_certificate_len = pem ? cert_len : der.len;
        EXPECT(WSSX_OK, wssx_requestor_new(&cfg, &enc));
        memset(&r, 0, sizeof r);
        EXPECT(WSSX_OK, wssx_requestor_issue(enc, &r.envelope, &r.action, &r.content_type, &r.pending));
        CHECK(CONTAINS(r.envelope, "EncryptedKey") && !CONTAINS(r.envelope, "/Nonce"));
        EXPECT(WSSX_OK, exchange(svc, &r, &kind, &ctx, &reason, &fault));
        CHECK(!fault && kind == WSSX_OUTCOME_ISSUED && ctx != NULL);
        if (ctx) EXPECT(WSSX_OK, use_ctx(svc, ctx, NULL, NULL, __LINE__));
        wssx_context_free(ctx);
        ctx = NULL;
        /* The service without a private key cannot read it. */
        memset(&r, 0, sizeof r);
        EXPECT(WSSX_OK, wssx_requestor_issue(enc, &r.envelope, &r.action, &r.content_type, &r.pending));
        EXPECT_FAILURE(exchange(plain, &r, &kind, &ctx, &reason, &fault));
        CHECK(fault && ctx == NULL);
        wssx_requestor_free(enc);
        /* Not a certificate. */
        cfg.service_certificate = U8(key), cfg.service_certificate_len = key_len;
        enc = POISON(wssx_requestor);
        EXPECT(WSSX_INVALID_ARGUMENT, wssx_requestor_new(&cfg, &enc));
        CHECK(enc == NULL);
    }

    /* Direct key transfer: a context from `plain` propagated to `svc`. */
    ctx = issue(req, plain, __LINE__);
    if (ctx != NULL) {
        wssx_buf rstr = {NULL, 0}, id = {NULL, 0}, want = {NULL, 0}, secured = {NULL, 0};
        wssx_sct *sct = NULL;
        EXPECT(WSSX_OK, wssx_context_propagate(ctx, U8(cert), cert_len, &rstr));
        CHECK(CONTAINS(rstr, "RequestSecurityTokenResponse") && CONTAINS(rstr, "EncryptedKey") &&
              CONTAINS(rstr, "SecurityContextToken"));
        EXPECT(WSSX_OK, wssx_context_propagate(ctx, der.data, der.len, &secured));
        wssx_buf_free(&secured);
        EXPECT(WSSX_INVALID_ARGUMENT, wssx_context_propagate(ctx, S("nope"), &secured));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_context_propagate(NULL, U8(cert), cert_len, &secured));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_context_propagate(ctx, U8(cert), cert_len, NULL));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_context_propagate(ctx, NULL, 5, &secured));
        CHECK(secured.data == NULL);

        const char *head = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>";
        const char *tail = "</s:Body></s:Envelope>";
        size_t n = strlen(head) + rstr.len + strlen(tail);
        char *env = malloc(n + 1);
        snprintf(env, n + 1, "%s%s%s", head, (const char *)rstr.data, tail);
        /* Unsigned: refused when a signature is required. */
        EXPECT_FAILURE(wssx_service_accept_unsolicited(svc, U8(env), n, true, &id));
        CHECK(id.data == NULL);
        /* A service whose policy does not accept them. */
        EXPECT(WSSX_UNSUPPORTED_CONTEXT_TOKEN, wssx_service_accept_unsolicited(plain, U8(env), n, false, &id));
        EXPECT(WSSX_OK, wssx_context_protect(ctx, U8(env), n, WSSX_SIGN, NULL, &secured));
        EXPECT(WSSX_OK, wssx_service_accept_unsolicited(svc, secured.data, secured.len, true, &id));
        EXPECT(WSSX_OK, wssx_context_sct(ctx, &sct));
        EXPECT(WSSX_OK, wssx_sct_identifier(sct, &want));
        CHECK(buf_eq(&id, &want));
        /* The recipient now verifies messages protected with the context. */
        EXPECT(WSSX_OK, use_ctx(svc, ctx, NULL, NULL, __LINE__));
        wssx_buf_free(&id);
        /* Twice: the Identifier is known. */
        EXPECT(WSSX_BAD_CONTEXT_TOKEN, wssx_service_accept_unsolicited(svc, secured.data, secured.len, true, &id));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_service_accept_unsolicited(NULL, secured.data, secured.len, true, &id));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_service_accept_unsolicited(svc, secured.data, secured.len, true, NULL));
        EXPECT(WSSX_NULL_ARGUMENT, wssx_service_accept_unsolicited(svc, NULL, 3, true, &id));
        EXPECT_FAILURE(wssx_service_accept_unsolicited(svc, S("<garbage"), false, &id));
        CHECK(id.data == NULL);
        free(env);
        wssx_buf_free(&secured), wssx_buf_free(&want), wssx_buf_free(&rstr);
        wssx_sct_free(sct);
        wssx_context_free(ctx);
    }
    wssx_buf_free(&der);
    wssx_requestor_free(req);
    wssx_service_free(svc);
    ephemeral_key(cert, cert_len, key, key_len);
out:
    wssx_service_free(plain);
    wssx_store_free(store);
    wssx_store_free(store2);
    free(cert), free(key);
}

void test_binding(void) {
    test_lifecycles();
    test_policies();
    test_callback_store();
    test_binding_garbage();
    test_x509();
    test_threads();
}
