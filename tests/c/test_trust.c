/*
 * C API tests for the WS-Trust message model: wssx_rst, wssx_rstr, wssx_rstrc, wssx_envelope,
 * wssx_fault and wssx_trust_inspect. Parses the fixtures of core/tests/fixtures/trust (their
 * directory is WSSX_TRUST_FIXTURES, defined by run.sh), round-trips and converts them, builds
 * messages from scratch, and feeds NULLs and garbage to every function.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef WSSX_TRUST_FIXTURES
#error "compile with -DWSSX_TRUST_FIXTURES=\"<repo>/core/tests/fixtures/trust\""
#endif

#define TRUST05 "http://schemas.xmlsoap.org/ws/2005/02/trust"
#define TRUST13 "http://docs.oasis-open.org/ws-sx/ws-trust/200512"
#define NS_WSA05 "http://www.w3.org/2005/08/addressing"
#define NS_WSA04 "http://schemas.xmlsoap.org/ws/2004/08/addressing"

/* A fixture's bytes (malloc'd, NUL-terminated), or NULL (a failed check) when unreadable. */
static char *fixture(const char *rel, size_t *len) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", WSSX_TRUST_FIXTURES, rel);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        check(0, __LINE__, path);
        *len = 0;
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

static int bufs_equal(const wssx_buf *a, const wssx_buf *b) {
    return a->data != NULL && b->data != NULL && a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

static const wssx_trust_version OTHER_VERSION[] = {WSSX_TRUST_1_3, WSSX_TRUST_FEB2005, WSSX_TRUST_FEB2005};

/* ---- round trips ------------------------------------------------------------------------ */

/* Parse an RST fixture in version `want`, write it back and re-parse (a fixed point),
   convert it to another version and back (the same document), and compare its JSON with
   wssx_trust_inspect of the written form. Returns the parsed handle (caller frees). */
static wssx_rst *rst_round_trip(const char *rel, wssx_trust_version want, int line) {
    size_t len;
    char *xml = fixture(rel, &len);
    wssx_rst *rst = POISON(wssx_rst), *again = NULL, *other = NULL, *back = NULL;
    wssx_trust_version v = (wssx_trust_version)99;
    wssx_buf out = {NULL, 0}, out2 = {NULL, 0}, out3 = {NULL, 0}, json = {NULL, 0}, inspected = {NULL, 0};
    expect_status(wssx_rst_parse(U8(xml), len, &rst), WSSX_OK, line, rel);
    free(xml);
    if (rst == NULL) return NULL;
    expect_status(wssx_rst_version(rst, &v), WSSX_OK, line, "wssx_rst_version");
    check(v == want, line, "version read");
    expect_status(wssx_rst_to_xml(rst, v, &out), WSSX_OK, line, "wssx_rst_to_xml");
    expect_status(wssx_rst_parse(out.data, out.len, &again), WSSX_OK, line, "re-parse");
    expect_status(wssx_rst_to_xml(again, v, &out2), WSSX_OK, line, "wssx_rst_to_xml again");
    check(bufs_equal(&out, &out2), line, "write, parse, write is a fixed point");
    expect_status(wssx_rst_convert(rst, OTHER_VERSION[v], &other), WSSX_OK, line, "wssx_rst_convert");
    expect_status(wssx_rst_convert(other, v, &back), WSSX_OK, line, "wssx_rst_convert back");
    expect_status(wssx_rst_to_xml(back, v, &out3), WSSX_OK, line, "wssx_rst_to_xml back");
    check(bufs_equal(&out, &out3), line, "conversion there and back changes nothing");
    expect_status(wssx_rst_to_json(rst, &json), WSSX_OK, line, "wssx_rst_to_json");
    expect_status(wssx_trust_inspect(out.data, out.len, &inspected), WSSX_OK, line, "wssx_trust_inspect");
    check(bufs_equal(&json, &inspected), line, "inspect describes the handle");
    wssx_buf_free(&out), wssx_buf_free(&out2), wssx_buf_free(&out3), wssx_buf_free(&json);
    wssx_buf_free(&inspected);
    wssx_rst_free(again), wssx_rst_free(other), wssx_rst_free(back);
    return rst;
}
#define RST_ROUND_TRIP(rel, want) rst_round_trip((rel), (want), __LINE__)

static wssx_rstr *rstr_round_trip(const char *rel, wssx_trust_version want, int line) {
    size_t len;
    char *xml = fixture(rel, &len);
    wssx_rstr *rstr = POISON(wssx_rstr), *again = NULL, *other = NULL, *back = NULL;
    wssx_trust_version v = (wssx_trust_version)99;
    wssx_buf out = {NULL, 0}, out2 = {NULL, 0}, out3 = {NULL, 0}, json = {NULL, 0}, inspected = {NULL, 0};
    expect_status(wssx_rstr_parse(U8(xml), len, &rstr), WSSX_OK, line, rel);
    free(xml);
    if (rstr == NULL) return NULL;
    expect_status(wssx_rstr_version(rstr, &v), WSSX_OK, line, "wssx_rstr_version");
    check(v == want, line, "version read");
    expect_status(wssx_rstr_to_xml(rstr, v, &out), WSSX_OK, line, "wssx_rstr_to_xml");
    expect_status(wssx_rstr_parse(out.data, out.len, &again), WSSX_OK, line, "re-parse");
    expect_status(wssx_rstr_to_xml(again, v, &out2), WSSX_OK, line, "wssx_rstr_to_xml again");
    check(bufs_equal(&out, &out2), line, "write, parse, write is a fixed point");
    expect_status(wssx_rstr_convert(rstr, OTHER_VERSION[v], &other), WSSX_OK, line, "wssx_rstr_convert");
    expect_status(wssx_rstr_convert(other, v, &back), WSSX_OK, line, "wssx_rstr_convert back");
    expect_status(wssx_rstr_to_xml(back, v, &out3), WSSX_OK, line, "wssx_rstr_to_xml back");
    check(bufs_equal(&out, &out3), line, "conversion there and back changes nothing");
    expect_status(wssx_rstr_to_json(rstr, &json), WSSX_OK, line, "wssx_rstr_to_json");
    expect_status(wssx_trust_inspect(out.data, out.len, &inspected), WSSX_OK, line, "wssx_trust_inspect");
    check(bufs_equal(&json, &inspected), line, "inspect describes the handle");
    wssx_buf_free(&out), wssx_buf_free(&out2), wssx_buf_free(&out3), wssx_buf_free(&json);
    wssx_buf_free(&inspected);
    wssx_rstr_free(again), wssx_rstr_free(other), wssx_rstr_free(back);
    return rstr;
}
#define RSTR_ROUND_TRIP(rel, want) rstr_round_trip((rel), (want), __LINE__)

/* Check a lifetime getter's outputs. */
#define EXPECT_LIFETIME(call_prefix, h, want_present, want_hc, want_c, want_he, want_e)                     \
    do {                                                                                                  \
        bool p_ = true, hc_ = true, he_ = true;                                                           \
        int64_t c_ = -1, e_ = -1;                                                                         \
        EXPECT(WSSX_OK, call_prefix##_lifetime((h), &p_, &c_, &hc_, &e_, &he_));                          \
        CHECK(p_ == (want_present) && hc_ == (want_hc) && he_ == (want_he));                              \
        CHECK(c_ == (want_c) && e_ == (want_e));                                                          \
    } while (0)

/* ---- fixtures ------------------------------------------------------------------------------ */

static void test_fixture_requests(void) {
    wssx_buf b = {NULL, 0}, b2 = {NULL, 0};
    wssx_request_type rt;
    wssx_key_material material;
    wssx_binary_secret_type st;
    uint32_t bits = 1;
    bool present = false;

    /* WCF's February 2005 SCT request. */
    wssx_rst *rst = RST_ROUND_TRIP("peer/wcf-feb2005-sct-rst.xml", WSSX_TRUST_FEB2005);
    if (rst != NULL) {
        EXPECT(WSSX_OK, wssx_rst_context(rst, &b));
        EXPECT_STR(&b, "uuid-6f1b9c2e-3a4d-4e5f-9a7b-1c2d3e4f5a6b-1");
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_rst_request_type(rst, &rt));
        CHECK(rt == WSSX_REQUEST_ISSUE);
        EXPECT(WSSX_OK, wssx_rst_request_type_uri(rst, &b));
        EXPECT_STR(&b, TRUST05 "/Issue");
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_rst_token_type(rst, &b));
        EXPECT_STR(&b, NS_SC05 "/sct");
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_rst_key_size(rst, &bits, &present));
        CHECK(bits == 256 && present);
        EXPECT(WSSX_OK, wssx_rst_entropy(rst, &material, &st, &b));
        CHECK(material == WSSX_MATERIAL_BINARY_SECRET && st == WSSX_SECRET_NONCE);
        EXPECT_HEX(&b, "9337f2e6626dab9b6c2e2dc27a61577589d2a7755f02a2b1986f00e20d479596");
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_rst_key_type(rst, &b));
        EXPECT_ABSENT(b);
        EXPECT(WSSX_OK, wssx_rst_computed_key_algorithm(rst, &b));
        EXPECT_ABSENT(b);
        EXPECT(WSSX_OK, wssx_rst_applies_to(rst, &b));
        EXPECT_ABSENT(b);
        EXPECT_LIFETIME(wssx_rst, rst, false, false, 0, false, 0);

        /* Feb 2005 -> 1.3 in one call: every URI mapped. */
        wssx_rst *r13 = NULL;
        wssx_trust_version v;
        EXPECT(WSSX_OK, wssx_rst_convert(rst, WSSX_TRUST_1_3, &r13));
        EXPECT(WSSX_OK, wssx_rst_version(r13, &v));
        CHECK(v == WSSX_TRUST_1_3);
        EXPECT(WSSX_OK, wssx_rst_token_type(r13, &b));
        EXPECT_STR(&b, NS_SC13 "/sct");
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_rst_request_type_uri(r13, &b));
        EXPECT_STR(&b, TRUST13 "/Issue");
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_rst_to_xml(r13, WSSX_TRUST_1_3, &b));
        CHECK(CONTAINS(b, "xmlns:wst=\"" TRUST13 "\""));
        CHECK(CONTAINS(b, "Type=\"" TRUST13 "/Nonce\""));
        CHECK(CONTAINS(b, "Context=\"uuid-6f1b9c2e-3a4d-4e5f-9a7b-1c2d3e4f5a6b-1\""));
        CHECK(!CONTAINS(b, TRUST05));
        /* Writing the Feb 2005 handle in 1.3 gives the same document. */
        EXPECT(WSSX_OK, wssx_rst_to_xml(rst, WSSX_TRUST_1_3, &b2));
        CHECK(bufs_equal(&b, &b2));
        wssx_buf_free(&b), wssx_buf_free(&b2);
        wssx_rst_free(r13);
        wssx_rst_free(rst);
    }

    /* A WIF-style 1.4 request: the 1.3 namespace plus ActAs. */
    rst = RST_ROUND_TRIP("peer/wif-1.4-actas-rst.xml", WSSX_TRUST_1_4);
    if (rst != NULL) {
        EXPECT(WSSX_OK, wssx_rst_key_type(rst, &b));
        EXPECT_STR(&b, TRUST13 "/Bearer");
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_rst_applies_to(rst, &b));
        EXPECT_STR(&b, "https://backend.example.org/");
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_rst_token_type(rst, &b));
        EXPECT_STR(&b, "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0");
        wssx_buf_free(&b);
        /* In February 2005 the bearer key type is WS-Identity's NoProofKey. */
        EXPECT(WSSX_OK, wssx_rst_to_xml(rst, WSSX_TRUST_FEB2005, &b));
        CHECK(CONTAINS(b, "http://schemas.xmlsoap.org/ws/2005/05/identity/NoProofKey"));
        wssx_buf_free(&b);
        wssx_rst_free(rst);
    }

    /* The 1.3 issue request with SecondaryParameters and Claims. */
    rst = RST_ROUND_TRIP("peer/wcf-1.3-issue-rst-secondary-parameters.xml", WSSX_TRUST_1_3);
    wssx_rst_free(rst);

    /* Encrypted requestor entropy (Appendix I.2) is kept as XML. */
    rst = RST_ROUND_TRIP("feb2005/wst-I.2-requestor-entropy.xml", WSSX_TRUST_FEB2005);
    if (rst != NULL) {
        b.data = POISON(uint8_t);
        EXPECT(WSSX_OK, wssx_rst_entropy(rst, &material, &st, &b));
        CHECK(material == WSSX_MATERIAL_ENCRYPTED_DATA);
        EXPECT_ABSENT(b);
        EXPECT(WSSX_OK, wssx_rst_token_type(rst, &b));
        EXPECT_STR(&b, "http://example.org/mySpecialToken");
        wssx_buf_free(&b);
        wssx_rst_free(rst);
    }

    /* Requests inside SOAP envelopes: the cancel binding (Feb 2005 and WS-SC 1.3). */
    rst = RST_ROUND_TRIP("feb2005/wst-08-cancel-request.xml", WSSX_TRUST_FEB2005);
    if (rst != NULL) {
        wssx_target_form form = WSSX_FORM_OTHER;
        wssx_buf inst = {NULL, 0};
        EXPECT(WSSX_OK, wssx_rst_request_type(rst, &rt));
        CHECK(rt == WSSX_REQUEST_CANCEL);
        EXPECT(WSSX_OK, wssx_rst_target(rst, WSSX_CANCEL_TARGET, &form, &b, &inst));
        CHECK(form == WSSX_FORM_REFERENCE);
        EXPECT_STR(&b, "urn:fabrikam123:5445");
        EXPECT_ABSENT(inst);
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_rst_target(rst, WSSX_RENEW_TARGET, &form, &b, &inst));
        CHECK(form == WSSX_FORM_NONE);
        EXPECT_ABSENT(b);
        wssx_rst_free(rst);
    }
    rst = RST_ROUND_TRIP("sc13/wsc-06-cancel-request.xml", WSSX_TRUST_1_3);
    if (rst != NULL) {
        wssx_target_form form = WSSX_FORM_OTHER;
        wssx_buf inst = {NULL, 0};
        EXPECT(WSSX_OK, wssx_rst_target(rst, WSSX_CANCEL_TARGET, &form, &b, &inst));
        CHECK(form == WSSX_FORM_REFERENCE);
        EXPECT_STR(&b, "#sct");
        wssx_buf_free(&b);
        wssx_rst_free(rst);
    }
    /* WS-SC 1.3 renewal, with a Lifetime that only expires. */
    rst = RST_ROUND_TRIP("sc13/wsc-05-renew-request.xml", WSSX_TRUST_1_3);
    if (rst != NULL) {
        wssx_target_form form = WSSX_FORM_OTHER;
        wssx_buf inst = {NULL, 0};
        EXPECT(WSSX_OK, wssx_rst_request_type(rst, &rt));
        CHECK(rt == WSSX_REQUEST_RENEW);
        EXPECT(WSSX_OK, wssx_rst_target(rst, WSSX_RENEW_TARGET, &form, &b, &inst));
        CHECK(form == WSSX_FORM_REFERENCE);
        EXPECT_STR(&b, "#sct");
        wssx_buf_free(&b);
        EXPECT_LIFETIME(wssx_rst, rst, true, false, 0, true, INT64_C(1141214400000));
        wssx_rst_free(rst);
    }
    /* Validation and key exchange token requests. */
    rst = RST_ROUND_TRIP("feb2005/wst-09-validate-status-request.xml", WSSX_TRUST_FEB2005);
    if (rst != NULL) {
        EXPECT(WSSX_OK, wssx_rst_request_type(rst, &rt));
        CHECK(rt == WSSX_REQUEST_VALIDATE);
        EXPECT(WSSX_OK, wssx_rst_token_type(rst, &b));
        EXPECT_STR(&b, TRUST05 "/RSTR/Status");
        wssx_buf_free(&b);
        wssx_rst_free(rst);
    }
    rst = RST_ROUND_TRIP("feb2005/wst-12-ket-request.xml", WSSX_TRUST_FEB2005);
    if (rst != NULL) {
        EXPECT(WSSX_OK, wssx_rst_request_type(rst, &rt));
        CHECK(rt == WSSX_REQUEST_KET);
        wssx_rst_free(rst);
    }
    const char *more[] = {"feb2005/wst-06.1-issue-request.xml",        "feb2005/wst-07-renewable-issue-request.xml",
                          "feb2005/wst-10.3-binary-exchange-request.xml", "feb2005/wst-11.1-on-behalf-of-request.xml",
                          "feb2005/wst-11.2-key-parameters-request.xml",  "feb2005/wst-11.5-participants-request.xml",
                          "sc13/wsc-03.2-sct-request.xml",                "sc13/wsc-04-amend-request.xml"};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        wssx_trust_version want = strncmp(more[i], "sc13", 4) == 0 ? WSSX_TRUST_1_3 : WSSX_TRUST_FEB2005;
        wssx_rst_free(rst_round_trip(more[i], want, __LINE__));
    }
}

static void test_fixture_responses(void) {
    wssx_buf b = {NULL, 0}, alg = {NULL, 0};
    wssx_proof_kind kind;
    wssx_key_material material;
    wssx_binary_secret_type st;
    wssx_sct *sct = POISON(wssx_sct);
    uint32_t bits = 0;
    bool present = false, cancelled = true;

    /* WCF's February 2005 SCT response: combined entropy, computed key. */
    wssx_rstr *rstr = RSTR_ROUND_TRIP("peer/wcf-feb2005-sct-rstr.xml", WSSX_TRUST_FEB2005);
    if (rstr != NULL) {
        wssx_sc_version sv = WSSX_SC_1_3;
        EXPECT(WSSX_OK, wssx_rstr_context(rstr, &b));
        EXPECT_STR(&b, "uuid-6f1b9c2e-3a4d-4e5f-9a7b-1c2d3e4f5a6b-1");
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_rstr_token_type(rstr, &b));
        EXPECT_STR(&b, NS_SC05 "/sct");
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_rstr_requested_sct(rstr, &sct));
        CHECK(sct != NULL);
        EXPECT(WSSX_OK, wssx_sct_identifier(sct, &b));
        EXPECT_STR(&b, "urn:uuid:3d7c2e1f-8b9a-4c5d-a6e7-f8091a2b3c4d");
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_sct_id(sct, &b));
        EXPECT_STR(&b, "uuid-0aa1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b-6");
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_sct_version(sct, &sv));
        CHECK(sv == WSSX_SC_FEB2005);
        wssx_sct_free(sct);
        EXPECT(WSSX_OK, wssx_rstr_proof_token(rstr, &kind, &b, &alg));
        CHECK(kind == WSSX_PROOF_COMPUTED_KEY);
        EXPECT_ABSENT(b);
        EXPECT_STR(&alg, TRUST05 "/CK/PSHA1");
        wssx_buf_free(&alg);
        EXPECT(WSSX_OK, wssx_rstr_entropy(rstr, &material, &st, &b));
        CHECK(material == WSSX_MATERIAL_BINARY_SECRET && st == WSSX_SECRET_NONCE);
        EXPECT_HEX(&b, "d0a90ced7cfcb699ce8178c3c7d0b79491e4e0781366a6366d26b593bc07e994");
        /* The key both sides compute: P_SHA1(requestor entropy, issuer entropy). */
        {
            static const uint8_t req_entropy[] = {0x93, 0x37, 0xf2, 0xe6, 0x62, 0x6d, 0xab, 0x9b, 0x6c, 0x2e, 0x2d,
                                                  0xc2, 0x7a, 0x61, 0x57, 0x75, 0x89, 0xd2, 0xa7, 0x75, 0x5f, 0x02,
                                                  0xa2, 0xb1, 0x98, 0x6f, 0x00, 0xe2, 0x0d, 0x47, 0x95, 0x96};
            wssx_buf key = {NULL, 0};
            EXPECT(WSSX_OK, wssx_computed_key(req_entropy, sizeof req_entropy, b.data, b.len, 256, &key));
            CHECK(key.len == 32);
            wssx_buf_free(&key);
        }
        wssx_buf_free(&b);
        EXPECT_LIFETIME(wssx_rstr, rstr, true, true, INT64_C(1772352942227), true, INT64_C(1772406942227));
        EXPECT(WSSX_OK, wssx_rstr_key_size(rstr, &bits, &present));
        CHECK(bits == 256 && present);
        EXPECT(WSSX_OK, wssx_rstr_attached_reference(rstr, &b));
        EXPECT_STR(&b, "#uuid-0aa1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b-6");
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_rstr_unattached_reference(rstr, &b));
        EXPECT_STR(&b, "urn:uuid:3d7c2e1f-8b9a-4c5d-a6e7-f8091a2b3c4d");
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_rstr_requested_token_cancelled(rstr, &cancelled));
        CHECK(!cancelled);
        {
            wssx_validity code = WSSX_VALIDITY_VALID;
            wssx_buf reason = {NULL, 0};
            EXPECT(WSSX_OK, wssx_rstr_status(rstr, &code, &b, &reason));
            CHECK(code == WSSX_VALIDITY_NONE);
            EXPECT_ABSENT(b);
            EXPECT_ABSENT(reason);
        }
        /* In 1.3 the SCT moves to WS-SC 1.3 and the algorithm URI to the OASIS one. */
        wssx_rstr *r13 = NULL;
        EXPECT(WSSX_OK, wssx_rstr_convert(rstr, WSSX_TRUST_1_3, &r13));
        EXPECT(WSSX_OK, wssx_rstr_requested_sct(r13, &sct));
        EXPECT(WSSX_OK, wssx_sct_version(sct, &sv));
        CHECK(sv == WSSX_SC_1_3);
        wssx_sct_free(sct);
        EXPECT(WSSX_OK, wssx_rstr_proof_token(r13, &kind, &b, &alg));
        EXPECT_STR(&alg, TRUST13 "/CK/PSHA1");
        wssx_buf_free(&alg);
        EXPECT(WSSX_OK, wssx_rstr_to_xml(r13, WSSX_TRUST_1_3, &b));
        CHECK(CONTAINS(b, "ValueType=\"" NS_SC13 "/sct\""));
        CHECK(!CONTAINS(b, NS_SC05));
        wssx_buf_free(&b);
        wssx_rstr_free(r13);
        wssx_rstr_free(rstr);
    }

    /* The key in the clear (section 6.2.6); a custom token, not an SCT. */
    rstr = RSTR_ROUND_TRIP("feb2005/wst-06.2.6-rstr-unencrypted-secret.xml", WSSX_TRUST_FEB2005);
    if (rstr != NULL) {
        EXPECT(WSSX_OK, wssx_rstr_proof_token(rstr, &kind, &b, &alg));
        CHECK(kind == WSSX_PROOF_BINARY_SECRET);
        EXPECT_STR(&b, "fdsfd7864fdsa567fds567f34");
        EXPECT_ABSENT(alg);
        wssx_buf_free(&b);
        sct = POISON(wssx_sct);
        EXPECT(WSSX_OK, wssx_rstr_requested_sct(rstr, &sct));
        CHECK(sct == NULL);
        wssx_rstr_free(rstr);
    }
    /* Issuer entropy without a Type (section I.4): SymmetricKey by default; no proof token. */
    rstr = RSTR_ROUND_TRIP("feb2005/wst-I.4-composite-key.xml", WSSX_TRUST_FEB2005);
    if (rstr != NULL) {
        EXPECT(WSSX_OK, wssx_rstr_entropy(rstr, &material, &st, &b));
        CHECK(material == WSSX_MATERIAL_BINARY_SECRET && st == WSSX_SECRET_SYMMETRIC_KEY);
        EXPECT_HEX(&b, "5081fc6b7811d64aba5f33fd9f62e6e3");
        wssx_buf_free(&b);
        EXPECT(WSSX_OK, wssx_rstr_proof_token(rstr, &kind, &b, &alg));
        CHECK(kind == WSSX_PROOF_NONE);
        wssx_rstr_free(rstr);
    }
    /* Validation status. */
    rstr = RSTR_ROUND_TRIP("feb2005/wst-09-validate-status-response.xml", WSSX_TRUST_FEB2005);
    if (rstr != NULL) {
        wssx_validity code = WSSX_VALIDITY_NONE;
        wssx_buf reason = {POISON(uint8_t), 9};
        EXPECT(WSSX_OK, wssx_rstr_status(rstr, &code, &b, &reason));
        CHECK(code == WSSX_VALIDITY_VALID);
        EXPECT_STR(&b, TRUST05 "/status/valid");
        EXPECT_ABSENT(reason);
        wssx_buf_free(&b);
        wssx_rstr_free(rstr);
    }
    /* WS-SC 1.3 responses in envelopes: the SCT with an encrypted proof key, a cancellation. */
    rstr = RSTR_ROUND_TRIP("sc13/wsc-03.2-sct-response.xml", WSSX_TRUST_1_3);
    if (rstr != NULL) {
        EXPECT(WSSX_OK, wssx_rstr_proof_token(rstr, &kind, &b, &alg));
        CHECK(kind == WSSX_PROOF_ENCRYPTED_KEY);
        EXPECT_ABSENT(b);
        EXPECT(WSSX_OK, wssx_rstr_requested_sct(rstr, &sct));
        EXPECT(WSSX_OK, wssx_sct_identifier(sct, &b));
        EXPECT_STR(&b, "uuid:5b2f1b5e-86b1-4f5a-9c1d-3f3b2a1c0d9e");
        wssx_buf_free(&b);
        wssx_sct_free(sct);
        wssx_rstr_free(rstr);
    }
    rstr = RSTR_ROUND_TRIP("sc13/wsc-06-cancel-response.xml", WSSX_TRUST_1_3);
    if (rstr != NULL) {
        EXPECT(WSSX_OK, wssx_rstr_requested_token_cancelled(rstr, &cancelled));
        CHECK(cancelled);
        wssx_rstr_free(rstr);
    }
    /* SCTs WSS4J produced. */
    rstr = RSTR_ROUND_TRIP("peer/wss4j-sct-1.3-rstr.xml", WSSX_TRUST_1_3);
    if (rstr != NULL) {
        EXPECT(WSSX_OK, wssx_rstr_requested_sct(rstr, &sct));
        CHECK(sct != NULL);
        wssx_sct_free(sct);
        wssx_rstr_free(rstr);
    }
    const char *more[] = {"feb2005/wst-06.2.5-rstr-encrypted-secret.xml", "feb2005/wst-06.2.7-rstr-token-reference.xml",
                          "feb2005/wst-07-renew-response.xml",            "feb2005/wst-10.4-key-exchange-token.xml",
                          "feb2005/wst-12-ket-response.xml",              "feb2005/wst-I.5.1-direct-key-transfer.xml",
                          "peer/adfs-shape-feb2005-bearer-rstr.xml",     "peer/wss4j-sct-feb2005-rstr.xml",
                          "sc13/wsc-04-amend-response.xml",               "sc13/wsc-05-renew-response.xml"};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        wssx_trust_version want = strncmp(more[i], "sc13", 4) == 0 ? WSSX_TRUST_1_3 : WSSX_TRUST_FEB2005;
        wssx_rstr_free(rstr_round_trip(more[i], want, __LINE__));
    }

    /* Collections. */
    size_t len, n = 0;
    char *xml = fixture("peer/wcf-1.3-sct-rstrc.xml", &len);
    wssx_rstrc *c = POISON(wssx_rstrc), *c2 = NULL;
    wssx_trust_version v = WSSX_TRUST_FEB2005;
    EXPECT(WSSX_OK, wssx_rstrc_parse(U8(xml), len, &c));
    EXPECT(WSSX_OK, wssx_rstrc_count(c, &n));
    CHECK(n == 1);
    EXPECT(WSSX_OK, wssx_rstrc_version(c, &v));
    CHECK(v == WSSX_TRUST_1_3);
    rstr = POISON(wssx_rstr);
    EXPECT(WSSX_OK, wssx_rstrc_get(c, 0, &rstr));
    EXPECT(WSSX_OK, wssx_rstr_context(rstr, &b));
    EXPECT_STR(&b, "uuid-9e8d7c6b-5a49-4382-b1a0-fedcba987654-1");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rstr_requested_sct(rstr, &sct));
    EXPECT(WSSX_OK, wssx_sct_identifier(sct, &b));
    EXPECT_STR(&b, "urn:uuid:7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910");
    wssx_buf_free(&b);
    wssx_sct_free(sct);
    wssx_rstr_free(rstr);
    rstr = POISON(wssx_rstr);
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rstrc_get(c, 1, &rstr));
    CHECK(rstr == NULL);
    /* Written in February 2005 and read back. */
    EXPECT(WSSX_OK, wssx_rstrc_to_xml(c, WSSX_TRUST_FEB2005, &b));
    CHECK(CONTAINS(b, TRUST05) && CONTAINS(b, NS_SC05 "/sct") && !CONTAINS(b, TRUST13));
    EXPECT(WSSX_OK, wssx_rstrc_parse(b.data, b.len, &c2));
    EXPECT(WSSX_OK, wssx_rstrc_version(c2, &v));
    CHECK(v == WSSX_TRUST_FEB2005);
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rstrc_to_json(c, &b));
    CHECK(CONTAINS(b, "RequestSecurityTokenResponseCollection"));
    wssx_buf_free(&b);
    wssx_rstrc_free(c2);
    wssx_rstrc_free(c);
    /* An RSTRC is not an RSTR, and the reverse. */
    rstr = POISON(wssx_rstr);
    EXPECT(WSSX_INVALID_REQUEST, wssx_rstr_parse(U8(xml), len, &rstr));
    CHECK(rstr == NULL && strstr(wssx_last_error(), "RequestSecurityTokenResponseCollection") != NULL);
    free(xml);
    xml = fixture("feb2005/wst-06.3.2-rstrc-two-proofs.xml", &len);
    EXPECT(WSSX_OK, wssx_rstrc_parse(U8(xml), len, &c));
    EXPECT(WSSX_OK, wssx_rstrc_count(c, &n));
    CHECK(n == 2);
    wssx_rstrc_free(c);
    free(xml);
    xml = fixture("peer/wcf-feb2005-sct-rstr.xml", &len);
    c = POISON(wssx_rstrc);
    EXPECT(WSSX_INVALID_REQUEST, wssx_rstrc_parse(U8(xml), len, &c));
    CHECK(c == NULL);
    wssx_rst *rst = POISON(wssx_rst);
    EXPECT(WSSX_INVALID_REQUEST, wssx_rst_parse(U8(xml), len, &rst));
    CHECK(rst == NULL);
    free(xml);
}

/* ---- building from scratch -------------------------------------------------------------- */

static const uint8_t ENTROPY[32] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                                    13,   14,   15,   16,   17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28};
#define CREATED_MS INT64_C(1700000000000) /* 2023-11-14T22:13:20Z */
#define EXPIRES_MS INT64_C(1700000600500)

static void test_build_rst(void) {
    wssx_rst *rst = POISON(wssx_rst), *back = NULL, *r05 = NULL;
    wssx_buf xml = {NULL, 0}, b = {NULL, 0}, inst = {NULL, 0};
    wssx_request_type rt;
    wssx_key_material material;
    wssx_binary_secret_type st;
    wssx_target_form form;
    uint32_t bits = 0;
    bool present = false;

    EXPECT(WSSX_OK, wssx_rst_new(WSSX_TRUST_1_3, WSSX_REQUEST_ISSUE, &rst));
    EXPECT(WSSX_OK, wssx_rst_set_context(rst, S("ctx-1")));
    EXPECT(WSSX_OK, wssx_rst_set_token_type(rst, S("SecurityContextToken")));
    EXPECT(WSSX_OK, wssx_rst_set_key_size(rst, 256, true));
    EXPECT(WSSX_OK, wssx_rst_set_key_type(rst, S("SymmetricKey")));
    EXPECT(WSSX_OK, wssx_rst_set_lifetime(rst, CREATED_MS, true, EXPIRES_MS, true));
    EXPECT(WSSX_OK, wssx_rst_set_entropy(rst, ENTROPY, sizeof ENTROPY, WSSX_SECRET_NONCE));
    EXPECT(WSSX_OK, wssx_rst_set_computed_key_algorithm(rst, S("PSHA1")));
    EXPECT(WSSX_OK, wssx_rst_set_applies_to(rst, WSSX_WSA_2005_08, S("https://rp.example.org/")));
    EXPECT(WSSX_OK, wssx_rst_to_xml(rst, WSSX_TRUST_1_3, &xml));
    CHECK(CONTAINS(xml, "<wsu:Created>2023-11-14T22:13:20Z</wsu:Created>"));
    CHECK(CONTAINS(xml, "<wsu:Expires>2023-11-14T22:23:20.500Z</wsu:Expires>"));
    CHECK(CONTAINS(xml, NS_WSA05));

    /* Read back. */
    EXPECT(WSSX_OK, wssx_rst_parse(xml.data, xml.len, &back));
    wssx_buf_free(&xml);
    EXPECT(WSSX_OK, wssx_rst_context(back, &b));
    EXPECT_STR(&b, "ctx-1");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rst_request_type(back, &rt));
    CHECK(rt == WSSX_REQUEST_ISSUE);
    EXPECT(WSSX_OK, wssx_rst_token_type(back, &b));
    EXPECT_STR(&b, NS_SC13 "/sct");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rst_key_size(back, &bits, &present));
    CHECK(bits == 256 && present);
    EXPECT(WSSX_OK, wssx_rst_key_type(back, &b));
    EXPECT_STR(&b, TRUST13 "/SymmetricKey");
    wssx_buf_free(&b);
    EXPECT_LIFETIME(wssx_rst, back, true, true, CREATED_MS, true, EXPIRES_MS);
    EXPECT(WSSX_OK, wssx_rst_entropy(back, &material, &st, &b));
    CHECK(material == WSSX_MATERIAL_BINARY_SECRET && st == WSSX_SECRET_NONCE);
    CHECK(b.len == sizeof ENTROPY && memcmp(b.data, ENTROPY, sizeof ENTROPY) == 0);
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rst_computed_key_algorithm(back, &b));
    EXPECT_STR(&b, TRUST13 "/CK/PSHA1");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rst_applies_to(back, &b));
    EXPECT_STR(&b, "https://rp.example.org/");
    wssx_buf_free(&b);

    /* The same request in February 2005. */
    EXPECT(WSSX_OK, wssx_rst_convert(back, WSSX_TRUST_FEB2005, &r05));
    EXPECT(WSSX_OK, wssx_rst_token_type(r05, &b));
    EXPECT_STR(&b, NS_SC05 "/sct");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rst_key_type(r05, &b));
    EXPECT_STR(&b, TRUST05 "/SymmetricKey");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rst_computed_key_algorithm(r05, &b));
    EXPECT_STR(&b, TRUST05 "/CK/PSHA1");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rst_request_type_uri(r05, &b));
    EXPECT_STR(&b, TRUST05 "/Issue");
    wssx_buf_free(&b);
    wssx_rst_free(r05);

    /* Clearing. */
    EXPECT(WSSX_OK, wssx_rst_set_context(back, NULL, 0));
    EXPECT(WSSX_OK, wssx_rst_set_token_type(back, NULL, 0));
    EXPECT(WSSX_OK, wssx_rst_set_key_size(back, 99, false));
    EXPECT(WSSX_OK, wssx_rst_set_key_type(back, NULL, 0));
    EXPECT(WSSX_OK, wssx_rst_set_lifetime(back, 5, false, 6, false));
    EXPECT(WSSX_OK, wssx_rst_set_entropy(back, NULL, 0, 77));
    EXPECT(WSSX_OK, wssx_rst_set_computed_key_algorithm(back, NULL, 0));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_set_applies_to(back, 77, NULL, 0));
    EXPECT(WSSX_OK, wssx_rst_set_applies_to(back, WSSX_WSA_NONE, NULL, 0));
    EXPECT(WSSX_OK, wssx_rst_to_xml(back, WSSX_TRUST_1_3, &xml));
    CHECK(!CONTAINS(xml, "Context=") && !CONTAINS(xml, "TokenType") && !CONTAINS(xml, "KeySize"));
    CHECK(!CONTAINS(xml, "KeyType") && !CONTAINS(xml, "Lifetime") && !CONTAINS(xml, "Entropy"));
    CHECK(!CONTAINS(xml, "ComputedKeyAlgorithm") && !CONTAINS(xml, "AppliesTo") && CONTAINS(xml, "RequestType"));
    wssx_buf_free(&xml);
    EXPECT(WSSX_OK, wssx_rst_key_size(back, &bits, &present));
    CHECK(bits == 0 && !present);
    EXPECT_LIFETIME(wssx_rst, back, false, false, 0, false, 0);
    EXPECT(WSSX_OK, wssx_rst_set_lifetime(back, 0, false, EXPIRES_MS, true));
    EXPECT_LIFETIME(wssx_rst, back, true, false, 0, true, EXPIRES_MS);
    EXPECT(WSSX_OK, wssx_rst_set_entropy(back, ENTROPY, 16, WSSX_SECRET_SYMMETRIC_KEY));
    EXPECT(WSSX_OK, wssx_rst_entropy(back, &material, &st, &b));
    CHECK(material == WSSX_MATERIAL_BINARY_SECRET && st == WSSX_SECRET_SYMMETRIC_KEY && b.len == 16);
    wssx_buf_free(&b);

    /* Bad values. */
    EXPECT(WSSX_INVALID_TIME_RANGE, wssx_rst_set_lifetime(back, EXPIRES_MS, true, CREATED_MS, true));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_set_lifetime(back, INT64_MAX, true, 0, false));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_set_lifetime(back, 0, false, INT64_MIN, true));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_set_token_type(back, S("NotAName")));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_set_key_type(back, S("Sym")));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_set_computed_key_algorithm(back, S("SHA9")));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_set_entropy(back, ENTROPY, 16, WSSX_SECRET_OTHER));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_set_entropy(back, ENTROPY, 0, WSSX_SECRET_NONCE));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_set_applies_to(back, WSSX_WSA_NONE, S("https://x/")));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_set_applies_to(back, 3, S("https://x/")));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_set_request_type(back, WSSX_REQUEST_OTHER));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_set_request_type(back, -1));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_set_request_type_uri(back, S("nonsense")));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_to_xml(back, 3, &xml));
    CHECK(xml.data == NULL);
    /* The lifetime was left as it was. */
    EXPECT_LIFETIME(wssx_rst, back, true, false, 0, true, EXPIRES_MS);

    /* Request types: by enum, by name, by URI of any version, or a custom URI. */
    EXPECT(WSSX_OK, wssx_rst_set_request_type(back, WSSX_REQUEST_STS_CANCEL));
    EXPECT(WSSX_OK, wssx_rst_request_type_uri(back, &b));
    EXPECT_STR(&b, TRUST13 "/STSCancel");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rst_set_request_type_uri(back, S(TRUST05 "/Renew")));
    EXPECT(WSSX_OK, wssx_rst_request_type(back, &rt));
    CHECK(rt == WSSX_REQUEST_RENEW);
    EXPECT(WSSX_OK, wssx_rst_request_type_uri(back, &b));
    EXPECT_STR(&b, TRUST13 "/Renew"); /* written in the message's version */
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rst_set_request_type_uri(back, S("Validate")));
    EXPECT(WSSX_OK, wssx_rst_request_type(back, &rt));
    CHECK(rt == WSSX_REQUEST_VALIDATE);
    EXPECT(WSSX_OK, wssx_rst_set_request_type_uri(back, S("urn:example:custom-request")));
    EXPECT(WSSX_OK, wssx_rst_request_type(back, &rt));
    CHECK(rt == WSSX_REQUEST_OTHER);
    EXPECT(WSSX_OK, wssx_rst_request_type_uri(back, &b));
    EXPECT_STR(&b, "urn:example:custom-request");
    wssx_buf_free(&b);

    /* Targets: a reference to a context by Identifier (and Instance), or the SCT itself. */
    wssx_sct *sct = NULL;
    EXPECT(WSSX_OK, wssx_sct_new(WSSX_SC_1_3, S("urn:uuid:target-1"), &sct));
    EXPECT(WSSX_OK, wssx_sct_set_instance(sct, S("urn:uuid:instance-2")));
    EXPECT(WSSX_OK, wssx_rst_set_request_type(back, WSSX_REQUEST_RENEW));
    EXPECT(WSSX_OK, wssx_rst_set_target(back, WSSX_RENEW_TARGET, sct, true));
    EXPECT(WSSX_OK, wssx_rst_set_target(back, WSSX_CANCEL_TARGET, sct, false));
    EXPECT(WSSX_OK, wssx_rst_to_xml(back, WSSX_TRUST_1_3, &xml));
    wssx_rst_free(back);
    back = NULL;
    EXPECT(WSSX_OK, wssx_rst_parse(xml.data, xml.len, &back));
    wssx_buf_free(&xml);
    EXPECT(WSSX_OK, wssx_rst_target(back, WSSX_RENEW_TARGET, &form, &b, &inst));
    CHECK(form == WSSX_FORM_REFERENCE);
    EXPECT_STR(&b, "urn:uuid:target-1");
    EXPECT_STR(&inst, "urn:uuid:instance-2");
    wssx_buf_free(&b), wssx_buf_free(&inst);
    EXPECT(WSSX_OK, wssx_rst_target(back, WSSX_CANCEL_TARGET, &form, &b, &inst));
    CHECK(form == WSSX_FORM_SCT);
    EXPECT_STR(&b, "urn:uuid:target-1");
    EXPECT_STR(&inst, "urn:uuid:instance-2");
    wssx_buf_free(&b), wssx_buf_free(&inst);
    EXPECT(WSSX_OK, wssx_rst_target(back, WSSX_VALIDATE_TARGET, &form, &b, &inst));
    CHECK(form == WSSX_FORM_NONE);
    /* A February 2005 message carries the targets in WS-SC February 2005. */
    EXPECT(WSSX_OK, wssx_rst_to_xml(back, WSSX_TRUST_FEB2005, &xml));
    CHECK(CONTAINS(xml, "ValueType=\"" NS_SC05 "/sct\"") && CONTAINS(xml, "xmlns:wsc=\"" NS_SC05 "\""));
    CHECK(!CONTAINS(xml, NS_SC13));
    wssx_buf_free(&xml);
    EXPECT(WSSX_OK, wssx_rst_set_target(back, WSSX_CANCEL_TARGET, NULL, false));
    EXPECT(WSSX_OK, wssx_rst_target(back, WSSX_CANCEL_TARGET, &form, &b, &inst));
    CHECK(form == WSSX_FORM_NONE);
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_set_target(back, 3, sct, true));
    form = WSSX_FORM_SCT;
    b.data = POISON(uint8_t);
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_target(back, -1, &form, &b, &inst));
    CHECK(form == WSSX_FORM_NONE && b.data == NULL);
    wssx_sct_free(sct);
    wssx_rst_free(back);
    wssx_rst_free(rst);
}

static void test_build_rstr(void) {
    wssx_rstr *rstr = NULL, *back = NULL, *r13 = NULL;
    wssx_sct *sct = NULL, *got = NULL;
    wssx_buf xml = {NULL, 0}, b = {NULL, 0}, alg = {NULL, 0}, reason = {NULL, 0};
    wssx_proof_kind kind;
    wssx_validity code;
    wssx_sc_version sv;
    wssx_key_material material;
    wssx_binary_secret_type st;
    uint32_t bits = 0;
    bool present = false, cancelled = false;

    EXPECT(WSSX_OK, wssx_sct_new(WSSX_SC_FEB2005, S("urn:uuid:built-1"), &sct));
    EXPECT(WSSX_OK, wssx_sct_set_id(sct, S("sct-1")));
    EXPECT(WSSX_OK, wssx_rstr_new(WSSX_TRUST_FEB2005, &rstr));
    EXPECT(WSSX_OK, wssx_rstr_set_context(rstr, S("ctx-9")));
    EXPECT(WSSX_OK, wssx_rstr_set_token_type(rstr, S(NS_SC13 "/sct"))); /* mapped to the message's version */
    EXPECT(WSSX_OK, wssx_rstr_set_requested_sct(rstr, sct));
    EXPECT(WSSX_OK, wssx_rstr_set_proof_secret(rstr, ENTROPY, sizeof ENTROPY));
    EXPECT(WSSX_OK, wssx_rstr_set_entropy(rstr, ENTROPY, 16, WSSX_SECRET_NONCE));
    EXPECT(WSSX_OK, wssx_rstr_set_lifetime(rstr, CREATED_MS, true, EXPIRES_MS, true));
    EXPECT(WSSX_OK, wssx_rstr_set_key_size(rstr, 256, true));
    EXPECT(WSSX_OK, wssx_rstr_set_key_type(rstr, S(TRUST13 "/SymmetricKey")));
    EXPECT(WSSX_OK, wssx_rstr_set_applies_to(rstr, WSSX_WSA_2004_08, S("https://rp/")));
    EXPECT(WSSX_OK, wssx_rstr_set_computed_key_algorithm(rstr, S("PSHA1")));
    EXPECT(WSSX_OK, wssx_rstr_set_attached_reference(rstr, S("#sct-1")));
    EXPECT(WSSX_OK, wssx_rstr_set_unattached_reference(rstr, S("urn:uuid:built-1")));
    EXPECT(WSSX_OK, wssx_rstr_set_status(rstr, WSSX_VALIDITY_INVALID, S("expired")));
    EXPECT(WSSX_OK, wssx_rstr_set_requested_token_cancelled(rstr, true));
    EXPECT(WSSX_OK, wssx_rstr_to_xml(rstr, WSSX_TRUST_FEB2005, &xml));
    CHECK(CONTAINS(xml, "<wst:TokenType>" NS_SC05 "/sct</wst:TokenType>"));
    CHECK(CONTAINS(xml, "RequestedTokenCancelled"));
    EXPECT(WSSX_OK, wssx_rstr_parse(xml.data, xml.len, &back));
    wssx_buf_free(&xml);

    EXPECT(WSSX_OK, wssx_rstr_context(back, &b));
    EXPECT_STR(&b, "ctx-9");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rstr_requested_sct(back, &got));
    EXPECT(WSSX_OK, wssx_sct_identifier(got, &b));
    EXPECT_STR(&b, "urn:uuid:built-1");
    wssx_buf_free(&b);
    wssx_sct_free(got);
    EXPECT(WSSX_OK, wssx_rstr_proof_token(back, &kind, &b, &alg));
    CHECK(kind == WSSX_PROOF_BINARY_SECRET && b.len == sizeof ENTROPY && memcmp(b.data, ENTROPY, b.len) == 0);
    EXPECT_ABSENT(alg);
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rstr_entropy(back, &material, &st, &b));
    CHECK(material == WSSX_MATERIAL_BINARY_SECRET && st == WSSX_SECRET_NONCE && b.len == 16);
    wssx_buf_free(&b);
    EXPECT_LIFETIME(wssx_rstr, back, true, true, CREATED_MS, true, EXPIRES_MS);
    EXPECT(WSSX_OK, wssx_rstr_key_size(back, &bits, &present));
    CHECK(bits == 256 && present);
    EXPECT(WSSX_OK, wssx_rstr_key_type(back, &b));
    EXPECT_STR(&b, TRUST05 "/SymmetricKey");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rstr_applies_to(back, &b));
    EXPECT_STR(&b, "https://rp/");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rstr_computed_key_algorithm(back, &b));
    EXPECT_STR(&b, TRUST05 "/CK/PSHA1");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rstr_attached_reference(back, &b));
    EXPECT_STR(&b, "#sct-1");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rstr_unattached_reference(back, &b));
    EXPECT_STR(&b, "urn:uuid:built-1");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_rstr_status(back, &code, &b, &reason));
    CHECK(code == WSSX_VALIDITY_INVALID);
    EXPECT_STR(&b, TRUST05 "/status/invalid");
    EXPECT_STR(&reason, "expired");
    wssx_buf_free(&b), wssx_buf_free(&reason);
    EXPECT(WSSX_OK, wssx_rstr_requested_token_cancelled(back, &cancelled));
    CHECK(cancelled);

    /* In 1.3 the SCT and the references follow. */
    EXPECT(WSSX_OK, wssx_rstr_convert(back, WSSX_TRUST_1_3, &r13));
    EXPECT(WSSX_OK, wssx_rstr_requested_sct(r13, &got));
    EXPECT(WSSX_OK, wssx_sct_version(got, &sv));
    CHECK(sv == WSSX_SC_1_3);
    wssx_sct_free(got);
    EXPECT(WSSX_OK, wssx_rstr_to_xml(r13, WSSX_TRUST_1_3, &xml));
    CHECK(CONTAINS(xml, "ValueType=\"" NS_SC13 "/sct\" URI=\"#sct-1\"") || CONTAINS(xml, "URI=\"#sct-1\" ValueType=\"" NS_SC13 "/sct\""));
    CHECK(!CONTAINS(xml, NS_SC05) && !CONTAINS(xml, TRUST05));
    wssx_buf_free(&xml);
    wssx_rstr_free(r13);

    /* Proof token forms and clearing. */
    EXPECT(WSSX_OK, wssx_rstr_set_proof_computed_key(back, S(TRUST13 "/CK/PSHA1")));
    EXPECT(WSSX_OK, wssx_rstr_proof_token(back, &kind, &b, &alg));
    CHECK(kind == WSSX_PROOF_COMPUTED_KEY);
    EXPECT_ABSENT(b);
    EXPECT_STR(&alg, TRUST05 "/CK/PSHA1");
    wssx_buf_free(&alg);
    EXPECT(WSSX_OK, wssx_rstr_set_proof_computed_key(back, NULL, 0));
    EXPECT(WSSX_OK, wssx_rstr_proof_token(back, &kind, &b, &alg));
    CHECK(kind == WSSX_PROOF_NONE);
    EXPECT(WSSX_OK, wssx_rstr_set_proof_secret(back, ENTROPY, 16));
    EXPECT(WSSX_OK, wssx_rstr_set_proof_secret(back, NULL, 0));
    EXPECT(WSSX_OK, wssx_rstr_proof_token(back, &kind, &b, &alg));
    CHECK(kind == WSSX_PROOF_NONE);
    EXPECT(WSSX_OK, wssx_rstr_set_requested_sct(back, NULL));
    got = POISON(wssx_sct);
    EXPECT(WSSX_OK, wssx_rstr_requested_sct(back, &got));
    CHECK(got == NULL);
    EXPECT(WSSX_OK, wssx_rstr_set_status(back, WSSX_VALIDITY_NONE, NULL, 0));
    EXPECT(WSSX_OK, wssx_rstr_status(back, &code, &b, &reason));
    CHECK(code == WSSX_VALIDITY_NONE);
    EXPECT(WSSX_OK, wssx_rstr_set_attached_reference(back, NULL, 0));
    EXPECT(WSSX_OK, wssx_rstr_attached_reference(back, &b));
    EXPECT_ABSENT(b);
    EXPECT(WSSX_OK, wssx_rstr_set_requested_token_cancelled(back, false));
    EXPECT(WSSX_OK, wssx_rstr_requested_token_cancelled(back, &cancelled));
    CHECK(!cancelled);
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rstr_set_status(back, WSSX_VALIDITY_OTHER, NULL, 0));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rstr_set_status(back, 9, NULL, 0));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rstr_set_proof_computed_key(back, S("nope")));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rstr_set_proof_secret(back, ENTROPY, 0));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rstr_set_lifetime(back, 0, false, -INT64_C(62135596800001), true));

    /* A collection of two, written and read in 1.3. */
    const wssx_rstr *items[2] = {rstr, back};
    wssx_rstrc *c = POISON(wssx_rstrc), *c2 = NULL;
    size_t n = 0;
    EXPECT(WSSX_OK, wssx_rstrc_new(WSSX_TRUST_1_3, items, 2, &c));
    EXPECT(WSSX_OK, wssx_rstrc_to_xml(c, WSSX_TRUST_1_3, &xml));
    EXPECT(WSSX_OK, wssx_rstrc_parse(xml.data, xml.len, &c2));
    wssx_buf_free(&xml);
    EXPECT(WSSX_OK, wssx_rstrc_count(c2, &n));
    CHECK(n == 2);
    wssx_rstr *second = NULL;
    EXPECT(WSSX_OK, wssx_rstrc_get(c2, 1, &second));
    EXPECT(WSSX_OK, wssx_rstr_requested_sct(second, &got));
    CHECK(got == NULL);
    EXPECT(WSSX_OK, wssx_rstrc_get(c2, 0, &r13));
    EXPECT(WSSX_OK, wssx_rstr_requested_sct(r13, &got));
    CHECK(got != NULL);
    wssx_sct_free(got);
    wssx_rstr_free(r13), wssx_rstr_free(second);
    wssx_rstrc_free(c2), wssx_rstrc_free(c);
    c = POISON(wssx_rstrc);
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rstrc_new(WSSX_TRUST_1_3, items, 0, &c));
    CHECK(c == NULL);
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstrc_new(WSSX_TRUST_1_3, NULL, 2, &c));
    const wssx_rstr *holes[2] = {rstr, NULL};
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstrc_new(WSSX_TRUST_1_3, holes, 2, &c));
    CHECK(c == NULL);
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rstrc_new(7, items, 2, &c));

    wssx_rstr_free(back);
    wssx_rstr_free(rstr);
    wssx_sct_free(sct);
}

/* ---- envelopes and faults ---------------------------------------------------------------- */

static void test_envelopes(void) {
    wssx_envelope *env = POISON(wssx_envelope), *back = NULL;
    wssx_buf xml = {NULL, 0}, b = {NULL, 0};
    wssx_soap_version sv;
    wssx_wsa_version wv;
    wssx_rst *rst = NULL, *body = NULL;
    wssx_fault *fault = POISON(wssx_fault);

    /* Build: SOAP 1.2 with WS-Addressing 2005/08 and an RST body. */
    EXPECT(WSSX_OK, wssx_envelope_new(WSSX_SOAP_12, WSSX_WSA_2005_08, &env));
    EXPECT(WSSX_OK, wssx_envelope_message_id(env, &b));
    CHECK(b.data != NULL && strncmp((const char *)b.data, "urn:uuid:", 9) == 0);
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_envelope_set_action(env, S(TRUST13 "/RST/SCT")));
    EXPECT(WSSX_OK, wssx_envelope_set_to(env, S("https://sts.example.org/")));
    EXPECT(WSSX_OK, wssx_envelope_set_message_id(env, S("urn:uuid:m-1")));
    EXPECT(WSSX_OK, wssx_envelope_set_relates_to(env, S("urn:uuid:m-0")));
    EXPECT(WSSX_OK, wssx_rst_new(WSSX_TRUST_FEB2005, WSSX_REQUEST_ISSUE, &rst));
    EXPECT(WSSX_OK, wssx_rst_set_token_type(rst, S("SecurityContextToken")));
    EXPECT(WSSX_OK, wssx_envelope_set_body_rst(env, rst, WSSX_TRUST_1_3));
    EXPECT(WSSX_OK, wssx_envelope_content_type(env, &b));
    EXPECT_STR(&b, "application/soap+xml; charset=utf-8; action=\"" TRUST13 "/RST/SCT\"");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_envelope_to_xml(env, &xml));
    CHECK(CONTAINS(xml, "mustUnderstand=\"true\""));

    EXPECT(WSSX_OK, wssx_envelope_parse(xml.data, xml.len, &back));
    EXPECT(WSSX_OK, wssx_envelope_soap_version(back, &sv));
    CHECK(sv == WSSX_SOAP_12);
    EXPECT(WSSX_OK, wssx_envelope_wsa_version(back, &wv));
    CHECK(wv == WSSX_WSA_2005_08);
    EXPECT(WSSX_OK, wssx_envelope_action(back, &b));
    EXPECT_STR(&b, TRUST13 "/RST/SCT");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_envelope_to(back, &b));
    EXPECT_STR(&b, "https://sts.example.org/");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_envelope_message_id(back, &b));
    EXPECT_STR(&b, "urn:uuid:m-1");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_envelope_relates_to(back, &b));
    EXPECT_STR(&b, "urn:uuid:m-0");
    wssx_buf_free(&b);
    fault = POISON(wssx_fault);
    EXPECT(WSSX_OK, wssx_envelope_fault(back, &fault));
    CHECK(fault == NULL);
    /* The body alone parses as the RST, written in 1.3. */
    EXPECT(WSSX_OK, wssx_envelope_body(back, &b));
    EXPECT(WSSX_OK, wssx_rst_parse(b.data, b.len, &body));
    wssx_buf_free(&b);
    {
        wssx_trust_version v;
        EXPECT(WSSX_OK, wssx_rst_version(body, &v));
        CHECK(v == WSSX_TRUST_1_3);
    }
    wssx_rst_free(body);
    /* So does the whole envelope. */
    EXPECT(WSSX_OK, wssx_rst_parse(xml.data, xml.len, &body));
    wssx_rst_free(body);
    /* Inspect: the envelope with its trust message. */
    EXPECT(WSSX_OK, wssx_trust_inspect(xml.data, xml.len, &b));
    CHECK(CONTAINS(b, "\"type\":\"Envelope\"") && CONTAINS(b, "\"soap\":\"1.2\"") && CONTAINS(b, "RequestSecurityToken"));
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_envelope_to_json(back, &b));
    CHECK(CONTAINS(b, "\"type\":\"Envelope\"") && CONTAINS(b, "urn:uuid:m-1"));
    wssx_buf_free(&b);
    wssx_buf_free(&xml);

    /* Clearing headers and the body; the addressing version can change. */
    EXPECT(WSSX_OK, wssx_envelope_set_to(back, NULL, 0));
    EXPECT(WSSX_OK, wssx_envelope_set_relates_to(back, NULL, 0));
    EXPECT(WSSX_OK, wssx_envelope_set_body(back, NULL, 0));
    EXPECT(WSSX_OK, wssx_envelope_to(back, &b));
    EXPECT_ABSENT(b);
    EXPECT(WSSX_OK, wssx_envelope_body(back, &b));
    EXPECT_ABSENT(b);
    EXPECT(WSSX_OK, wssx_envelope_set_wsa_version(back, WSSX_WSA_2004_08));
    EXPECT(WSSX_OK, wssx_envelope_to_xml(back, &xml));
    CHECK(CONTAINS(xml, NS_WSA04) && !CONTAINS(xml, NS_WSA05) && CONTAINS(xml, "urn:uuid:m-1"));
    wssx_buf_free(&xml);
    EXPECT(WSSX_OK, wssx_envelope_set_body(back, S("<m:Ping xmlns:m=\"urn:app\">hi</m:Ping>")));
    EXPECT(WSSX_OK, wssx_envelope_body(back, &b));
    EXPECT_STR(&b, "<m:Ping xmlns:m=\"urn:app\">hi</m:Ping>");
    wssx_buf_free(&b);
    EXPECT(WSSX_MALFORMED_XML, wssx_envelope_set_body(back, S("<m:Ping")));
    EXPECT(WSSX_OK, wssx_envelope_set_wsa_version(back, WSSX_WSA_NONE));
    EXPECT(WSSX_OK, wssx_envelope_wsa_version(back, &wv));
    CHECK(wv == WSSX_WSA_NONE);
    EXPECT(WSSX_OK, wssx_envelope_action(back, &b));
    EXPECT_ABSENT(b);
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_envelope_set_action(back, S("urn:a")));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_envelope_set_wsa_version(back, 3));
    EXPECT(WSSX_OK, wssx_envelope_set_wsa_version(back, WSSX_WSA_2005_08));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_envelope_set_action(back, U8(""), 0));
    EXPECT(WSSX_OK, wssx_envelope_set_action(back, S("urn:a")));
    wssx_envelope_free(back);
    wssx_envelope_free(env);

    /* SOAP 1.1 without addressing. */
    EXPECT(WSSX_OK, wssx_envelope_new(WSSX_SOAP_11, WSSX_WSA_NONE, &env));
    EXPECT(WSSX_OK, wssx_envelope_content_type(env, &b));
    EXPECT_STR(&b, "text/xml; charset=utf-8");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_envelope_message_id(env, &b));
    EXPECT_ABSENT(b);
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_envelope_set_message_id(env, S("urn:x")));
    wssx_envelope_free(env);
    env = POISON(wssx_envelope);
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_envelope_new(2, WSSX_WSA_NONE, &env));
    CHECK(env == NULL);
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_envelope_new(WSSX_SOAP_11, -1, &env));

    /* Wrapping a request the way WCF sends it. */
    EXPECT(WSSX_OK, wssx_rst_to_envelope(rst, WSSX_TRUST_FEB2005, WSSX_SOAP_11, WSSX_WSA_2004_08, NULL, 0,
                                         S("https://sts.example.org/"), &env));
    EXPECT(WSSX_OK, wssx_envelope_action(env, &b));
    EXPECT_STR(&b, TRUST05 "/RST/Issue");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_envelope_to(env, &b));
    EXPECT_STR(&b, "https://sts.example.org/");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_envelope_to_xml(env, &xml));
    CHECK(CONTAINS(xml, NS_WSA04 "/role/anonymous") && CONTAINS(xml, "MessageID"));
    CHECK(CONTAINS(xml, "mustUnderstand=\"1\""));
    EXPECT(WSSX_OK, wssx_rst_parse(xml.data, xml.len, &body));
    wssx_rst_free(body);
    wssx_buf_free(&xml);
    wssx_envelope_free(env);
    EXPECT(WSSX_OK, wssx_rst_to_envelope(rst, WSSX_TRUST_1_3, WSSX_SOAP_12, WSSX_WSA_2005_08, S(TRUST13 "/RST/SCT"), NULL,
                                         0, &env));
    EXPECT(WSSX_OK, wssx_envelope_action(env, &b));
    EXPECT_STR(&b, TRUST13 "/RST/SCT");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_envelope_to(env, &b));
    EXPECT_ABSENT(b);
    wssx_envelope_free(env);
    EXPECT(WSSX_OK, wssx_rst_to_envelope(rst, WSSX_TRUST_1_3, WSSX_SOAP_12, WSSX_WSA_NONE, S("ignored"), S("ignored"), &env));
    EXPECT(WSSX_OK, wssx_envelope_wsa_version(env, &wv));
    CHECK(wv == WSSX_WSA_NONE);
    wssx_envelope_free(env);
    env = POISON(wssx_envelope);
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_to_envelope(rst, WSSX_TRUST_1_3, WSSX_SOAP_12, WSSX_WSA_2005_08, U8(""), 0,
                                                        NULL, 0, &env));
    CHECK(env == NULL);
    EXPECT(WSSX_OK, wssx_rst_set_request_type_uri(rst, S("urn:custom")));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_to_envelope(rst, WSSX_TRUST_1_3, WSSX_SOAP_12, WSSX_WSA_2005_08, NULL, 0,
                                                        NULL, 0, &env));
    wssx_rst_free(rst);

    /* Envelope fixtures. */
    size_t len;
    char *x = fixture("feb2005/wst-06.4-issued-tokens.xml", &len);
    EXPECT(WSSX_OK, wssx_envelope_parse(U8(x), len, &env));
    EXPECT(WSSX_OK, wssx_envelope_soap_version(env, &sv));
    CHECK(sv == WSSX_SOAP_12);
    EXPECT(WSSX_OK, wssx_trust_inspect(U8(x), len, &b));
    CHECK(CONTAINS(b, "\"issuedTokens\""));
    wssx_buf_free(&b);
    wssx_envelope_free(env);
    free(x);
    x = fixture("sc13/wsc-03.2-sct-response.xml", &len);
    EXPECT(WSSX_OK, wssx_envelope_parse(U8(x), len, &env));
    EXPECT(WSSX_OK, wssx_envelope_soap_version(env, &sv));
    CHECK(sv == WSSX_SOAP_11);
    EXPECT(WSSX_OK, wssx_envelope_action(env, &b));
    EXPECT_STR(&b, TRUST13 "/RSTR/SCT");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_envelope_to_xml(env, &xml));
    {
        wssx_rstr *r = NULL;
        EXPECT(WSSX_OK, wssx_rstr_parse(xml.data, xml.len, &r));
        wssx_rstr_free(r);
    }
    wssx_buf_free(&xml);
    wssx_envelope_free(env);
    free(x);
}

/* The status a fault of kind `k` reads back as (kinds without a spec code of their own map
   to one). */
static wssx_status fault_kind_of(wssx_status k) {
    switch (k) {
    case WSSX_MALFORMED_XML:
    case WSSX_LIMIT_EXCEEDED:
    case WSSX_INVALID_ARGUMENT: return WSSX_INVALID_REQUEST;
    case WSSX_INVALID_SIGNATURE: return WSSX_FAILED_AUTHENTICATION;
    case WSSX_CRYPTO:
    case WSSX_CALLBACK: return WSSX_REQUEST_FAILED;
    default: return k;
    }
}

static void test_faults(void) {
    wssx_fault *f = POISON(wssx_fault), *back = NULL;
    wssx_envelope *env = NULL;
    wssx_buf xml = {NULL, 0}, b = {NULL, 0}, ns = {NULL, 0}, local = {NULL, 0};
    wssx_status kind;

    /* Every kind, both trust generations, both SOAP versions: written and read back. */
    for (int k = WSSX_INVALID_REQUEST; k <= WSSX_CALLBACK; k++) {
        for (int tv = WSSX_TRUST_FEB2005; tv <= WSSX_TRUST_1_3; tv++) {
            EXPECT(WSSX_OK, wssx_fault_new(k, tv, &f));
            for (int soap = WSSX_SOAP_11; soap <= WSSX_SOAP_12; soap++) {
                EXPECT(WSSX_OK, wssx_fault_to_xml(f, soap, &xml));
                CHECK(soap == WSSX_SOAP_11 ? CONTAINS(xml, "<faultcode") && !CONTAINS(xml, "Subcode")
                                           : CONTAINS(xml, "Subcode") && CONTAINS(xml, "s:Sender"));
                CHECK(CONTAINS(xml, tv == WSSX_TRUST_FEB2005 ? "http://schemas.xmlsoap.org/ws/2005/02/"
                                                             : "http://docs.oasis-open.org/ws-sx/"));
                EXPECT(WSSX_OK, wssx_fault_parse(xml.data, xml.len, &back));
                EXPECT(WSSX_OK, wssx_fault_kind(back, &kind));
                if (kind != fault_kind_of((wssx_status)k)) printf("  kind %d read back as %d\n", k, (int)kind);
                CHECK(kind == fault_kind_of((wssx_status)k));
                wssx_fault_free(back);
                wssx_buf_free(&xml);
            }
            wssx_fault_free(f);
        }
    }

    /* Reason, subcode, and a whole fault message answering a request. */
    EXPECT(WSSX_OK, wssx_fault_new(WSSX_BAD_CONTEXT_TOKEN, WSSX_TRUST_1_3, &f));
    EXPECT(WSSX_OK, wssx_fault_reason(f, &b));
    EXPECT_STR(&b, "The requested context elements are insufficient or unsupported.");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_fault_subcode(f, &ns, &local));
    EXPECT_STR(&ns, NS_SC13);
    EXPECT_STR(&local, "BadContextToken");
    wssx_buf_free(&ns), wssx_buf_free(&local);
    EXPECT(WSSX_OK, wssx_fault_set_reason(f, S("context urn:x was cancelled")));
    EXPECT(WSSX_OK, wssx_fault_to_envelope(f, WSSX_SOAP_12, WSSX_WSA_2005_08, &env));
    EXPECT(WSSX_OK, wssx_envelope_set_relates_to(env, S("urn:uuid:request-1")));
    EXPECT(WSSX_OK, wssx_envelope_action(env, &b));
    EXPECT_STR(&b, NS_WSA05 "/soap/fault");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_envelope_to_xml(env, &xml));
    wssx_envelope_free(env);
    EXPECT(WSSX_OK, wssx_fault_parse(xml.data, xml.len, &back));
    EXPECT(WSSX_OK, wssx_fault_kind(back, &kind));
    CHECK(kind == WSSX_BAD_CONTEXT_TOKEN);
    EXPECT(WSSX_OK, wssx_fault_reason(back, &b));
    EXPECT_STR(&b, "context urn:x was cancelled");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_fault_to_json(back, &b));
    CHECK(CONTAINS(b, "\"kind\":\"BadContextToken\""));
    wssx_buf_free(&b);
    wssx_fault_free(back);
    /* The fault envelope through the other readers. */
    EXPECT(WSSX_OK, wssx_envelope_parse(xml.data, xml.len, &env));
    EXPECT(WSSX_OK, wssx_envelope_relates_to(env, &b));
    EXPECT_STR(&b, "urn:uuid:request-1");
    wssx_buf_free(&b);
    EXPECT(WSSX_OK, wssx_envelope_fault(env, &back));
    CHECK(back != NULL);
    wssx_fault_free(back);
    wssx_envelope_free(env);
    {
        wssx_rstr *r = POISON(wssx_rstr);
        EXPECT(WSSX_BAD_CONTEXT_TOKEN, wssx_rstr_parse(xml.data, xml.len, &r));
        CHECK(r == NULL);
    }
    EXPECT(WSSX_OK, wssx_trust_inspect(xml.data, xml.len, &b));
    CHECK(CONTAINS(b, "\"type\":\"Fault\""));
    wssx_buf_free(&b);
    wssx_buf_free(&xml);
    /* SOAP 1.1 and no addressing. */
    EXPECT(WSSX_OK, wssx_fault_to_envelope(f, WSSX_SOAP_11, WSSX_WSA_NONE, &env));
    EXPECT(WSSX_OK, wssx_envelope_to_xml(env, &xml));
    CHECK(CONTAINS(xml, "<faultcode xmlns:wsc=\"" NS_SC13 "\">wsc:BadContextToken</faultcode>"));
    CHECK(!CONTAINS(xml, "Action"));
    wssx_buf_free(&xml);
    wssx_envelope_free(env);
    wssx_fault_free(f);

    /* The spec fault fixtures, SOAP 1.1 and 1.2. */
    size_t len;
    char *x = fixture("sc13/wsc-09-fault-soap11.xml", &len);
    EXPECT(WSSX_OK, wssx_fault_parse(U8(x), len, &f));
    EXPECT(WSSX_OK, wssx_fault_kind(f, &kind));
    CHECK(kind == WSSX_BAD_CONTEXT_TOKEN);
    EXPECT(WSSX_OK, wssx_fault_subcode(f, &ns, &local));
    EXPECT_STR(&ns, NS_SC13);
    EXPECT_STR(&local, "BadContextToken");
    wssx_buf_free(&ns), wssx_buf_free(&local);
    wssx_fault_free(f);
    free(x);
    x = fixture("sc13/wsc-09-fault-soap12.xml", &len);
    EXPECT(WSSX_OK, wssx_fault_parse(U8(x), len, &f));
    EXPECT(WSSX_OK, wssx_fault_kind(f, &kind));
    CHECK(kind == WSSX_UNKNOWN_DERIVATION_SOURCE);
    EXPECT(WSSX_OK, wssx_fault_reason(f, &b));
    EXPECT_STR(&b, "The specified source for the derivation is unknown.");
    wssx_buf_free(&b);
    wssx_fault_free(f);
    {
        wssx_rst *r = POISON(wssx_rst);
        EXPECT(WSSX_UNKNOWN_DERIVATION_SOURCE, wssx_rst_parse(U8(x), len, &r));
        CHECK(r == NULL);
    }
    EXPECT(WSSX_OK, wssx_envelope_parse(U8(x), len, &env));
    EXPECT(WSSX_OK, wssx_envelope_relates_to(env, &b));
    EXPECT_STR(&b, "urn:uuid:7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    wssx_buf_free(&b);
    wssx_envelope_free(env);
    free(x);

    /* Not faults, not kinds. */
    f = POISON(wssx_fault);
    x = fixture("sc13/wsc-06-cancel-response.xml", &len);
    EXPECT(WSSX_INVALID_REQUEST, wssx_fault_parse(U8(x), len, &f));
    CHECK(f == NULL);
    free(x);
    EXPECT(WSSX_INVALID_REQUEST, wssx_fault_parse(S("<a/>"), &f));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_fault_new(WSSX_OK, WSSX_TRUST_1_3, &f));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_fault_new(WSSX_NULL_ARGUMENT, WSSX_TRUST_1_3, &f));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_fault_new(WSSX_INVALID_UTF8, WSSX_TRUST_1_3, &f));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_fault_new(24, WSSX_TRUST_1_3, &f));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_fault_new(-3, WSSX_TRUST_1_3, &f));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_fault_new(WSSX_CRYPTO, 3, &f));
    CHECK(f == NULL);
}

/* ---- NULLs, garbage, bad UTF-8 ------------------------------------------------------------- */

static void test_trust_nulls(void) {
    wssx_rst *rst = NULL, *r2 = POISON(wssx_rst);
    wssx_rstr *rstr = NULL, *s2 = POISON(wssx_rstr);
    wssx_rstrc *c = POISON(wssx_rstrc);
    wssx_envelope *env = NULL, *e2 = POISON(wssx_envelope);
    wssx_fault *f = NULL, *f2 = POISON(wssx_fault);
    wssx_sct *sct = POISON(wssx_sct);
    wssx_buf b = {POISON(uint8_t), 3}, b2 = {NULL, 0}, b3 = {NULL, 0};
    wssx_trust_version tv;
    wssx_request_type rt;
    wssx_key_material m;
    wssx_binary_secret_type st;
    wssx_target_form form;
    wssx_proof_kind pk;
    wssx_validity val;
    wssx_soap_version sv;
    wssx_wsa_version wv;
    wssx_status ks;
    uint32_t bits;
    bool flag, p1, p2;
    int64_t t1, t2;
    size_t n;
    const char *rst_xml = "<t:RequestSecurityToken xmlns:t=\"" TRUST13 "\"><t:RequestType>" TRUST13
                          "/Issue</t:RequestType></t:RequestSecurityToken>";

    EXPECT(WSSX_OK, wssx_rst_new(WSSX_TRUST_1_3, WSSX_REQUEST_ISSUE, &rst));
    EXPECT(WSSX_OK, wssx_rstr_new(WSSX_TRUST_1_3, &rstr));
    EXPECT(WSSX_OK, wssx_envelope_new(WSSX_SOAP_12, WSSX_WSA_2005_08, &env));
    EXPECT(WSSX_OK, wssx_fault_new(WSSX_RENEW_NEEDED, WSSX_TRUST_1_3, &f));

    /* Parsers and constructors: NULL outputs, NULL input with a length. */
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_parse(S(rst_xml), NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_parse(NULL, 5, &r2));
    CHECK(r2 == NULL);
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_parse(NULL, 5, &s2));
    CHECK(s2 == NULL);
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstrc_parse(NULL, 5, &c));
    CHECK(c == NULL);
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_parse(NULL, 5, &e2));
    CHECK(e2 == NULL);
    EXPECT(WSSX_NULL_ARGUMENT, wssx_fault_parse(NULL, 5, &f2));
    CHECK(f2 == NULL);
    EXPECT(WSSX_NULL_ARGUMENT, wssx_trust_inspect(NULL, 5, &b));
    CHECK(b.data == NULL);
    EXPECT(WSSX_NULL_ARGUMENT, wssx_trust_inspect(S(rst_xml), NULL));
    EXPECT(WSSX_MALFORMED_XML, wssx_rst_parse(NULL, 0, &r2));
    EXPECT(WSSX_MALFORMED_XML, wssx_trust_inspect(NULL, 0, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_new(WSSX_TRUST_1_3, WSSX_REQUEST_ISSUE, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_new(WSSX_TRUST_1_3, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstrc_new(WSSX_TRUST_1_3, NULL, 0, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_new(WSSX_SOAP_12, WSSX_WSA_NONE, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_fault_new(WSSX_RENEW_NEEDED, WSSX_TRUST_1_3, NULL));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_new(3, WSSX_REQUEST_ISSUE, &r2));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rst_new(WSSX_TRUST_1_3, 99, &r2));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_rstr_new(-1, &s2));
    CHECK(r2 == NULL && s2 == NULL);

    /* RST getters and setters. */
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_to_xml(NULL, WSSX_TRUST_1_3, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_to_xml(rst, WSSX_TRUST_1_3, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_convert(NULL, WSSX_TRUST_1_3, &r2));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_convert(rst, WSSX_TRUST_1_3, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_version(NULL, &tv));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_version(rst, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_to_json(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_context(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_context(rst, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_set_context(NULL, S("x")));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_set_context(rst, NULL, 3));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_request_type(NULL, &rt));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_request_type(rst, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_request_type_uri(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_set_request_type(NULL, WSSX_REQUEST_ISSUE));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_set_request_type_uri(NULL, S("Issue")));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_set_request_type_uri(rst, NULL, 5));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_token_type(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_set_token_type(NULL, NULL, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_key_size(NULL, &bits, &flag));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_key_size(rst, NULL, &flag));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_key_size(rst, &bits, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_set_key_size(NULL, 1, true));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_key_type(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_set_key_type(NULL, NULL, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_lifetime(NULL, &p1, &t1, &flag, &t2, &p2));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_lifetime(rst, &p1, &t1, &flag, &t2, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_set_lifetime(NULL, 0, false, 0, false));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_entropy(NULL, &m, &st, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_entropy(rst, &m, NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_set_entropy(NULL, NULL, 0, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_set_entropy(rst, NULL, 16, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_computed_key_algorithm(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_set_computed_key_algorithm(NULL, NULL, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_applies_to(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_set_applies_to(NULL, WSSX_WSA_NONE, NULL, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_target(NULL, WSSX_RENEW_TARGET, &form, &b, &b2));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_target(rst, WSSX_RENEW_TARGET, NULL, &b, &b2));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_target(rst, WSSX_RENEW_TARGET, &form, &b, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_set_target(NULL, WSSX_RENEW_TARGET, NULL, true));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_to_envelope(NULL, WSSX_TRUST_1_3, WSSX_SOAP_12, WSSX_WSA_NONE, NULL, 0, NULL, 0,
                                                     &e2));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rst_to_envelope(rst, WSSX_TRUST_1_3, WSSX_SOAP_12, WSSX_WSA_NONE, NULL, 0, NULL, 0,
                                                     NULL));
    wssx_rst_free(NULL);

    /* RSTR. */
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_to_xml(NULL, WSSX_TRUST_1_3, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_to_xml(rstr, WSSX_TRUST_1_3, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_convert(NULL, WSSX_TRUST_1_3, &s2));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_version(NULL, &tv));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_to_json(rstr, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_context(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_set_context(NULL, NULL, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_token_type(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_set_token_type(NULL, NULL, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_key_size(NULL, &bits, &flag));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_set_key_size(NULL, 0, false));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_key_type(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_set_key_type(NULL, NULL, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_lifetime(NULL, &p1, &t1, &flag, &t2, &p2));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_set_lifetime(NULL, 0, false, 0, false));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_entropy(rstr, NULL, &st, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_set_entropy(NULL, NULL, 0, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_computed_key_algorithm(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_set_computed_key_algorithm(NULL, NULL, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_applies_to(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_set_applies_to(NULL, 0, NULL, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_requested_sct(NULL, &sct));
    CHECK(sct == NULL);
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_requested_sct(rstr, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_set_requested_sct(NULL, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_proof_token(NULL, &pk, &b, &b2));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_proof_token(rstr, &pk, NULL, &b2));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_set_proof_secret(NULL, NULL, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_set_proof_secret(rstr, NULL, 32));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_set_proof_computed_key(NULL, NULL, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_attached_reference(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_unattached_reference(rstr, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_set_attached_reference(NULL, NULL, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_set_unattached_reference(NULL, NULL, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_requested_token_cancelled(NULL, &flag));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_requested_token_cancelled(rstr, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_set_requested_token_cancelled(NULL, true));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_status(NULL, &val, &b, &b2));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_status(rstr, &val, &b, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstr_set_status(NULL, 0, NULL, 0));
    wssx_rstr_free(NULL);

    /* RSTRC. */
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstrc_count(NULL, &n));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstrc_get(NULL, 0, &s2));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstrc_version(NULL, &tv));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstrc_to_xml(NULL, WSSX_TRUST_1_3, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_rstrc_to_json(NULL, &b));
    wssx_rstrc_free(NULL);

    /* Envelope. */
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_to_xml(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_to_json(env, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_soap_version(NULL, &sv));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_wsa_version(env, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_wsa_version(NULL, &wv));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_set_wsa_version(NULL, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_action(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_message_id(env, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_to(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_relates_to(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_set_action(NULL, S("x")));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_set_action(env, NULL, 1));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_set_message_id(NULL, S("x")));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_set_to(NULL, S("x")));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_set_relates_to(NULL, S("x")));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_content_type(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_body(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_set_body(NULL, NULL, 0));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_set_body(env, NULL, 4));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_set_body_rst(env, NULL, WSSX_TRUST_1_3));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_set_body_rst(NULL, rst, WSSX_TRUST_1_3));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_set_body_rstr(env, NULL, WSSX_TRUST_1_3));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_set_body_rstrc(env, NULL, WSSX_TRUST_1_3));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_envelope_set_body_rstr(env, rstr, 5));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_fault(NULL, &f2));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_envelope_fault(env, NULL));
    wssx_envelope_free(NULL);

    /* Fault. */
    EXPECT(WSSX_NULL_ARGUMENT, wssx_fault_set_reason(NULL, S("x")));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_fault_set_reason(f, NULL, 2));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_fault_kind(NULL, &ks));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_fault_kind(f, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_fault_reason(NULL, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_fault_subcode(NULL, &b, &b2));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_fault_subcode(f, &b, NULL));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_fault_to_xml(NULL, WSSX_SOAP_11, &b));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_fault_to_xml(f, 2, &b));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_fault_to_envelope(NULL, WSSX_SOAP_11, WSSX_WSA_NONE, &e2));
    EXPECT(WSSX_NULL_ARGUMENT, wssx_fault_to_envelope(f, WSSX_SOAP_11, WSSX_WSA_NONE, NULL));
    EXPECT(WSSX_INVALID_ARGUMENT, wssx_fault_to_envelope(f, WSSX_SOAP_11, 9, &e2));
    CHECK(e2 == NULL);
    EXPECT(WSSX_NULL_ARGUMENT, wssx_fault_to_json(NULL, &b));
    wssx_fault_free(NULL);
    CHECK(b.data == NULL && b2.data == NULL && b3.data == NULL);

    /* Invalid UTF-8 in string arguments. */
    const uint8_t bad[] = {'u', 'r', 'n', ':', 0xC3, 0x28};
    EXPECT(WSSX_INVALID_UTF8, wssx_rst_set_context(rst, bad, sizeof bad));
    EXPECT(WSSX_INVALID_UTF8, wssx_rst_set_token_type(rst, bad, sizeof bad));
    EXPECT(WSSX_INVALID_UTF8, wssx_rst_set_request_type_uri(rst, bad, sizeof bad));
    EXPECT(WSSX_INVALID_UTF8, wssx_rst_set_applies_to(rst, WSSX_WSA_2005_08, bad, sizeof bad));
    EXPECT(WSSX_INVALID_UTF8, wssx_rstr_set_attached_reference(rstr, bad, sizeof bad));
    EXPECT(WSSX_INVALID_UTF8, wssx_rstr_set_status(rstr, WSSX_VALIDITY_VALID, bad, sizeof bad));
    EXPECT(WSSX_INVALID_UTF8, wssx_rstr_set_proof_computed_key(rstr, bad, sizeof bad));
    EXPECT(WSSX_INVALID_UTF8, wssx_envelope_set_to(env, bad, sizeof bad));
    EXPECT(WSSX_INVALID_UTF8, wssx_fault_set_reason(f, bad, sizeof bad));
    EXPECT(WSSX_INVALID_UTF8, wssx_rst_to_envelope(rst, WSSX_TRUST_1_3, WSSX_SOAP_12, WSSX_WSA_2005_08, bad, sizeof bad,
                                                    NULL, 0, &e2));

    wssx_fault_free(f);
    wssx_envelope_free(env);
    wssx_rstr_free(rstr);
    wssx_rst_free(rst);
}

/* Every parser must refuse garbage and truncated documents with a typed error, never panic. */
static void test_trust_garbage(void) {
    static const char *files[] = {"peer/wcf-feb2005-sct-rst.xml", "peer/wcf-feb2005-sct-rstr.xml",
                                  "peer/wcf-1.3-sct-rstrc.xml", "sc13/wsc-09-fault-soap12.xml",
                                  "sc13/wsc-05-renew-request.xml"};
    uint8_t junk[512];
    wssx_buf b = {NULL, 0};
    for (int round = 0; round < 40; round++) {
        size_t n = 1 + rng() % sizeof junk;
        for (size_t i = 0; i < n; i++) junk[i] = (uint8_t)rng();
        if (round % 2 == 0) junk[0] = '<';
        void *h = POISON(void);
        EXPECT_FAILURE(wssx_rst_parse(junk, n, (wssx_rst **)&h));
        CHECK(h == NULL);
        EXPECT_FAILURE(wssx_rstr_parse(junk, n, (wssx_rstr **)&h));
        EXPECT_FAILURE(wssx_rstrc_parse(junk, n, (wssx_rstrc **)&h));
        EXPECT_FAILURE(wssx_envelope_parse(junk, n, (wssx_envelope **)&h));
        EXPECT_FAILURE(wssx_fault_parse(junk, n, (wssx_fault **)&h));
        EXPECT_FAILURE(wssx_trust_inspect(junk, n, &b));
        CHECK(h == NULL && b.data == NULL);
    }
    /* Every truncation of real messages (before their last '>') fails cleanly. */
    for (size_t fi = 0; fi < sizeof files / sizeof files[0]; fi++) {
        size_t len;
        char *x = fixture(files[fi], &len);
        if (x == NULL) continue;
        size_t end = len;
        while (end > 0 && x[end - 1] != '>') end--;
        int bad = 0;
        for (size_t cut = 0; cut + 1 < end; cut += 7) {
            wssx_rst *r = NULL;
            wssx_rstr *s = NULL;
            wssx_rstrc *c = NULL;
            wssx_envelope *e = NULL;
            wssx_fault *f = NULL;
            wssx_status st[6] = {wssx_rst_parse(U8(x), cut, &r),      wssx_rstr_parse(U8(x), cut, &s),
                                 wssx_rstrc_parse(U8(x), cut, &c),    wssx_envelope_parse(U8(x), cut, &e),
                                 wssx_fault_parse(U8(x), cut, &f),    wssx_trust_inspect(U8(x), cut, &b)};
            for (int i = 0; i < 6; i++) bad += st[i] == WSSX_OK || st[i] == WSSX_PANIC;
            bad += r != NULL || s != NULL || c != NULL || e != NULL || f != NULL || b.data != NULL;
        }
        CHECK(bad == 0);
        free(x);
    }
    /* Wrong namespace, missing RequestType, bad numbers, base64 and timestamps. */
    wssx_rst *r = NULL;
    wssx_rstr *s = NULL;
    wssx_envelope *e = NULL;
    EXPECT(WSSX_INVALID_REQUEST, wssx_rst_parse(S("<t:RequestSecurityToken xmlns:t=\"urn:x\"/>"), &r));
    EXPECT(WSSX_INVALID_REQUEST, wssx_rst_parse(S("<t:RequestSecurityToken xmlns:t=\"" TRUST13 "\"/>"),
                                                &r));
    CHECK(strstr(wssx_last_error(), "RequestType") != NULL);
    EXPECT(WSSX_INVALID_REQUEST,
           wssx_rst_parse(S("<t:RequestSecurityToken xmlns:t=\"" TRUST13 "\"><t:RequestType>" TRUST13
                            "/Issue</t:RequestType><t:KeySize>big</t:KeySize></t:RequestSecurityToken>"),
                          &r));
    CHECK(strstr(wssx_last_error(), "KeySize") != NULL);
    EXPECT(WSSX_INVALID_REQUEST,
           wssx_rstr_parse(S("<t:RequestSecurityTokenResponse xmlns:t=\"" TRUST13 "\"><t:Entropy><t:BinarySecret>**"
                             "</t:BinarySecret></t:Entropy></t:RequestSecurityTokenResponse>"),
                           &s));
    EXPECT(WSSX_INVALID_TIME_RANGE,
           wssx_rstr_parse(S("<t:RequestSecurityTokenResponse xmlns:t=\"" TRUST13 "\" xmlns:u=\"" NS_WSU
                             "\"><t:Lifetime><u:Created>2020-01-02T00:00:00Z</u:Created><u:Expires>2020-01-01T00:00:"
                             "00Z</u:Expires></t:Lifetime></t:RequestSecurityTokenResponse>"),
                           &s));
    EXPECT(WSSX_INVALID_REQUEST, wssx_trust_inspect(S("<a/>"), &b));
    CHECK(b.data == NULL);
    EXPECT(WSSX_INVALID_REQUEST, wssx_envelope_parse(S("<s:Envelope xmlns:s=\"urn:x\"><s:Body/></s:Envelope>"),
                                                     &e));
    CHECK(r == NULL && s == NULL && e == NULL);
    EXPECT(WSSX_MALFORMED_XML, wssx_rst_parse(S("<!DOCTYPE x [<!ENTITY e \"e\">]><x>&e;</x>"), &r));
}

void test_trust(void) {
    test_fixture_requests();
    test_fixture_responses();
    test_build_rst();
    test_build_rstr();
    test_envelopes();
    test_faults();
    test_trust_nulls();
    test_trust_garbage();
}
