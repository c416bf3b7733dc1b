/*
 * Binary negotiation (WS-Trust 8.4) with exchange handlers written in C: a toy protocol
 * over a pre-shared 32-byte secret. The requestor sends a 16-byte nonce A, the service
 * answers with a nonce B, and both take key = P_SHA1(psk, A || B) (32 bytes). In the
 * 3-leg variant the requestor then proves the key with a confirmation blob
 * P_SHA1(key, "confirm") (20 bytes) before the service issues.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

#define VT "urn:wssx:test:psk-nonce"
#define NSTS "https://sts.example/negotiate"

static const char APP_N[] = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>"
                            "<app xmlns=\"urn:app\">hello</app></s:Body></s:Envelope>";

static uint8_t PSK[32];

/* Failure injection. */
enum { FAIL_NONE, FAIL_FIRST, FAIL_SECOND, FAIL_BIG_KEY, FAIL_BAD_CONFIRM };

typedef struct {
    int is_service;
    int confirm;
    int fail;
    int steps;
    uint8_t a[16], b[16];
    uint8_t key[32];
    int have_key;
    int *frees; /* counts free calls */
} party;

/* P_SHA1(secret, seed) into out (len bytes). */
static int psha1(const uint8_t *secret, size_t secret_len, const uint8_t *seed, size_t seed_len, uint8_t *out,
                 size_t len) {
    wssx_buf b = {NULL, 0};
    if (wssx_p_sha1(secret, secret_len, seed, seed_len, 0, len, &b) != WSSX_OK || b.len != len) {
        wssx_buf_free(&b);
        return -1;
    }
    memcpy(out, b.data, len);
    wssx_buf_free(&b);
    return 0;
}

static int derive(party *p) {
    uint8_t seed[32];
    memcpy(seed, p->a, 16);
    memcpy(seed + 16, p->b, 16);
    if (psha1(PSK, sizeof PSK, seed, sizeof seed, p->key, 32) != 0) return -1;
    p->have_key = 1;
    return 0;
}

static int give_key(party *p, uint8_t *key_out, size_t key_cap, size_t *key_len) {
    if (key_cap < 32) return -1;
    if (p->fail == FAIL_BIG_KEY) {
        *key_len = key_cap + 1;
        return 0;
    }
    memcpy(key_out, p->key, 32);
    *key_len = 32;
    return 0;
}

static int client_step(void *user_data, const uint8_t *in, size_t in_len, wssx_buf *output, bool *complete,
                       uint8_t *key_out, size_t key_cap, size_t *key_len) {
    party *p = user_data;
    p->steps++;
    if (p->fail == FAIL_FIRST && p->steps == 1) return 5;
    if (p->fail == FAIL_SECOND && p->steps == 2) return 6;
    if (output->data != NULL || *complete || *key_len != 0) return 9; /* reset on entry */
    if (p->have_key) {
        *complete = true;
        return give_key(p, key_out, key_cap, key_len);
    }
    if (in == NULL) {
        if (in_len != 0 || p->steps != 1) return 10;
        for (int i = 0; i < 16; i++) p->a[i] = (uint8_t)(0xA0 + i);
        return wssx_buf_copy(p->a, 16, output) == WSSX_OK ? 0 : 11;
    }
    if (in_len != 16) return 12;
    memcpy(p->b, in, 16);
    if (derive(p) != 0) return 13;
    if (p->confirm) {
        uint8_t c[20];
        if (psha1(p->key, 32, U8("confirm"), 7, c, 20) != 0) return 14;
        if (p->fail == FAIL_BAD_CONFIRM) c[0] ^= 1;
        if (wssx_buf_copy(c, 20, output) != WSSX_OK) return 15;
    }
    *complete = true;
    return give_key(p, key_out, key_cap, key_len);
}

static int service_step(void *user_data, const uint8_t *in, size_t in_len, wssx_buf *output, bool *complete,
                        uint8_t *key_out, size_t key_cap, size_t *key_len) {
    party *p = user_data;
    p->steps++;
    if (p->fail == FAIL_FIRST && p->steps == 1) return 7;
    if (in == NULL) return 20;
    if (!p->have_key) {
        if (in_len != 16) return 21;
        memcpy(p->a, in, 16);
        for (int i = 0; i < 16; i++) p->b[i] = (uint8_t)(0xB0 + i);
        if (derive(p) != 0) return 22;
        if (wssx_buf_copy(p->b, 16, output) != WSSX_OK) return 23;
        if (p->confirm) return 0; /* wait for the confirmation */
        *complete = true;
        return give_key(p, key_out, key_cap, key_len);
    }
    uint8_t want[20];
    if (in_len != 20 || psha1(p->key, 32, U8("confirm"), 7, want, 20) != 0) return 24;
    if (memcmp(want, in, 20) != 0) return 25;
    *complete = true;
    return give_key(p, key_out, key_cap, key_len);
}

static void party_free(void *user_data) {
    party *p = user_data;
    (*p->frees)++;
    free(p);
}

static party *new_party(int is_service, int confirm, int fail, int *frees) {
    party *p = calloc(1, sizeof *p);
    p->is_service = is_service;
    p->confirm = confirm;
    p->fail = fail;
    p->frees = frees;
    return p;
}

static wssx_exchange_handler client_handler(int confirm, int fail, int *frees, const char *vt) {
    wssx_exchange_handler h;
    memset(&h, 0, sizeof h);
    h.value_type = U8(vt);
    h.value_type_len = strlen(vt);
    h.step = client_step;
    h.user_data = new_party(0, confirm, fail, frees);
    h.free = party_free;
    return h;
}

/* The service's negotiator: user data says the variant. */
typedef struct {
    int confirm;
    int fail;       /* handler failure injection */
    int negotiator; /* return value of the negotiator itself when not 0 */
    int calls;
    int frees;
} svc_conf;

static int negotiator(void *user_data, const uint8_t *vt, size_t len, wssx_exchange_handler *out) {
    svc_conf *c = user_data;
    c->calls++;
    if (vt == NULL || vt[len] != 0 || out == NULL || out->step != NULL || out->user_data != NULL) return 99;
    if (c->negotiator != 0) return c->negotiator;
    if (len != strlen(VT) || memcmp(vt, VT, len) != 0) return WSSX_NEGOTIATE_UNSUPPORTED;
    out->step = service_step;
    out->user_data = new_party(1, c->confirm, c->fail, &c->frees);
    out->free = party_free;
    return WSSX_NEGOTIATE_ACCEPT;
}

typedef struct {
    wssx_store *store;
    wssx_service *svc;
    svc_conf conf;
} nservice;

static void nservice_init(nservice *s, int confirm, int with_negotiator) {
    memset(s, 0, sizeof *s);
    s->conf.confirm = confirm;
    wssx_service_policy policy;
    EXPECT(WSSX_OK, wssx_service_policy_default(&policy));
    CHECK(policy.negotiator == NULL && policy.negotiator_user_data == NULL);
    if (with_negotiator) {
        policy.negotiator = negotiator;
        policy.negotiator_user_data = &s->conf;
    }
    EXPECT(WSSX_OK, wssx_store_new_memory(100, &s->store));
    EXPECT(WSSX_OK, wssx_service_new(s->store, &policy, NULL, NULL, &s->svc));
}

static void nservice_destroy(nservice *s) {
    wssx_service_free(s->svc);
    wssx_store_free(s->store);
}

static wssx_requestor *nrequestor(wssx_trust_version tv) {
    wssx_requestor_config cfg;
    wssx_requestor *req = NULL;
    EXPECT(WSSX_OK, wssx_requestor_config_default(tv, &cfg));
    cfg.to = U8(NSTS);
    cfg.to_len = strlen(NSTS);
    EXPECT(WSSX_OK, wssx_requestor_new(&cfg, &req));
    return req;
}

typedef struct {
    wssx_buf env, action, ct;
} outgoing;

static void outgoing_free(outgoing *o) {
    wssx_buf_free(&o->env);
    wssx_buf_free(&o->action);
    wssx_buf_free(&o->ct);
}

/* Send `o` to the service; the response envelope in *resp. */
static bool send_leg(const nservice *s, const outgoing *o, wssx_buf *resp) {
    wssx_buf action = {NULL, 0}, ct = {NULL, 0};
    bool fault = true;
    EXPECT(WSSX_OK, wssx_service_handle(s->svc, o->env.data, o->env.len, resp, &fault, &action, &ct));
    wssx_buf_free(&action);
    wssx_buf_free(&ct);
    return fault;
}

/* Run a whole negotiation; the final status, the number of legs, the context in *ctx.
   `tamper` flips a byte of the final CombinedHash. */
static wssx_status negotiate(const wssx_requestor *req, const nservice *s, wssx_exchange_handler h, int tamper,
                             int *legs, wssx_context **ctx) {
    outgoing o;
    memset(&o, 0, sizeof o);
    wssx_negotiation *n = POISON(wssx_negotiation);
    *legs = 0;
    *ctx = NULL;
    wssx_status st = wssx_requestor_negotiate(req, &h, &o.env, &o.action, &o.ct, &n);
    if (st != WSSX_OK) {
        CHECK(n == NULL && o.env.data == NULL);
        return st;
    }
    CHECK(CONTAINS(o.env, "BinaryExchange") && CONTAINS(o.env, VT) == (strcmp((const char *)h.value_type, VT) == 0));
    for (;;) {
        wssx_buf resp = {NULL, 0};
        (*legs)++;
        send_leg(s, &o, &resp);
        outgoing_free(&o);
        if (tamper) {
            char *p = strstr((char *)resp.data, "CombinedHash>");
            if (p != NULL) {
                p += strlen("CombinedHash>");
                *p = *p == 'A' ? 'B' : 'A';
            }
        }
        bool done = true;
        wssx_negotiation *next = POISON(wssx_negotiation);
        *ctx = POISON(wssx_context);
        st = wssx_negotiation_step(n, resp.data, resp.len, &done, ctx, &o.env, &o.action, &o.ct, &next);
        wssx_buf_free(&resp);
        if (st != WSSX_OK) {
            CHECK(!done && *ctx == NULL && next == NULL && o.env.data == NULL);
            return st;
        }
        if (done) {
            CHECK(*ctx != NULL && next == NULL && o.env.data == NULL && o.action.data == NULL && o.ct.data == NULL);
            return st;
        }
        CHECK(*ctx == NULL && next != NULL && o.env.data != NULL && o.ct.data != NULL);
        n = next;
        if (*legs > 5) {
            outgoing_free(&o);
            wssx_negotiation_free(n);
            return WSSX_PANIC;
        }
    }
}

/* The negotiated context protects a message the service accepts. */
static wssx_status use_nctx(const nservice *s, const wssx_context *ctx) {
    wssx_buf secured = {NULL, 0};
    wssx_verify_report *report = NULL;
    wssx_status st = wssx_context_protect(ctx, S(APP_N), WSSX_SIGN, NULL, &secured);
    if (st == WSSX_OK) st = wssx_service_verify_message(s->svc, secured.data, secured.len, &report);
    if (st == WSSX_OK) {
        bool signed_ = false;
        CHECK(wssx_verify_report_body_signed(report, &signed_) == WSSX_OK && signed_);
        wssx_verify_report_free(report);
    }
    wssx_buf_free(&secured);
    return st;
}

static void test_negotiation_legs(void) {
    wssx_trust_version tvs[] = {WSSX_TRUST_FEB2005, WSSX_TRUST_1_3};
    for (int v = 0; v < 2; v++) {
        wssx_requestor *req = nrequestor(tvs[v]);
        for (int confirm = 0; confirm < 2; confirm++) {
            nservice s;
            nservice_init(&s, confirm, 1);
            int frees = 0, legs = 0;
            wssx_context *ctx = NULL;
            EXPECT(WSSX_OK, negotiate(req, &s, client_handler(confirm, FAIL_NONE, &frees, VT), 0, &legs, &ctx));
            CHECK(legs == (confirm ? 2 : 1));
            CHECK(frees == 1);
            CHECK(s.conf.calls == 1 && s.conf.frees == 1);
            wssx_trust_version got = WSSX_TRUST_1_3;
            EXPECT(WSSX_OK, wssx_context_trust_version(ctx, &got));
            CHECK(got == tvs[v]);
            EXPECT(WSSX_OK, use_nctx(&s, ctx));
            wssx_context_free(ctx);
            nservice_destroy(&s);
        }
        wssx_requestor_free(req);
    }
}

static void test_negotiation_failures(void) {
    wssx_requestor *req = nrequestor(WSSX_TRUST_1_3);
    nservice s;
    nservice_init(&s, 0, 1);
    int frees = 0, legs = 0;
    wssx_context *ctx = NULL;

    /* A tampered Authenticator. */
    EXPECT(WSSX_FAILED_AUTHENTICATION, negotiate(req, &s, client_handler(0, FAIL_NONE, &frees, VT), 1, &legs, &ctx));
    CHECK(frees == 1);

    /* A value type the service does not negotiate. */
    EXPECT(WSSX_BAD_REQUEST, negotiate(req, &s, client_handler(0, FAIL_NONE, &frees, "urn:other"), 0, &legs, &ctx));
    CHECK(frees == 2);

    /* The requestor's handler fails: first step, then on the response. */
    EXPECT(WSSX_CALLBACK, negotiate(req, &s, client_handler(0, FAIL_FIRST, &frees, VT), 0, &legs, &ctx));
    CHECK(legs == 0 && frees == 3);
    EXPECT(WSSX_CALLBACK, negotiate(req, &s, client_handler(0, FAIL_SECOND, &frees, VT), 0, &legs, &ctx));
    CHECK(legs == 1 && frees == 4);
    EXPECT(WSSX_CALLBACK, negotiate(req, &s, client_handler(0, FAIL_BIG_KEY, &frees, VT), 0, &legs, &ctx));
    CHECK(frees == 5);

    /* The service's handler and negotiator fail: a fault. */
    s.conf.fail = FAIL_FIRST;
    EXPECT_FAILURE(negotiate(req, &s, client_handler(0, FAIL_NONE, &frees, VT), 0, &legs, &ctx));
    CHECK(frees == 6);
    s.conf.fail = FAIL_NONE;
    s.conf.negotiator = 42;
    EXPECT_FAILURE(negotiate(req, &s, client_handler(0, FAIL_NONE, &frees, VT), 0, &legs, &ctx));
    CHECK(frees == 7);
    s.conf.negotiator = 0;
    /* Every handler the service made was released. */
    CHECK(s.conf.frees == 4);
    nservice_destroy(&s);

    /* A wrong confirmation in the 3-leg variant. */
    nservice_init(&s, 1, 1);
    EXPECT_FAILURE(negotiate(req, &s, client_handler(1, FAIL_BAD_CONFIRM, &frees, VT), 0, &legs, &ctx));
    CHECK(legs == 2);
    nservice_destroy(&s);
    CHECK(frees == 8 && s.conf.frees == 1);

    /* A service without a negotiator. */
    nservice_init(&s, 0, 0);
    EXPECT(WSSX_BAD_REQUEST, negotiate(req, &s, client_handler(0, FAIL_NONE, &frees, VT), 0, &legs, &ctx));
    CHECK(frees == 9);
    nservice_destroy(&s);
    wssx_requestor_free(req);
}

static void test_negotiation_nulls(void) {
    wssx_requestor *req = nrequestor(WSSX_TRUST_FEB2005);
    int frees = 0;
    outgoing o;
    memset(&o, 0, sizeof o);
    wssx_negotiation *n = POISON(wssx_negotiation);
    wssx_exchange_handler h = client_handler(0, FAIL_NONE, &frees, VT);

    EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_negotiate(req, NULL, &o.env, &o.action, &o.ct, &n));
    CHECK(n == NULL && frees == 0);
    n = POISON(wssx_negotiation);
    EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_negotiate(NULL, &h, &o.env, &o.action, &o.ct, &n));
    CHECK(n == NULL && frees == 1); /* h's data is released on failure too */
    h = client_handler(0, FAIL_NONE, &frees, VT);
    EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_negotiate(req, &h, &o.env, &o.action, &o.ct, NULL));
    CHECK(frees == 2);
    h = client_handler(0, FAIL_NONE, &frees, VT);
    EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_negotiate(req, &h, NULL, &o.action, &o.ct, &n));
    CHECK(frees == 3);
    h = client_handler(0, FAIL_NONE, &frees, VT);
    h.step = NULL;
    EXPECT(WSSX_NULL_ARGUMENT, wssx_requestor_negotiate(req, &h, &o.env, &o.action, &o.ct, &n));
    CHECK(frees == 4 && n == NULL);
    h = client_handler(0, FAIL_NONE, &frees, VT);
    h.value_type_len = 0;
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_requestor_negotiate(req, &h, &o.env, &o.action, &o.ct, &n));
    CHECK(frees == 5);
    h = client_handler(0, FAIL_NONE, &frees, "\xff\xfe");
    EXPECT(WSSX_INVALID_UTF8, wssx_requestor_negotiate(req, &h, &o.env, &o.action, &o.ct, &n));
    CHECK(frees == 6);
    /* A handler without free. */
    h = client_handler(0, FAIL_NONE, &frees, VT);
    void *data = h.user_data;
    h.free = NULL;
    EXPECT(WSSX_OK, wssx_requestor_negotiate(req, &h, &o.env, &o.action, &o.ct, &n));
    wssx_negotiation_free(n);
    CHECK(frees == 6);
    free(data);
    outgoing_free(&o);

    /* Stepping: NULL negotiation, NULL outputs (the negotiation is consumed). */
    bool done = true;
    wssx_context *ctx = POISON(wssx_context);
    wssx_negotiation *next = POISON(wssx_negotiation);
    EXPECT(WSSX_NULL_ARGUMENT, wssx_negotiation_step(NULL, S("x"), &done, &ctx, &o.env, &o.action, &o.ct, &next));
    h = client_handler(0, FAIL_NONE, &frees, VT);
    EXPECT(WSSX_OK, wssx_requestor_negotiate(req, &h, &o.env, &o.action, &o.ct, &n));
    outgoing_free(&o);
    EXPECT(WSSX_NULL_ARGUMENT, wssx_negotiation_step(n, S("x"), NULL, &ctx, &o.env, &o.action, &o.ct, &next));
    CHECK(frees == 7);
    h = client_handler(0, FAIL_NONE, &frees, VT);
    EXPECT(WSSX_OK, wssx_requestor_negotiate(req, &h, &o.env, &o.action, &o.ct, &n));
    outgoing_free(&o);
    EXPECT(WSSX_NULL_ARGUMENT, wssx_negotiation_step(n, S("x"), &done, &ctx, &o.env, &o.action, &o.ct, NULL));
    CHECK(frees == 8 && !done && ctx == NULL);
    /* Garbage responses. */
    h = client_handler(0, FAIL_NONE, &frees, VT);
    EXPECT(WSSX_OK, wssx_requestor_negotiate(req, &h, &o.env, &o.action, &o.ct, &n));
    outgoing_free(&o);
    EXPECT_FAILURE(wssx_negotiation_step(n, S("<not xml"), &done, &ctx, &o.env, &o.action, &o.ct, &next));
    CHECK(frees == 9 && next == NULL);
    h = client_handler(0, FAIL_NONE, &frees, VT);
    EXPECT(WSSX_OK, wssx_requestor_negotiate(req, &h, &o.env, &o.action, &o.ct, &n));
    outgoing o2;
    memset(&o2, 0, sizeof o2);
    /* Its own request is no response. */
    EXPECT_FAILURE(wssx_negotiation_step(n, o.env.data, o.env.len, &done, &ctx, &o2.env, &o2.action, &o2.ct, &next));
    CHECK(frees == 10 && o2.env.data == NULL);
    outgoing_free(&o);
    wssx_negotiation_free(NULL);
    wssx_requestor_free(req);
}

void test_negotiate(void) {
    for (size_t i = 0; i < sizeof PSK; i++) PSK[i] = (uint8_t)(i * 7 + 1);
    test_negotiation_legs();
    test_negotiation_failures();
    test_negotiation_nulls();
}
