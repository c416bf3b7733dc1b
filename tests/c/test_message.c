/*
 * C API tests for message protection: wssx_protect, wssx_verify with a secret lookup
 * callback, the verify report, and wssx_c14n. Linked with harness.c and test_wssx.c (which
 * calls test_message() from main).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_S11 "http://schemas.xmlsoap.org/soap/envelope/"
#define NS_S12 "http://www.w3.org/2003/05/soap-envelope"
#define NS_WSA "http://www.w3.org/2005/08/addressing"

#define BODY_TEXT "hello &amp; goodbye"
#define BODY_XML "<m:Text>" BODY_TEXT "</m:Text>"

/* SOAP 1.1 with WS-Addressing headers. */
static const char ENV_11[] =
    "<s:Envelope xmlns:s=\"" NS_S11 "\"><s:Header>"
    "<wsa:Action xmlns:wsa=\"" NS_WSA "\">urn:ping</wsa:Action>"
    "<wsa:To xmlns:wsa=\"" NS_WSA "\">http://example.org/svc</wsa:To>"
    "</s:Header><s:Body><m:Ping xmlns:m=\"urn:ping\">" BODY_XML "</m:Ping></s:Body></s:Envelope>";

/* SOAP 1.2 without a Header (protect adds one). */
static const char ENV_12[] =
    "<env:Envelope xmlns:env=\"" NS_S12 "\"><env:Body><m:Ping xmlns:m=\"urn:ping\">" BODY_XML
    "</m:Ping></env:Body></env:Envelope>";

#define ID_A "urn:uuid:ctx-a"
#define ID_B "urn:uuid:ctx-b"
#define INSTANCE_B "urn:uuid:inst-b"

/* Two contexts: A (WS-SC 1.3, no Instance) and B (February 2005, with an Instance). */
static const uint8_t SECRET_A[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                     17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const char SECRET_B[] = "context-B-secret-context-B-secr!"; /* 32 bytes */

/* ---- secret lookup callbacks ---------------------------------------------------------- */

typedef struct {
    const char *identifier;
    const char *instance; /* NULL: any (or no) instance matches */
    const uint8_t *secret;
    size_t secret_len;
} ctx_entry;

typedef struct {
    const ctx_entry *entries;
    size_t n;
    int calls;
    int contract_violations; /* arguments that break the documented callback contract */
    const char *last_instance_seen; /* "" when the last call had no instance */
    char instance_buf[128];
} ctx_table;

/* What every callback checks about its arguments. */
static void check_lookup_args(ctx_table *t, const uint8_t *identifier, size_t identifier_len, const uint8_t *instance,
                              size_t instance_len, size_t secret_cap, const size_t *secret_len) {
    t->calls++;
    if (identifier == NULL || identifier[identifier_len] != 0 || strlen((const char *)identifier) != identifier_len)
        t->contract_violations++;
    if (instance == NULL ? instance_len != 0 : instance[instance_len] != 0) t->contract_violations++;
    if (secret_cap != WSSX_MAX_SECRET_LEN || secret_len == NULL || *secret_len != 0) t->contract_violations++;
    t->last_instance_seen = "";
    if (instance != NULL && instance_len < sizeof t->instance_buf) {
        memcpy(t->instance_buf, instance, instance_len + 1);
        t->last_instance_seen = t->instance_buf;
    }
}

/* A small context store: the secret of the entry matching identifier (and instance). */
static int table_lookup(void *user_data, const uint8_t *identifier, size_t identifier_len, const uint8_t *instance,
                        size_t instance_len, uint8_t *secret_out, size_t secret_cap, size_t *secret_len) {
    ctx_table *t = user_data;
    check_lookup_args(t, identifier, identifier_len, instance, instance_len, secret_cap, secret_len);
    for (size_t i = 0; i < t->n; i++) {
        const ctx_entry *e = &t->entries[i];
        if (strlen(e->identifier) != identifier_len || memcmp(e->identifier, identifier, identifier_len) != 0) continue;
        if (e->instance != NULL &&
            (instance == NULL || strlen(e->instance) != instance_len || memcmp(e->instance, instance, instance_len) != 0))
            continue;
        if (e->secret_len > secret_cap) return 2;
        memcpy(secret_out, e->secret, e->secret_len);
        *secret_len = e->secret_len;
        return WSSX_LOOKUP_FOUND;
    }
    return WSSX_LOOKUP_UNKNOWN;
}

static const ctx_entry GOOD[] = {
    {ID_A, NULL, SECRET_A, sizeof SECRET_A},
    {ID_B, INSTANCE_B, (const uint8_t *)SECRET_B, 32},
};
/* A's identifier with B's secret. */
static const ctx_entry SWAPPED[] = {{ID_A, NULL, (const uint8_t *)SECRET_B, 32}};
/* Knows only B. */
static const ctx_entry ONLY_B[] = {{ID_B, INSTANCE_B, (const uint8_t *)SECRET_B, 32}};
/* A, and B under any (or no) instance. */
static const ctx_entry ANY_B[] = {
    {ID_A, NULL, SECRET_A, sizeof SECRET_A},
    {ID_B, NULL, (const uint8_t *)SECRET_B, 32},
};

static ctx_table table_of(const ctx_entry *entries, size_t n) {
    ctx_table t;
    memset(&t, 0, sizeof t);
    t.entries = entries;
    t.n = n;
    t.last_instance_seen = "";
    return t;
}
#define TABLE(entries) table_of((entries), sizeof(entries) / sizeof(entries)[0])

/* Returns the int in *user_data. */
static int return_code_lookup(void *user_data, const uint8_t *identifier, size_t identifier_len,
                              const uint8_t *instance, size_t instance_len, uint8_t *secret_out, size_t secret_cap,
                              size_t *secret_len) {
    (void)identifier, (void)identifier_len, (void)instance, (void)instance_len, (void)secret_out, (void)secret_cap;
    (void)secret_len;
    return *(const int *)user_data;
}

/* Fills the whole buffer and claims *user_data bytes. */
static int overlong_lookup(void *user_data, const uint8_t *identifier, size_t identifier_len, const uint8_t *instance,
                           size_t instance_len, uint8_t *secret_out, size_t secret_cap, size_t *secret_len) {
    (void)identifier, (void)identifier_len, (void)instance, (void)instance_len;
    memset(secret_out, 0xAB, secret_cap);
    *secret_len = *(const size_t *)user_data;
    return WSSX_LOOKUP_FOUND;
}

/* Calls back into wssx (a failing call, then a successful one) before answering. */
static int reentrant_lookup(void *user_data, const uint8_t *identifier, size_t identifier_len,
                            const uint8_t *instance, size_t instance_len, uint8_t *secret_out, size_t secret_cap,
                            size_t *secret_len) {
    ctx_table *t = user_data;
    wssx_buf b = {NULL, 0};
    if (wssx_random(SIZE_MAX, &b) != WSSX_LIMIT_EXCEEDED || wssx_last_error()[0] == '\0') t->contract_violations++;
    if (wssx_random(4, &b) != WSSX_OK) t->contract_violations++;
    wssx_buf_free(&b);
    return table_lookup(user_data, identifier, identifier_len, instance, instance_len, secret_out, secret_cap,
                        secret_len);
}

/* ---- helpers -------------------------------------------------------------------------- */

static wssx_sct *sct_a;
static wssx_sct *sct_b;

static void make_contexts(void) {
    EXPECT(WSSX_OK, wssx_sct_new(WSSX_SC_1_3, S(ID_A), &sct_a));
    EXPECT(WSSX_OK, wssx_sct_new(WSSX_SC_FEB2005, S(ID_B), &sct_b));
    EXPECT(WSSX_OK, wssx_sct_set_instance(sct_b, S(INSTANCE_B)));
}

static const uint8_t *secret_of(const wssx_sct *sct) { return sct == sct_a ? SECRET_A : (const uint8_t *)SECRET_B; }

/* Protect `env` with `sct`, then verify it with `table`: both calls must succeed. Returns the
   report (NULL on failure); the secured envelope is left in *secured when not NULL. */
static wssx_verify_report *round_trip(const char *env, const wssx_sct *sct, wssx_protection what,
                                      const wssx_protect_options *opts, ctx_table *table, wssx_buf *secured,
                                      int line) {
    wssx_buf local = {NULL, 0};
    wssx_buf *out = secured ? secured : &local;
    wssx_verify_report *report = NULL;
    expect_status(wssx_protect(U8(env), strlen(env), sct, secret_of(sct), 32, what, opts, out), WSSX_OK, line,
                  "wssx_protect");
    if (out->data != NULL) {
        expect_status(wssx_verify(out->data, out->len, table_lookup, table, NULL, &report), WSSX_OK, line,
                      "wssx_verify");
    }
    check(table->contract_violations == 0, line, "lookup callback contract");
    wssx_buf_free(&local);
    return report;
}
#define ROUND_TRIP(env, sct, what, opts, table, secured) \
    round_trip((env), (sct), (what), (opts), (table), (secured), __LINE__)

/* Protect, then expect verify (with `table`) to fail with `want`. */
static void expect_verify_fails(const char *env, const wssx_sct *sct, wssx_protection what,
                                const wssx_protect_options *popts, const wssx_verify_options *vopts, ctx_table *table,
                                wssx_status want, int line) {
    wssx_buf secured = {NULL, 0};
    wssx_verify_report *report = POISON(wssx_verify_report);
    expect_status(wssx_protect(U8(env), strlen(env), sct, secret_of(sct), 32, what, popts, &secured), WSSX_OK, line,
                  "wssx_protect");
    expect_status(wssx_verify(secured.data, secured.len, table_lookup, table, vopts, &report), want, line,
                  "wssx_verify");
    check(report == NULL, line, "report reset on failure");
    wssx_buf_free(&secured);
}
#define EXPECT_VERIFY_FAILS(env, sct, what, popts, vopts, table, want) \
    expect_verify_fails((env), (sct), (what), (popts), (vopts), (table), (want), __LINE__)

/* Index of the signed (or decrypted) part named `label`, or -1; its context in the bufs. */
static long find_part(const wssx_verify_report *r, int decrypted, const char *label, wssx_buf *ctx_id,
                      wssx_buf *ctx_instance, bool *content) {
    size_t n = 0;
    if (decrypted) {
        EXPECT(WSSX_OK, wssx_verify_report_decrypted_count(r, &n));
    } else {
        EXPECT(WSSX_OK, wssx_verify_report_signed_count(r, &n));
    }
    for (size_t i = 0; i < n; i++) {
        wssx_buf part = {NULL, 0}, id = {NULL, 0};
        bool c = false;
        if (decrypted) {
            EXPECT(WSSX_OK, wssx_verify_report_decrypted_part(r, i, &part, &c, ctx_id, ctx_instance));
        } else {
            EXPECT(WSSX_OK, wssx_verify_report_signed_part(r, i, &part, &id, ctx_id, ctx_instance));
            CHECK(id.data != NULL && id.len > 0);
        }
        int match = part.data != NULL && strcmp((const char *)part.data, label) == 0;
        wssx_buf_free(&part);
        wssx_buf_free(&id);
        if (match) {
            if (content) *content = c;
            return (long)i;
        }
        wssx_buf_free(ctx_id);
        wssx_buf_free(ctx_instance);
    }
    return -1;
}

/* `label` was signed (decrypted) by the context `identifier` / `instance` (NULL: none). */
static void expect_part(const wssx_verify_report *r, int decrypted, const char *label, const char *identifier,
                        const char *instance, int line) {
    wssx_buf ctx_id = {NULL, 0}, ctx_instance = {NULL, 0};
    long i = r ? find_part(r, decrypted, label, &ctx_id, &ctx_instance, NULL) : -1;
    check(i >= 0, line, label);
    if (i >= 0) {
        check(ctx_id.data != NULL && strcmp((const char *)ctx_id.data, identifier) == 0, line, identifier);
        if (instance == NULL) {
            check(ctx_instance.data == NULL && ctx_instance.len == 0, line, "no context instance");
        } else {
            check(ctx_instance.data != NULL && strcmp((const char *)ctx_instance.data, instance) == 0, line, instance);
        }
    }
    wssx_buf_free(&ctx_id);
    wssx_buf_free(&ctx_instance);
}
#define EXPECT_SIGNED(r, label, identifier, instance) expect_part((r), 0, (label), (identifier), (instance), __LINE__)
#define EXPECT_DECRYPTED(r, label, identifier, instance) \
    expect_part((r), 1, (label), (identifier), (instance), __LINE__)

static void expect_body(const wssx_verify_report *r, bool want_signed, bool want_decrypted, int line) {
    bool s = !want_signed, d = !want_decrypted;
    wssx_buf env = {NULL, 0};
    check(r != NULL, line, "report");
    if (r == NULL) return;
    expect_status(wssx_verify_report_body_signed(r, &s), WSSX_OK, line, "wssx_verify_report_body_signed");
    expect_status(wssx_verify_report_body_decrypted(r, &d), WSSX_OK, line, "wssx_verify_report_body_decrypted");
    check(s == want_signed, line, want_signed ? "body signed" : "body not signed");
    check(d == want_decrypted, line, want_decrypted ? "body decrypted" : "body not decrypted");
    /* Whatever was done, the application reads the plaintext Body. */
    expect_status(wssx_verify_report_envelope(r, &env), WSSX_OK, line, "wssx_verify_report_envelope");
    check(CONTAINS(env, BODY_XML), line, "plaintext body in the envelope");
    wssx_buf_free(&env);
}
#define EXPECT_BODY(r, s, d) expect_body((r), (s), (d), __LINE__)

/* The first occurrence of `a` comes before the first occurrence of `b`. */
static int before(const wssx_buf *x, const char *a, const char *b) {
    const char *pa = x->data ? strstr((const char *)x->data, a) : NULL;
    const char *pb = x->data ? strstr((const char *)x->data, b) : NULL;
    return pa != NULL && pb != NULL && pa < pb;
}

/* A copy of `b` with the first `from` replaced by `to` (same length), or NULL. */
static char *replaced(const wssx_buf *b, const char *from, const char *to) {
    char *copy = malloc(b->len + 1);
    if (copy == NULL) return NULL;
    memcpy(copy, b->data, b->len + 1);
    char *at = strstr(copy, from);
    if (at == NULL || strlen(from) != strlen(to)) {
        free(copy);
        return NULL;
    }
    memcpy(at, to, strlen(to));
    return copy;
}

/* ---- tests ---------------------------------------------------------------------------- */

static void test_option_defaults(void) {
    wssx_protect_options p;
    wssx_verify_options v;
    memset(&p, 0x5A, sizeof p);
    memset(&v, 0x5A, sizeof v);
    EXPECT(WSSX_OK, wssx_protect_options_default(&p));
    CHECK(p.suite == WSSX_SUITE_BASIC256 && p.reference == WSSX_REF_BY_ID && p.order == WSSX_SIGN_THEN_ENCRYPT);
    CHECK(p.include_sct && p.reference_instance && p.derived_keys && !p.gcm && !p.has_offset);
    CHECK(p.label == NULL && p.label_len == 0 && p.nonce_len == WSSX_DEFAULT_NONCE_LEN);
    CHECK(p.signature_key_len == 0 && p.encryption_key_len == 0 && p.offset == 0 && p.timestamp_ttl_seconds == 300);
    CHECK(p.signed_headers == NULL && p.signed_headers_len == 0);
    CHECK(p.encrypted_headers == NULL && p.encrypted_headers_len == 0);
    EXPECT(WSSX_OK, wssx_verify_options_default(&v));
    CHECK(v.clock_skew_seconds == 300 && !v.require_timestamp && v.min_key_len == 16 && !v.has_now);
    CHECK(v.derive.max_offset == 4096 && v.derive.max_length == 1024 && v.derive.max_nonce == 128);
    CHECK(v.derive.label == NULL && v.derive.nonce == NULL && !v.derive.allow_key_identifier);
    CHECK(v.max_xml_depth == 128 && v.max_xml_size == (size_t)64 << 20 && v.max_xml_elements == 1000000);
    CHECK(v.max_xml_attributes == 256 && v.max_xml_text == (size_t)64 << 20);
    CHECK(WSSX_SIGN == 0 && WSSX_ENCRYPT == 1 && WSSX_SIGN_AND_ENCRYPT == 2);
    CHECK(WSSX_SUITE_BASIC128 == 0 && WSSX_SUITE_BASIC256 == 1 && WSSX_SUITE_BASIC256_SHA256 == 2);
    CHECK(WSSX_REF_BY_ID == 0 && WSSX_REF_BY_IDENTIFIER == 1);
    CHECK(WSSX_SIGN_THEN_ENCRYPT == 0 && WSSX_ENCRYPT_THEN_SIGN == 1);
    CHECK(WSSX_MAX_SECRET_LEN == 1024 && WSSX_LOOKUP_FOUND == 0 && WSSX_LOOKUP_UNKNOWN == 1);
}

static void test_sign(void) {
    ctx_table t = TABLE(GOOD);
    wssx_buf secured = {NULL, 0}, b = {NULL, 0};
    size_t n = 99;

    /* Context A, default options (WCF style). */
    wssx_verify_report *r = ROUND_TRIP(ENV_11, sct_a, WSSX_SIGN, NULL, &t, &secured);
    CHECK(CONTAINS(secured, "<wsc:SecurityContextToken") && CONTAINS(secured, NS_SC13));
    CHECK(CONTAINS(secured, "<wsc:DerivedKeyToken") && CONTAINS(secured, "<ds:Signature"));
    CHECK(CONTAINS(secured, "xmldsig#hmac-sha1") && CONTAINS(secured, "<wsu:Timestamp"));
    CHECK(CONTAINS(secured, BODY_XML)); /* signed, not encrypted */
    CHECK(!CONTAINS(secured, "EncryptedData"));
    CHECK(t.calls >= 1 && strcmp(t.last_instance_seen, "") == 0);
    EXPECT_BODY(r, true, false);
    EXPECT(WSSX_OK, wssx_verify_report_signed_count(r, &n));
    CHECK(n == 2); /* Timestamp and Body */
    EXPECT_SIGNED(r, "Body", ID_A, NULL);
    EXPECT_SIGNED(r, "Timestamp", ID_A, NULL);
    EXPECT(WSSX_OK, wssx_verify_report_decrypted_count(r, &n));
    CHECK(n == 0);

    bool present = false, has_created = false, has_expires = false;
    int64_t created = 0, expires = 0;
    EXPECT(WSSX_OK, wssx_verify_report_timestamp(r, &present, &created, &has_created, &expires, &has_expires));
    CHECK(present && has_created && has_expires && expires - created == 300000 && created > 1700000000000LL);

    EXPECT(WSSX_OK, wssx_verify_report_to_json(r, &b));
    CHECK(CONTAINS(b, "\"bodySigned\":true") && CONTAINS(b, "\"bodyDecrypted\":false"));
    CHECK(CONTAINS(b, "\"part\":\"Body\"") && CONTAINS(b, "\"identifier\":\"" ID_A "\""));
    wssx_buf_free(&b);

    /* Out of range */
    wssx_buf part = {POISON(uint8_t), 1}, id = {POISON(uint8_t), 1}, ci = {POISON(uint8_t), 1}, cn = {NULL, 0};
    bool content = true;
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_verify_report_signed_part(r, 2, &part, &id, &ci, &cn));
    CHECK(part.data == NULL && id.data == NULL && ci.data == NULL && cn.data == NULL);
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_verify_report_signed_part(r, SIZE_MAX, &part, &id, &ci, &cn));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_verify_report_decrypted_part(r, 0, &part, &content, &ci, &cn));
    CHECK(!content && part.data == NULL);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);

    /* Context B: February 2005 namespace, its Instance reaches the callback and the report. */
    t = TABLE(GOOD);
    r = ROUND_TRIP(ENV_11, sct_b, WSSX_SIGN, NULL, &t, &secured);
    CHECK(CONTAINS(secured, NS_SC05) && CONTAINS(secured, INSTANCE_B));
    CHECK(strcmp(t.last_instance_seen, INSTANCE_B) == 0);
    EXPECT_BODY(r, true, false);
    EXPECT_SIGNED(r, "Body", ID_B, INSTANCE_B);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);

    /* SOAP 1.2, no Header to start with. */
    t = TABLE(GOOD);
    r = ROUND_TRIP(ENV_12, sct_a, WSSX_SIGN, NULL, &t, &secured);
    CHECK(CONTAINS(secured, "<env:Header>") && CONTAINS(secured, "env:mustUnderstand=\"true\""));
    EXPECT_BODY(r, true, false);
    EXPECT_SIGNED(r, "Body", ID_A, NULL);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);
}

static void test_encrypt(void) {
    ctx_table t = TABLE(GOOD);
    wssx_buf secured = {NULL, 0}, part = {NULL, 0}, ci = {NULL, 0}, cn = {NULL, 0};
    size_t n = 0;
    bool content = false;

    wssx_verify_report *r = ROUND_TRIP(ENV_11, sct_a, WSSX_ENCRYPT, NULL, &t, &secured);
    CHECK(!CONTAINS(secured, "goodbye") && CONTAINS(secured, "<xenc:EncryptedData"));
    CHECK(CONTAINS(secured, "xmlenc#aes256-cbc") && !CONTAINS(secured, "<ds:Signature"));
    EXPECT_BODY(r, false, true);
    EXPECT(WSSX_OK, wssx_verify_report_decrypted_count(r, &n));
    CHECK(n == 1);
    EXPECT(WSSX_OK, wssx_verify_report_decrypted_part(r, 0, &part, &content, &ci, &cn));
    EXPECT_STR(&part, "Body");
    EXPECT_STR(&ci, ID_A);
    EXPECT_ABSENT(cn);
    CHECK(content);
    wssx_buf_free(&part);
    wssx_buf_free(&ci);
    EXPECT(WSSX_OK, wssx_verify_report_signed_count(r, &n));
    CHECK(n == 0);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);

    t = TABLE(GOOD);
    r = ROUND_TRIP(ENV_12, sct_b, WSSX_ENCRYPT, NULL, &t, &secured);
    CHECK(!CONTAINS(secured, "goodbye"));
    EXPECT_BODY(r, false, true);
    EXPECT_DECRYPTED(r, "Body", ID_B, INSTANCE_B);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);
}

static void test_sign_and_encrypt(void) {
    wssx_protect_options o;
    wssx_buf secured = {NULL, 0};
    ctx_table t = TABLE(GOOD);

    /* Sign then encrypt (default): the ReferenceList comes first, the receiver decrypts first. */
    wssx_verify_report *r = ROUND_TRIP(ENV_11, sct_a, WSSX_SIGN_AND_ENCRYPT, NULL, &t, &secured);
    CHECK(!CONTAINS(secured, "goodbye") && before(&secured, "<xenc:ReferenceList", "<ds:Signature"));
    EXPECT_BODY(r, true, true);
    EXPECT_SIGNED(r, "Body", ID_A, NULL);
    EXPECT_DECRYPTED(r, "Body", ID_A, NULL);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);

    /* Encrypt then sign */
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.order = WSSX_ENCRYPT_THEN_SIGN;
    t = TABLE(GOOD);
    r = ROUND_TRIP(ENV_11, sct_b, WSSX_SIGN_AND_ENCRYPT, &o, &t, &secured);
    CHECK(!CONTAINS(secured, "goodbye") && before(&secured, "<ds:Signature", "<xenc:ReferenceList"));
    EXPECT_BODY(r, true, true);
    EXPECT_SIGNED(r, "Body", ID_B, INSTANCE_B);
    EXPECT_DECRYPTED(r, "Body", ID_B, INSTANCE_B);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);
}

static void test_suites(void) {
    static const struct {
        wssx_suite suite;
        const char *mac, *digest, *cipher, *length;
    } suites[] = {
        {WSSX_SUITE_BASIC128, "xmldsig#hmac-sha1", "xmldsig#sha1", "xmlenc#aes128-cbc", "<wsc:Length>16</wsc:Length>"},
        {WSSX_SUITE_BASIC256, "xmldsig#hmac-sha1", "xmldsig#sha1", "xmlenc#aes256-cbc", "<wsc:Length>24</wsc:Length>"},
        {WSSX_SUITE_BASIC256_SHA256, "xmldsig-more#hmac-sha256", "xmlenc#sha256", "xmlenc#aes256-cbc",
         "<wsc:Length>24</wsc:Length>"},
    };
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
        wssx_protect_options o;
        wssx_buf secured = {NULL, 0}, json = {NULL, 0};
        ctx_table t = TABLE(GOOD);
        EXPECT(WSSX_OK, wssx_protect_options_default(&o));
        o.suite = suites[i].suite;
        wssx_verify_report *r = ROUND_TRIP(ENV_11, i % 2 ? sct_b : sct_a, WSSX_SIGN_AND_ENCRYPT, &o, &t, &secured);
        CHECK(CONTAINS(secured, suites[i].mac) && CONTAINS(secured, suites[i].digest));
        CHECK(CONTAINS(secured, suites[i].cipher) && CONTAINS(secured, suites[i].length));
        EXPECT_BODY(r, true, true);
        EXPECT_SIGNED(r, "Body", i % 2 ? ID_B : ID_A, i % 2 ? INSTANCE_B : NULL);
        EXPECT(WSSX_OK, wssx_verify_report_to_json(r, &json));
        CHECK(CONTAINS(json, suites[i].mac) && CONTAINS(json, suites[i].cipher));
        wssx_buf_free(&json);
        wssx_verify_report_free(r);
        wssx_buf_free(&secured);
    }
}

static void test_raw_key_and_references(void) {
    wssx_protect_options o;
    wssx_verify_options v;
    wssx_buf secured = {NULL, 0};
    ctx_table t = TABLE(GOOD);

    /* Raw key (gSOAP style): the context secret itself signs and encrypts. */
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.derived_keys = false;
    wssx_verify_report *r = ROUND_TRIP(ENV_11, sct_a, WSSX_SIGN_AND_ENCRYPT, &o, &t, &secured);
    CHECK(!CONTAINS(secured, "DerivedKeyToken") && CONTAINS(secured, "<wsc:SecurityContextToken"));
    CHECK(!CONTAINS(secured, "goodbye"));
    EXPECT_BODY(r, true, true);
    EXPECT_SIGNED(r, "Body", ID_A, NULL);
    EXPECT_DECRYPTED(r, "Body", ID_A, NULL);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);

    /* Context secrets under 16 bytes are refused when protecting... */
    wssx_verify_report *bad = POISON(wssx_verify_report);
    t = TABLE(GOOD);
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_protect(S(ENV_11), sct_a, S("8-bytes!"), WSSX_SIGN, &o, &secured));
    CHECK(strstr(wssx_last_error(), "too short") != NULL && secured.data == NULL);
    /* ... and receivers refuse signature keys under min_key_len (16): an 8-byte derived key. */
    wssx_protect_options o8;
    EXPECT(WSSX_OK, wssx_protect_options_default(&o8));
    o8.signature_key_len = 8;
    EXPECT(WSSX_OK, wssx_protect(S(ENV_11), sct_a, SECRET_A, sizeof SECRET_A, WSSX_SIGN, &o8, &secured));
    EXPECT(WSSX_INVALID_SIGNATURE, wssx_verify(secured.data, secured.len, table_lookup, &t, NULL, &bad));
    CHECK(strstr(wssx_last_error(), "shorter than the 16 bytes") != NULL);
    CHECK(bad == NULL);
    EXPECT(WSSX_OK, wssx_verify_options_default(&v));
    v.min_key_len = 8;
    EXPECT(WSSX_OK, wssx_verify(secured.data, secured.len, table_lookup, &t, &v, &r));
    EXPECT_SIGNED(r, "Body", ID_A, NULL);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);
    /* ... and no AES variant takes an 8-byte key. */
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_protect(S(ENV_11), sct_a, S("8-bytes!"), WSSX_ENCRYPT, &o, &secured));
    CHECK(secured.data == NULL);

    /* By identifier, without the SCT in the message (an established context). */
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.reference = WSSX_REF_BY_IDENTIFIER;
    o.include_sct = false;
    t = TABLE(GOOD);
    r = ROUND_TRIP(ENV_11, sct_a, WSSX_SIGN_AND_ENCRYPT, &o, &t, &secured);
    CHECK(!CONTAINS(secured, "<wsc:SecurityContextToken") && CONTAINS(secured, "URI=\"" ID_A "\""));
    EXPECT_BODY(r, true, true);
    EXPECT_SIGNED(r, "Body", ID_A, NULL);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);
    /* The reference carries B's Instance... */
    t = TABLE(GOOD);
    r = ROUND_TRIP(ENV_11, sct_b, WSSX_SIGN, &o, &t, &secured);
    CHECK(strcmp(t.last_instance_seen, INSTANCE_B) == 0);
    EXPECT_SIGNED(r, "Body", ID_B, INSTANCE_B);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);
    /* ... unless told not to: then the store cannot find B's key instance. */
    o.reference_instance = false;
    t = TABLE(GOOD);
    EXPECT_VERIFY_FAILS(ENV_11, sct_b, WSSX_SIGN, &o, NULL, &t, WSSX_BAD_CONTEXT_TOKEN);
    CHECK(t.calls >= 1 && strcmp(t.last_instance_seen, "") == 0);
    /* Raw key by identifier */
    o.reference_instance = true;
    o.derived_keys = false;
    t = TABLE(GOOD);
    r = ROUND_TRIP(ENV_11, sct_b, WSSX_SIGN_AND_ENCRYPT, &o, &t, &secured);
    CHECK(!CONTAINS(secured, "DerivedKeyToken") && !CONTAINS(secured, "<c:SecurityContextToken"));
    EXPECT_BODY(r, true, true);
    EXPECT_DECRYPTED(r, "Body", ID_B, INSTANCE_B);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);

    /* By wsu:Id needs the SCT in the message. */
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.include_sct = false;
    secured.data = POISON(uint8_t);
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, &o, &secured));
    CHECK(secured.data == NULL && secured.len == 0);
    /* An SCT with a wsu:Id keeps it. */
    wssx_sct *with_id = NULL;
    EXPECT(WSSX_OK, wssx_sct_new(WSSX_SC_1_3, S(ID_A), &with_id));
    EXPECT(WSSX_OK, wssx_sct_set_id(with_id, S("my-sct")));
    EXPECT(WSSX_OK, wssx_protect(S(ENV_11), with_id, SECRET_A, 32, WSSX_SIGN, NULL, &secured));
    CHECK(CONTAINS(secured, "wsu:Id=\"my-sct\"") && CONTAINS(secured, "URI=\"#my-sct\""));
    t = TABLE(GOOD);
    EXPECT(WSSX_OK, wssx_verify(secured.data, secured.len, table_lookup, &t, NULL, &r));
    EXPECT_SIGNED(r, "Body", ID_A, NULL);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);
    wssx_sct_free(with_id);
}

static void test_protect_options(void) {
    wssx_protect_options o;
    wssx_buf secured = {NULL, 0};
    ctx_table t;
    wssx_verify_report *r;

    /* Label, Offset, nonce length */
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.label = U8("custom-label");
    o.label_len = strlen("custom-label");
    o.offset = 64;
    o.has_offset = true;
    o.nonce_len = 32;
    t = TABLE(GOOD);
    r = ROUND_TRIP(ENV_11, sct_a, WSSX_SIGN_AND_ENCRYPT, &o, &t, &secured);
    CHECK(CONTAINS(secured, "<wsc:Label>custom-label</wsc:Label>") && CONTAINS(secured, "<wsc:Offset>64</wsc:Offset>"));
    CHECK(CONTAINS(secured, "<wsc:Length>32</wsc:Length>")); /* written with an Offset */
    EXPECT_BODY(r, true, true);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);

    /* Key lengths: a 16-byte encryption key picks AES-128 under Basic256. */
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.signature_key_len = 32;
    o.encryption_key_len = 16;
    t = TABLE(GOOD);
    r = ROUND_TRIP(ENV_11, sct_b, WSSX_SIGN_AND_ENCRYPT, &o, &t, &secured);
    CHECK(CONTAINS(secured, "xmlenc#aes128-cbc") && CONTAINS(secured, "<wsc:Length>16</wsc:Length>"));
    EXPECT_BODY(r, true, true);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);
    o.encryption_key_len = 20;
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_ENCRYPT, &o, &secured));
    o.encryption_key_len = 0;
    o.signature_key_len = 2000;
    EXPECT(WSSX_LIMIT_EXCEEDED, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, &o, &secured));
    o.signature_key_len = 0;
    o.nonce_len = 129; /* beyond the derivation limit (128) */
    EXPECT(WSSX_LIMIT_EXCEEDED, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, &o, &secured));
    o.nonce_len = SIZE_MAX;
    EXPECT(WSSX_LIMIT_EXCEEDED, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, &o, &secured));
    o.nonce_len = WSSX_DEFAULT_NONCE_LEN;
    o.offset = 1u << 20;
    o.has_offset = true;
    EXPECT(WSSX_LIMIT_EXCEEDED, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, &o, &secured));
    CHECK(secured.data == NULL);

    /* GCM */
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.gcm = true;
    t = TABLE(GOOD);
    r = ROUND_TRIP(ENV_11, sct_a, WSSX_SIGN_AND_ENCRYPT, &o, &t, &secured);
    CHECK(CONTAINS(secured, "xmlenc11#aes256-gcm"));
    EXPECT_BODY(r, true, true);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);

    /* No Timestamp */
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.timestamp_ttl_seconds = 0;
    t = TABLE(GOOD);
    r = ROUND_TRIP(ENV_11, sct_a, WSSX_SIGN, &o, &t, &secured);
    CHECK(!CONTAINS(secured, "Timestamp"));
    EXPECT_BODY(r, true, false);
    bool present = true, has_created = true, has_expires = true;
    int64_t created = 1, expires = 1;
    EXPECT(WSSX_OK, wssx_verify_report_timestamp(r, &present, &created, &has_created, &expires, &has_expires));
    CHECK(!present && !has_created && !has_expires && created == 0 && expires == 0);
    size_t n = 0;
    EXPECT(WSSX_OK, wssx_verify_report_signed_count(r, &n));
    CHECK(n == 1);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);
    wssx_verify_options v;
    EXPECT(WSSX_OK, wssx_verify_options_default(&v));
    v.require_timestamp = true;
    t = TABLE(GOOD);
    EXPECT_VERIFY_FAILS(ENV_11, sct_a, WSSX_SIGN, &o, &v, &t, WSSX_INVALID_SECURITY_TOKEN);

    /* Signed and encrypted headers */
    const wssx_qname to[] = {{U8(NS_WSA), strlen(NS_WSA), U8("To"), 2}, {U8("urn:absent"), 10, U8("X"), 1}};
    const wssx_qname action[] = {{U8(NS_WSA), strlen(NS_WSA), U8("Action"), 6}};
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.signed_headers = to;
    o.signed_headers_len = 2;
    o.encrypted_headers = action;
    o.encrypted_headers_len = 1;
    t = TABLE(GOOD);
    r = ROUND_TRIP(ENV_11, sct_b, WSSX_SIGN_AND_ENCRYPT, &o, &t, &secured);
    CHECK(CONTAINS(secured, "EncryptedHeader") && !CONTAINS(secured, ">urn:ping</wsa:Action>"));
    EXPECT_BODY(r, true, true);
    EXPECT_SIGNED(r, "Header {" NS_WSA "}To", ID_B, INSTANCE_B);
    wssx_buf ci = {NULL, 0}, cn = {NULL, 0}, env = {NULL, 0};
    bool content = true;
    CHECK(find_part(r, 1, "Header {" NS_WSA "}Action", &ci, &cn, &content) >= 0);
    CHECK(!content); /* the whole header element was encrypted */
    EXPECT_STR(&ci, ID_B);
    EXPECT_STR(&cn, INSTANCE_B);
    wssx_buf_free(&ci);
    wssx_buf_free(&cn);
    EXPECT(WSSX_OK, wssx_verify_report_envelope(r, &env));
    CHECK(CONTAINS(env, ">urn:ping</wsa:Action>") && !CONTAINS(env, "EncryptedHeader"));
    wssx_buf_free(&env);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);
    /* Only signed: the header stays readable. */
    o.encrypted_headers = NULL;
    o.encrypted_headers_len = 0;
    t = TABLE(GOOD);
    r = ROUND_TRIP(ENV_11, sct_a, WSSX_SIGN, &o, &t, &secured);
    EXPECT_SIGNED(r, "Header {" NS_WSA "}To", ID_A, NULL);
    EXPECT_BODY(r, true, false);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);
}

static void test_verify_options(void) {
    wssx_verify_options v;
    wssx_buf secured = {NULL, 0};
    wssx_verify_report *r = NULL;
    ctx_table t = TABLE(GOOD);
    bool present = false, has_created = false, has_expires = false;
    int64_t created = 0, expires = 0;

    EXPECT(WSSX_OK, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN_AND_ENCRYPT, NULL, &secured));
    EXPECT(WSSX_OK, wssx_verify(secured.data, secured.len, table_lookup, &t, NULL, &r));
    EXPECT(WSSX_OK, wssx_verify_report_timestamp(r, &present, &created, &has_created, &expires, &has_expires));
    CHECK(present && has_created && has_expires);
    wssx_verify_report_free(r);

    /* A fixed clock: inside the window, after it (with and without skew), before it. */
    EXPECT(WSSX_OK, wssx_verify_options_default(&v));
    v.has_now = true;
    v.now_unix_ms = created + 1000;
    EXPECT(WSSX_OK, wssx_verify(secured.data, secured.len, table_lookup, &t, &v, &r));
    wssx_verify_report_free(r);
    v.now_unix_ms = expires + 100000; /* 100 s late, 300 s skew */
    EXPECT(WSSX_OK, wssx_verify(secured.data, secured.len, table_lookup, &t, &v, &r));
    wssx_verify_report_free(r);
    v.clock_skew_seconds = 0;
    EXPECT(WSSX_EXPIRED_DATA, wssx_verify(secured.data, secured.len, table_lookup, &t, &v, &r));
    v.now_unix_ms = 946684800000LL; /* 2000-01-01: Created is in the future */
    EXPECT(WSSX_INVALID_TIME_RANGE, wssx_verify(secured.data, secured.len, table_lookup, &t, &v, &r));
    v.has_now = false; /* the system clock again */
    EXPECT(WSSX_OK, wssx_verify(secured.data, secured.len, table_lookup, &t, &v, &r));
    wssx_verify_report_free(r);

    /* Key and derivation limits */
    EXPECT(WSSX_OK, wssx_verify_options_default(&v));
    v.min_key_len = 64;
    EXPECT(WSSX_CRYPTO, wssx_verify(secured.data, secured.len, table_lookup, &t, &v, &r));
    EXPECT(WSSX_OK, wssx_verify_options_default(&v));
    v.derive.max_nonce = 8;
    EXPECT(WSSX_LIMIT_EXCEEDED, wssx_verify(secured.data, secured.len, table_lookup, &t, &v, &r));
    EXPECT(WSSX_OK, wssx_verify_options_default(&v));
    v.derive.max_length = 16;
    EXPECT(WSSX_LIMIT_EXCEEDED, wssx_verify(secured.data, secured.len, table_lookup, &t, &v, &r));

    /* XML limits */
    EXPECT(WSSX_OK, wssx_verify_options_default(&v));
    v.max_xml_depth = 3;
    EXPECT(WSSX_LIMIT_EXCEEDED, wssx_verify(secured.data, secured.len, table_lookup, &t, &v, &r));
    EXPECT(WSSX_OK, wssx_verify_options_default(&v));
    v.max_xml_size = 100;
    EXPECT(WSSX_LIMIT_EXCEEDED, wssx_verify(secured.data, secured.len, table_lookup, &t, &v, &r));
    EXPECT(WSSX_OK, wssx_verify_options_default(&v));
    v.max_xml_attributes = 1;
    EXPECT(WSSX_LIMIT_EXCEEDED, wssx_verify(secured.data, secured.len, table_lookup, &t, &v, &r));

    /* Bad derivation options */
    EXPECT(WSSX_OK, wssx_verify_options_default(&v));
    v.derive.label_len = 3;
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify(secured.data, secured.len, table_lookup, &t, &v, &r));
    v.derive.label = U8("\xff\xfe\xfd");
    EXPECT(WSSX_INVALID_UTF8, wssx_verify(secured.data, secured.len, table_lookup, &t, &v, &r));
    CHECK(r == NULL);
    CHECK(t.contract_violations == 0);
    wssx_buf_free(&secured);
}

static void test_verify_failures(void) {
    wssx_buf secured = {NULL, 0};
    wssx_verify_report *r = POISON(wssx_verify_report);
    ctx_table t;
    wssx_protect_options o;

    /* Wrong secret from the store */
    t = TABLE(SWAPPED);
    EXPECT_VERIFY_FAILS(ENV_11, sct_a, WSSX_SIGN, NULL, NULL, &t, WSSX_INVALID_SIGNATURE);
    CHECK(t.calls >= 1);
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.derived_keys = false;
    t = TABLE(SWAPPED);
    EXPECT_VERIFY_FAILS(ENV_11, sct_a, WSSX_SIGN, &o, NULL, &t, WSSX_INVALID_SIGNATURE);
    o.derived_keys = true;
    o.gcm = true; /* authenticated: a wrong key is always a crypto failure */
    t = TABLE(SWAPPED);
    EXPECT_VERIFY_FAILS(ENV_11, sct_a, WSSX_ENCRYPT, &o, NULL, &t, WSSX_CRYPTO);
    /* With CBC a wrong key fails on the padding or on the garbage plaintext. */
    EXPECT(WSSX_OK, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_ENCRYPT, NULL, &secured));
    t = TABLE(SWAPPED);
    EXPECT_FAILURE(wssx_verify(secured.data, secured.len, table_lookup, &t, NULL, &r));
    CHECK(r == NULL);
    wssx_buf_free(&secured);

    /* Unknown context: the callback returns 1 */
    t = TABLE(ONLY_B);
    EXPECT_VERIFY_FAILS(ENV_11, sct_a, WSSX_SIGN, NULL, NULL, &t, WSSX_BAD_CONTEXT_TOKEN);
    int rc = WSSX_LOOKUP_UNKNOWN;
    EXPECT(WSSX_OK, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN_AND_ENCRYPT, NULL, &secured));
    EXPECT(WSSX_BAD_CONTEXT_TOKEN, wssx_verify(secured.data, secured.len, return_code_lookup, &rc, NULL, &r));
    CHECK(strstr(wssx_last_error(), ID_A) != NULL);
    /* The callback fails */
    rc = 7;
    EXPECT(WSSX_CALLBACK, wssx_verify(secured.data, secured.len, return_code_lookup, &rc, NULL, &r));
    CHECK(strstr(wssx_last_error(), "return code 7") != NULL && strstr(wssx_last_error(), ID_A) != NULL);
    rc = -1;
    EXPECT(WSSX_CALLBACK, wssx_verify(secured.data, secured.len, return_code_lookup, &rc, NULL, &r));
    CHECK(strstr(wssx_last_error(), "return code -1") != NULL);
    /* The callback claims more than the buffer holds */
    size_t claim = WSSX_MAX_SECRET_LEN + 1;
    EXPECT(WSSX_CALLBACK, wssx_verify(secured.data, secured.len, overlong_lookup, &claim, NULL, &r));
    CHECK(strstr(wssx_last_error(), "1025") != NULL);
    claim = SIZE_MAX;
    EXPECT(WSSX_CALLBACK, wssx_verify(secured.data, secured.len, overlong_lookup, &claim, NULL, &r));
    /* Exactly the capacity is accepted (and is the wrong key here). */
    claim = WSSX_MAX_SECRET_LEN;
    EXPECT_FAILURE(wssx_verify(secured.data, secured.len, overlong_lookup, &claim, NULL, &r));
    CHECK(r == NULL);
    /* An empty secret is a wrong key. */
    claim = 0;
    EXPECT_FAILURE(wssx_verify(secured.data, secured.len, overlong_lookup, &claim, NULL, &r));
    CHECK(r == NULL);
    /* A callback may call wssx itself. */
    t = TABLE(GOOD);
    EXPECT(WSSX_OK, wssx_verify(secured.data, secured.len, reentrant_lookup, &t, NULL, &r));
    CHECK(t.calls >= 2 && t.contract_violations == 0);
    EXPECT_BODY(r, true, true);
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);

    /* Tampering */
    EXPECT(WSSX_OK, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, NULL, &secured));
    char *bad = replaced(&secured, "goodbye", "goodbyf");
    CHECK(bad != NULL);
    t = TABLE(GOOD);
    r = POISON(wssx_verify_report);
    if (bad) EXPECT(WSSX_INVALID_SIGNATURE, wssx_verify(U8(bad), strlen(bad), table_lookup, &t, NULL, &r));
    CHECK(r == NULL);
    free(bad);
    bad = replaced(&secured, "<wsu:Expires>20", "<wsu:Expires>21"); /* a later expiry */
    CHECK(bad != NULL);
    if (bad) EXPECT(WSSX_INVALID_SIGNATURE, wssx_verify(U8(bad), strlen(bad), table_lookup, &t, NULL, &r));
    free(bad);
    bad = replaced(&secured, "<ds:SignatureValue>", "<ds:SignatureValue>A"); /* lengths differ: NULL */
    CHECK(bad == NULL);
    /* The signature claimed by another known context does not verify. */
    bad = replaced(&secured, ID_A, ID_B);
    CHECK(bad != NULL);
    t = TABLE(ANY_B);
    if (bad) EXPECT(WSSX_INVALID_SIGNATURE, wssx_verify(U8(bad), strlen(bad), table_lookup, &t, NULL, &r));
    free(bad);
    wssx_buf_free(&secured);
    /* Encrypted then signed: tampering with the ciphertext breaks the signature first. */
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.order = WSSX_ENCRYPT_THEN_SIGN;
    EXPECT(WSSX_OK, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN_AND_ENCRYPT, &o, &secured));
    const char *cv = strstr((const char *)secured.data, "<xenc:CipherValue>");
    CHECK(cv != NULL);
    if (cv) {
        char *copy = malloc(secured.len + 1);
        if (copy) {
            memcpy(copy, secured.data, secured.len + 1);
            size_t at = (size_t)(cv - (const char *)secured.data) + strlen("<xenc:CipherValue>") + 4;
            copy[at] = copy[at] == 'A' ? 'B' : 'A';
            EXPECT(WSSX_INVALID_SIGNATURE, wssx_verify(U8(copy), secured.len, table_lookup, &t, NULL, &r));
            free(copy);
        }
    }
    wssx_buf_free(&secured);

    /* A plain envelope has nothing to verify. */
    EXPECT(WSSX_INVALID_SECURITY_TOKEN, wssx_verify(S(ENV_11), table_lookup, &t, NULL, &r));
    CHECK(r == NULL && t.contract_violations == 0);
}

static void test_message_null_arguments(void) {
    wssx_protect_options o;
    wssx_verify_options v;
    wssx_buf b = {NULL, 0}, b2 = {NULL, 0}, b3 = {NULL, 0}, b4 = {NULL, 0}, secured = {NULL, 0};
    wssx_verify_report *r = NULL;
    ctx_table t = TABLE(GOOD);
    bool flag = false;
    size_t n = 0;
    int64_t ms = 0;

    EXPECT(WSSX_NULL_ARGUMENT, wssx_protect_options_default(NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_options_default(NULL));

    EXPECT(WSSX_NULL_ARGUMENT, wssx_protect(NULL, 5, sct_a, SECRET_A, 32, WSSX_SIGN, NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_protect(S(ENV_11), NULL, SECRET_A, 32, WSSX_SIGN, NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_protect(S(ENV_11), sct_a, NULL, 32, WSSX_SIGN, NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, NULL, NULL));
    EXPECT(WSSX_MALFORMED_XML, wssx_protect(NULL, 0, sct_a, SECRET_A, 32, WSSX_SIGN, NULL, &b));
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.label_len = 3;
    EXPECT(WSSX_NULL_ARGUMENT, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, &o, &b));
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.signed_headers_len = 1;
    EXPECT(WSSX_NULL_ARGUMENT, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, &o, &b));
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.encrypted_headers_len = 2;
    EXPECT(WSSX_NULL_ARGUMENT, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, &o, &b));
    const wssx_qname no_ns[] = {{NULL, 3, U8("To"), 2}};
    const wssx_qname no_local[] = {{U8(NS_WSA), strlen(NS_WSA), NULL, 2}};
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.signed_headers = no_ns;
    o.signed_headers_len = 1;
    EXPECT(WSSX_NULL_ARGUMENT, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, &o, &b));
    o.signed_headers = no_local;
    EXPECT(WSSX_NULL_ARGUMENT, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, &o, &b));
    CHECK(b.data == NULL);

    EXPECT(WSSX_OK, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, NULL, &secured));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify(NULL, 5, table_lookup, &t, NULL, &r));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify(secured.data, secured.len, NULL, &t, NULL, &r));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify(secured.data, secured.len, table_lookup, &t, NULL, NULL));
    EXPECT(WSSX_MALFORMED_XML, wssx_verify(NULL, 0, table_lookup, &t, NULL, &r));
    EXPECT(WSSX_OK, wssx_verify_options_default(&v));
    v.derive.nonce_len = 4;
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify(secured.data, secured.len, table_lookup, &t, &v, &r));
    CHECK(r == NULL);
    /* user_data is only passed through: NULL is fine for a callback that ignores it. */
    int rc = 1;
    EXPECT(WSSX_BAD_CONTEXT_TOKEN, wssx_verify(secured.data, secured.len, return_code_lookup, &rc, NULL, &r));

    EXPECT(WSSX_OK, wssx_verify(secured.data, secured.len, table_lookup, &t, NULL, &r));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_body_signed(NULL, &flag));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_body_signed(r, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_body_decrypted(NULL, &flag));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_body_decrypted(r, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_signed_count(NULL, &n));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_signed_count(r, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_decrypted_count(NULL, &n));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_decrypted_count(r, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_signed_part(NULL, 0, &b, &b2, &b3, &b4));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_signed_part(r, 0, NULL, &b2, &b3, &b4));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_signed_part(r, 0, &b, NULL, &b3, &b4));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_signed_part(r, 0, &b, &b2, NULL, &b4));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_signed_part(r, 0, &b, &b2, &b3, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_decrypted_part(NULL, 0, &b, &flag, &b3, &b4));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_decrypted_part(r, 0, NULL, &flag, &b3, &b4));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_decrypted_part(r, 0, &b, NULL, &b3, &b4));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_decrypted_part(r, 0, &b, &flag, NULL, &b4));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_decrypted_part(r, 0, &b, &flag, &b3, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_timestamp(NULL, &flag, &ms, &flag, &ms, &flag));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_timestamp(r, NULL, &ms, &flag, &ms, &flag));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_timestamp(r, &flag, NULL, &flag, &ms, &flag));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_timestamp(r, &flag, &ms, NULL, &ms, &flag));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_timestamp(r, &flag, &ms, &flag, NULL, &flag));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_timestamp(r, &flag, &ms, &flag, &ms, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_envelope(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_envelope(r, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_to_json(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_verify_report_to_json(r, NULL));
    CHECK(b.data == NULL && b2.data == NULL && b3.data == NULL && b4.data == NULL);
    /* The report is intact after all that. */
    EXPECT_BODY(r, true, false);
    wssx_verify_report_free(r);
    wssx_verify_report_free(NULL);
    wssx_buf_free(&secured);

    EXPECT(WSSX_NULL_ARGUMENT, wssx_c14n(NULL, 4, NULL, 0, false, NULL, 0, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_c14n(S("<a/>"), NULL, 0, false, NULL, 0, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_c14n(S("<a/>"), NULL, 2, false, NULL, 0, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_c14n(S("<a/>"), NULL, 0, false, NULL, 2, &b));
    EXPECT(WSSX_MALFORMED_XML, wssx_c14n(NULL, 0, NULL, 0, false, NULL, 0, &b));
    CHECK(b.data == NULL);
}

static void test_message_bad_values(void) {
    wssx_protect_options o;
    wssx_buf b = {NULL, 0};
    static const char bad_utf8[] = "l\xc3\x28";

    EXPECT(WSSX_INVALID_ARGUMENT, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, (wssx_protection)3, NULL, &b));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, (wssx_protection)-1, NULL, &b));
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.suite = (wssx_suite)3;
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, &o, &b));
    CHECK(strstr(wssx_last_error(), "opts.suite") != NULL);
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.reference = (wssx_token_reference)2;
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, &o, &b));
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.order = (wssx_protection_order)-7;
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, &o, &b));
    /* A length no buffer can have */
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_protect(U8(ENV_11), SIZE_MAX, sct_a, SECRET_A, 32, WSSX_SIGN, NULL, &b));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_protect(S(ENV_11), sct_a, SECRET_A, SIZE_MAX, WSSX_SIGN, NULL, &b));
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.signed_headers = (const wssx_qname *)SECRET_A;
    o.signed_headers_len = SIZE_MAX;
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, &o, &b));

    /* UTF-8 */
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.label = U8(bad_utf8);
    o.label_len = strlen(bad_utf8);
    EXPECT(WSSX_INVALID_UTF8, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, &o, &b));
    const wssx_qname bad_name[] = {{U8(NS_WSA), strlen(NS_WSA), U8(bad_utf8), strlen(bad_utf8)}};
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.encrypted_headers = bad_name;
    o.encrypted_headers_len = 1;
    EXPECT(WSSX_INVALID_UTF8, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_ENCRYPT, &o, &b));
    EXPECT(WSSX_INVALID_UTF8, wssx_c14n(S("<a Id=\"x\"/>"), S(bad_utf8), false, NULL, 0, &b));
    EXPECT(WSSX_INVALID_UTF8, wssx_c14n(S("<a/>"), NULL, 0, false, S(bad_utf8), &b));
    CHECK(b.data == NULL);

    /* A label beyond the derivation limits */
    char big[200];
    memset(big, 'L', sizeof big);
    EXPECT(WSSX_OK, wssx_protect_options_default(&o));
    o.label = U8(big);
    o.label_len = sizeof big;
    EXPECT(WSSX_LIMIT_EXCEEDED, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, &o, &b));
    CHECK(b.data == NULL);
}

/* protect, verify and c14n all refuse `xml` with `want` (any clean failure when OK). */
static void expect_message_refused(const uint8_t *xml, size_t len, wssx_status want, int line) {
    wssx_buf b = {POISON(uint8_t), 3}, c = {POISON(uint8_t), 3};
    wssx_verify_report *r = POISON(wssx_verify_report);
    ctx_table t = TABLE(GOOD);
    wssx_status s1 = wssx_protect(xml, len, sct_a, SECRET_A, 32, WSSX_SIGN_AND_ENCRYPT, NULL, &b);
    if (want == WSSX_OK) {
        expect_failure(s1, line, "wssx_protect(garbage)");
        expect_failure(wssx_verify(xml, len, table_lookup, &t, NULL, &r), line, "wssx_verify(garbage)");
    } else {
        expect_status(s1, want, line, "wssx_protect");
        expect_status(wssx_verify(xml, len, table_lookup, &t, NULL, &r), want, line, "wssx_verify");
    }
    check(b.data == NULL && b.len == 0 && r == NULL && t.calls == 0, line, "outputs reset, no lookup");
    /* c14n needs only XML, so it fails for less (want is about the envelope). */
    if (wssx_c14n(xml, len, NULL, 0, false, NULL, 0, &c) == WSSX_OK) {
        check(c.data != NULL, line, "c14n output");
    } else {
        check(c.data == NULL && c.len == 0 && wssx_last_error()[0] != '\0', line, "c14n clean failure");
    }
    wssx_buf_free(&b);
    wssx_buf_free(&c);
    wssx_verify_report_free(r);
}
#define EXPECT_MESSAGE_REFUSED(xml, len, want) expect_message_refused((xml), (len), (want), __LINE__)

static void test_message_garbage(void) {
    uint8_t junk[512];
    for (int round = 0; round < 100; round++) {
        size_t len = rng() % sizeof junk;
        for (size_t i = 0; i < len; i++) junk[i] = (uint8_t)rng();
        if (len > 0 && round % 2) junk[0] = '<';
        EXPECT_MESSAGE_REFUSED(junk, len, WSSX_OK);
    }

    /* Every proper prefix of a secured envelope is malformed. */
    wssx_buf secured = {NULL, 0};
    EXPECT(WSSX_OK, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN_AND_ENCRYPT, NULL, &secured));
    for (size_t cut = 0; secured.data && cut < secured.len; cut += 97) {
        EXPECT_MESSAGE_REFUSED(secured.data, cut, WSSX_MALFORMED_XML);
    }
    if (secured.data) EXPECT_MESSAGE_REFUSED(secured.data, secured.len - 1, WSSX_MALFORMED_XML);
    wssx_buf_free(&secured);

    /* DTDs */
    static const char dtd[] = "<!DOCTYPE s:Envelope [<!ENTITY x \"goodbye\">]>"
                              "<s:Envelope xmlns:s=\"" NS_S11 "\"><s:Body><m:P xmlns:m=\"urn:p\">&x;</m:P></s:Body>"
                              "</s:Envelope>";
    EXPECT_MESSAGE_REFUSED(U8(dtd), strlen(dtd), WSSX_MALFORMED_XML);
    wssx_buf c = {NULL, 0};
    EXPECT(WSSX_MALFORMED_XML, wssx_c14n(S(dtd), NULL, 0, false, NULL, 0, &c));
    static const char xxe[] = "<!DOCTYPE s:Envelope [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                              "<s:Envelope xmlns:s=\"" NS_S11 "\"><s:Body>&e;</s:Body></s:Envelope>";
    EXPECT_MESSAGE_REFUSED(U8(xxe), strlen(xxe), WSSX_MALFORMED_XML);

    /* XML, but not a SOAP envelope */
    EXPECT_MESSAGE_REFUSED(U8("<a/>"), 4, WSSX_INVALID_REQUEST);
    static const char two_bodies[] = "<s:Envelope xmlns:s=\"" NS_S11 "\"><s:Body/><s:Body/></s:Envelope>";
    EXPECT_MESSAGE_REFUSED(U8(two_bodies), strlen(two_bodies), WSSX_INVALID_REQUEST);
    static const char no_body[] = "<s:Envelope xmlns:s=\"" NS_S12 "\"><s:Header/></s:Envelope>";
    EXPECT_MESSAGE_REFUSED(U8(no_body), strlen(no_body), WSSX_INVALID_REQUEST);

    /* 500-deep Body */
    size_t cap = 200 + 500 * 9, len = 0;
    char *deep = malloc(cap);
    CHECK(deep != NULL);
    if (deep) {
        len += (size_t)sprintf(deep, "<s:Envelope xmlns:s=\"%s\"><s:Body>", NS_S11);
        for (int i = 0; i < 500; i++) len += (size_t)sprintf(deep + len, "<a>");
        for (int i = 0; i < 500; i++) len += (size_t)sprintf(deep + len, "</a>");
        len += (size_t)sprintf(deep + len, "</s:Body></s:Envelope>");
        EXPECT_MESSAGE_REFUSED(U8(deep), len, WSSX_LIMIT_EXCEEDED);
        free(deep);
    }

    /* A Security header whose tokens are junk */
    static const char junk_sct[] =
        "<s:Envelope xmlns:s=\"" NS_S11 "\"><s:Header><wsse:Security xmlns:wsse=\"" NS_WSSE "\">"
        "<wsc:SecurityContextToken xmlns:wsc=\"" NS_SC13 "\"/></wsse:Security></s:Header><s:Body/></s:Envelope>";
    wssx_verify_report *r = POISON(wssx_verify_report);
    ctx_table t = TABLE(GOOD);
    EXPECT(WSSX_BAD_CONTEXT_TOKEN, wssx_verify(S(junk_sct), table_lookup, &t, NULL, &r));
    static const char junk_sig[] =
        "<s:Envelope xmlns:s=\"" NS_S11 "\"><s:Header><wsse:Security xmlns:wsse=\"" NS_WSSE "\">"
        "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/></wsse:Security></s:Header><s:Body/>"
        "</s:Envelope>";
    EXPECT_FAILURE(wssx_verify(S(junk_sig), table_lookup, &t, NULL, &r));
    CHECK(r == NULL && t.calls == 0);
}

/*
 * wssx_c14n against canonical forms computed at development time with libxml2's xmllint
 * (20914): `xmllint --exc-c14n FILE`, which keeps comments, on
 *   - C14N_DOC itself (EXC_WITH_COMMENTS);
 *   - C14N_DOC with its two comments deleted (EXC_NO_COMMENTS);
 *   - the e:Part element on its own, with the declarations it inherits for e and w
 *     (<e:Part xmlns:e="urn:e" xmlns:w="NS_WSU" w:Id="p1" xmlns:x="urn:x">...), and its
 *     comment deleted (EXC_PART): the exclusive form of a subtree only carries the
 *     namespaces the subtree visibly uses.
 * xmllint cannot apply an InclusiveNamespaces PrefixList; EXC_PART_U is EXC_PART with
 * xmlns:u (in scope from e:Doc, named in the list "u") added to the apex, in prefix order.
 */
static const char C14N_DOC[] =
    "<?xml version=\"1.0\"?>\n"
    "<!-- before -->\n"
    "<e:Doc xmlns:e=\"urn:e\" xmlns:u=\"urn:unused\" xmlns:w=\"" NS_WSU "\" b='2' a=\"1 &amp; &lt;\">\n"
    "  <e:Part w:Id=\"p1\" xmlns:x=\"urn:x\"><x:Item   z=\"&quot;q&quot;\"/><!-- note --><e:Empty/>"
    "text &gt; here</e:Part>\n"
    "</e:Doc>\n";
static const char EXC_WITH_COMMENTS[] =
    "<!-- before -->\n"
    "<e:Doc xmlns:e=\"urn:e\" a=\"1 &amp; &lt;\" b=\"2\">\n"
    "  <e:Part xmlns:w=\"" NS_WSU "\" w:Id=\"p1\"><x:Item xmlns:x=\"urn:x\" z=\"&quot;q&quot;\"></x:Item>"
    "<!-- note --><e:Empty></e:Empty>text &gt; here</e:Part>\n"
    "</e:Doc>";
static const char EXC_NO_COMMENTS[] =
    "<e:Doc xmlns:e=\"urn:e\" a=\"1 &amp; &lt;\" b=\"2\">\n"
    "  <e:Part xmlns:w=\"" NS_WSU "\" w:Id=\"p1\"><x:Item xmlns:x=\"urn:x\" z=\"&quot;q&quot;\"></x:Item>"
    "<e:Empty></e:Empty>text &gt; here</e:Part>\n"
    "</e:Doc>";
static const char EXC_PART[] =
    "<e:Part xmlns:e=\"urn:e\" xmlns:w=\"" NS_WSU "\" w:Id=\"p1\"><x:Item xmlns:x=\"urn:x\" z=\"&quot;q&quot;\">"
    "</x:Item><e:Empty></e:Empty>text &gt; here</e:Part>";
static const char EXC_PART_U[] =
    "<e:Part xmlns:e=\"urn:e\" xmlns:u=\"urn:unused\" xmlns:w=\"" NS_WSU "\" w:Id=\"p1\">"
    "<x:Item xmlns:x=\"urn:x\" z=\"&quot;q&quot;\"></x:Item><e:Empty></e:Empty>text &gt; here</e:Part>";

static void test_c14n(void) {
    wssx_buf b = {NULL, 0};

    EXPECT(WSSX_OK, wssx_c14n(S(C14N_DOC), NULL, 0, true, NULL, 0, &b));
    EXPECT_STR(&b, EXC_WITH_COMMENTS);
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_c14n(S(C14N_DOC), NULL, 0, false, NULL, 0, &b));
    EXPECT_STR(&b, EXC_NO_COMMENTS);
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_c14n(S(C14N_DOC), S("p1"), false, NULL, 0, &b));
    EXPECT_STR(&b, EXC_PART);
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_c14n(S(C14N_DOC), S("p1"), false, S("u"), &b));
    EXPECT_STR(&b, EXC_PART_U);
    wssx_buf_free(&b);
    /* Separators are any ASCII whitespace; unknown prefixes change nothing. */
    EXPECT(WSSX_OK, wssx_c14n(S(C14N_DOC), S("p1"), false, S("  nope\tu \n"), &b));
    EXPECT_STR(&b, EXC_PART_U);
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_c14n(S(C14N_DOC), S("p1"), false, U8(""), 0, &b)); /* empty list */
    EXPECT_STR(&b, EXC_PART);
    wssx_buf_free(&b);

    EXPECT(WSSX_INVALID_ARGUMENT, wssx_c14n(S(C14N_DOC), S("p2"), false, NULL, 0, &b));
    CHECK(strstr(wssx_last_error(), "p2") != NULL);
    EXPECT(WSSX_INVALID_SIGNATURE, wssx_c14n(S("<a><b Id=\"d\"/><c Id=\"d\"/></a>"), S("d"), false, NULL, 0, &b));
    EXPECT(WSSX_MALFORMED_XML, wssx_c14n(S("<a><b></a>"), NULL, 0, false, NULL, 0, &b));
    CHECK(b.data == NULL);

    /* The Body of a signed message canonicalizes the way its signature digested it: its
       c14n is stable and carries the wsu:Id the signature references. */
    wssx_buf secured = {NULL, 0}, id = {NULL, 0}, part = {NULL, 0}, ci = {NULL, 0}, cn = {NULL, 0};
    wssx_verify_report *r = NULL;
    ctx_table t = TABLE(GOOD);
    EXPECT(WSSX_OK, wssx_protect(S(ENV_11), sct_a, SECRET_A, 32, WSSX_SIGN, NULL, &secured));
    EXPECT(WSSX_OK, wssx_verify(secured.data, secured.len, table_lookup, &t, NULL, &r));
    size_t n = 0;
    EXPECT(WSSX_OK, wssx_verify_report_signed_count(r, &n));
    for (size_t i = 0; i < n; i++) {
        EXPECT(WSSX_OK, wssx_verify_report_signed_part(r, i, &part, &id, &ci, &cn));
        if (strcmp((const char *)part.data, "Body") == 0) {
            EXPECT(WSSX_OK, wssx_c14n(secured.data, secured.len, id.data, id.len, false, NULL, 0, &b));
            CHECK(CONTAINS(b, "<s:Body xmlns:s=\"" NS_S11 "\"") && CONTAINS(b, (const char *)id.data));
            CHECK(CONTAINS(b, "<m:Text>hello &amp; goodbye</m:Text></m:Ping></s:Body>"));
            wssx_buf_free(&b);
        }
        wssx_buf_free(&part);
        wssx_buf_free(&id);
        wssx_buf_free(&ci);
        wssx_buf_free(&cn);
    }
    wssx_verify_report_free(r);
    wssx_buf_free(&secured);
}

void test_message(void) {
    make_contexts();
    test_option_defaults();
    test_sign();
    test_encrypt();
    test_sign_and_encrypt();
    test_suites();
    test_raw_key_and_references();
    test_protect_options();
    test_verify_options();
    test_verify_failures();
    test_message_null_arguments();
    test_message_bad_values();
    test_message_garbage();
    test_c14n();
    wssx_sct_free(sct_a);
    wssx_sct_free(sct_b);
}
