/*
 * gsoap_peer.c -- gSOAP 2.8 (Debian gsoap/libgsoap-dev, plugin/wsseapi.c) as a
 * WS-SecureConversation message protection peer for wssx.
 *
 * gSOAP's wsse plugin signs with the SCT secret itself ("raw key"): there is no
 * DerivedKeyToken support in the plugin. The SCT goes in the Security header,
 * the Signature's KeyInfo references it, and the Body (+ Timestamp) is signed
 * with HMAC-SHA1 keyed with the secret.
 *
 *   gsoap_peer sign <secretB64> <identifier> [--wsc 2005|1.3] [--text T] [--soap12]
 *                   [--sha256] [--no-timestamp] [--sct-id ID]
 *       writes a signed <ns:echo xmlns:ns="urn:wssx:echo"><ns:text>T</ns:text></ns:echo>
 *       request to stdout (no HTTP header).
 *   gsoap_peer verify <secretB64> [identifier]
 *       reads a secured envelope on stdin (any Body content is accepted), verifies it with
 *       soap_wsse_verify_auto(SOAP_SMD_HMAC_SHA1, secret) (+ a security token handler that
 *       hands out the secret when the signature's KeyInfo names an SCT whose Identifier
 *       matches, or any identifier when none is given); prints what was checked.
 *       Exit 0 iff the signature verified and soap_wsse_verify_body() says the Body is
 *       signed; 1 otherwise; 2 on usage errors.
 *   gsoap_peer bench <N> [textBytes]
 *       N x (serialize + sign into a memory string) and N x (parse + verify from memory),
 *       after a warm-up; prints "gsoap sign N R msgs/s" and "gsoap verify N R msgs/s".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "soapH.h"
#include "wsseapi.h"
#include "wssxecho.nsmap"

/* in libgsoapssl (dom.c), not declared by stdsoap2.h */
struct soap_dom_element *soap_in_xsd__anyType(struct soap *, const char *, struct soap_dom_element *, const char *);

#define WSC_13   "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512"
#define WSC_2005 "http://schemas.xmlsoap.org/ws/2005/02/sc"
#define SOAP11   "http://schemas.xmlsoap.org/soap/envelope/"
#define SOAP12   "http://www.w3.org/2003/05/soap-envelope"
#define WSU_NS   "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"

static struct Namespace nsmap[sizeof(namespaces) / sizeof(namespaces[0])];

/* Namespace table with the wanted SC and SOAP versions. The "in" patterns still accept
   the other version on input. */
static void set_versions(int wsc2005, int soap12)
{
  size_t i;
  memcpy(nsmap, namespaces, sizeof(namespaces));
  for (i = 0; nsmap[i].id; i++)
  {
    if (!strcmp(nsmap[i].id, "wsc"))
    {
      nsmap[i].ns = wsc2005 ? WSC_2005 : WSC_13;
      nsmap[i].in = wsc2005 ? WSC_13 : WSC_2005;
    }
    else if (!strcmp(nsmap[i].id, "SOAP-ENV") && soap12)
    {
      nsmap[i].ns = SOAP12;
      nsmap[i].in = SOAP11;
    }
    else if (!strcmp(nsmap[i].id, "SOAP-ENC") && soap12)
    {
      nsmap[i].ns = "http://www.w3.org/2003/05/soap-encoding";
      nsmap[i].in = "http://schemas.xmlsoap.org/soap/encoding/";
    }
  }
}

static int usage(const char *msg)
{
  fprintf(stderr, "gsoap_peer: %s\n"
    "usage: gsoap_peer sign <secretB64> <identifier> [--wsc 2005|1.3] [--text T] [--soap12] [--sha256] [--no-timestamp] [--sct-id ID]\n"
    "       gsoap_peer verify <secretB64> [identifier]\n"
    "       gsoap_peer bench <N> [textBytes]\n", msg);
  return 2;
}

static struct soap *new_ctx(void)
{
  /* SOAP_XML_CANONICAL: exc-c14n friendly output, required by the wsse plugin for signing */
  struct soap *soap = soap_new1(SOAP_XML_CANONICAL);
  soap_register_plugin(soap, soap_wsse);
  soap_set_namespaces(soap, nsmap);
  return soap;
}

/* -------------------------------------------------------------------- signing */

struct sign_opts
{
  const char *identifier;
  const char *sct_id;
  const char *text;
  int sha256;
  int timestamp;
};

/* Serialize the signed request; with out != NULL into a string (soap->os), else to fd 1. */
static int sign_message(struct soap *soap, const struct sign_opts *o, const char *key, int keylen, const char **out)
{
  struct ns__echo req;
  soap_wsse_delete_Security(soap);
  if (o->timestamp && soap_wsse_add_Timestamp(soap, "Time", 300))
    return soap->error;
  if (soap_wsse_add_SecurityContextToken(soap, o->sct_id, o->identifier))
    return soap->error;
  /* sign_body: adds wsu:Id="Body" to SOAP-ENV:Body and signs every wsu:Id element
     (the Body and the Timestamp) */
  if (soap_wsse_sign_body(soap, o->sha256 ? SOAP_SMD_HMAC_SHA256 : SOAP_SMD_HMAC_SHA1, key, keylen))
    return soap->error;
  req.text = (char *)o->text;
  soap->encodingStyle = NULL; /* document/literal */
  if (out)
    soap->os = out;
  else
    soap->sendfd = 1;
  /* what soap_send_ns__echo does, minus soap_connect (no endpoint, no HTTP) */
  soap_begin(soap);
  soap->encodingStyle = NULL;
  soap_serializeheader(soap);
  soap_serialize_ns__echo(soap, &req);
  if (soap_begin_count(soap))
    return soap->error;
  if ((soap->mode & SOAP_IO_LENGTH))
  {
    if (soap_envelope_begin_out(soap)
     || soap_putheader(soap)
     || soap_body_begin_out(soap)
     || soap_put_ns__echo(soap, &req, "ns:echo", "")
     || soap_body_end_out(soap)
     || soap_envelope_end_out(soap))
      return soap->error;
  }
  if (soap_end_count(soap))
    return soap->error;
  if (soap_begin_send(soap)
   || soap_envelope_begin_out(soap)
   || soap_putheader(soap)
   || soap_body_begin_out(soap)
   || soap_put_ns__echo(soap, &req, "ns:echo", "")
   || soap_body_end_out(soap)
   || soap_envelope_end_out(soap)
   || soap_end_send(soap))
    return soap->error;
  soap->os = NULL;
  return SOAP_OK;
}

/* -------------------------------------------------------------------- verifying */

static const char *g_key;
static int g_keylen;
static const char *g_identifier; /* NULL: any */
static int g_handler_calls;
static int g_handler_hits;

/* Called by the plugin for the HMAC key: hand out the secret when the KeyInfo names the
   SCT in this message (soap_wsse_get_SecurityContextToken) and its Identifier matches. */
/* The Identifier of the SCT the signature's KeyInfo/STR/Reference points at, or NULL.
   soap_wsse_get_SecurityContextToken() is meant to do this but never matches in gSOAP
   2.8.124: it compares the Reference URI ("#SCT") with the SCT's wsu:Id ("SCT"). */
static const char *sct_identifier(struct soap *soap)
{
  _wsse__Security *sec = soap_wsse_Security(soap);
  const char *uri = soap_wsse_get_KeyInfo_SecurityTokenReferenceURI(soap);
  if (!sec || !sec->wsc__SecurityContextToken || !uri)
    return NULL;
  if (*uri == '#' && sec->wsc__SecurityContextToken->wsu__Id
      && !strcmp(uri + 1, sec->wsc__SecurityContextToken->wsu__Id))
    return sec->wsc__SecurityContextToken->Identifier;
  /* reference by Identifier (URI = the Identifier itself, ValueType .../sct) */
  if (sec->wsc__SecurityContextToken->Identifier && !strcmp(uri, sec->wsc__SecurityContextToken->Identifier))
    return sec->wsc__SecurityContextToken->Identifier;
  return NULL;
}

static const void *token_handler(struct soap *soap, int *alg, const char *keyname,
                                 const unsigned char *keyid, int keyidlen, int *keylen)
{
  const char *ident = sct_identifier(soap);
  (void)keyname; (void)keyid; (void)keyidlen;
  g_handler_calls++;
  if ((*alg & SOAP_SMD_ALGO) != SOAP_SMD_HMAC)
    return NULL;
  if (!ident)
    return NULL; /* KeyInfo does not reference an SCT: fall back to verify_auto's key */
  if (g_identifier && strcmp(g_identifier, ident))
    return NULL; /* unknown context: verify_auto's key is still tried, see verify_message */
  g_handler_hits++;
  *keylen = g_keylen;
  return g_key;
}

struct vresult
{
  int sig_ok;        /* signature + digests verified */
  size_t body;       /* soap_wsse_verify_body */
  size_t timestamp;  /* soap_wsse_verify_element(wsu:Timestamp) */
  const char *sct;   /* Identifier of the SCT the KeyInfo references */
  char err[512];
};

/* Parse a message (from soap->is or fd 0) and verify it. Returns 0 if parsed+verified. */
static int verify_message(struct soap *soap, const char *in, struct vresult *r)
{
  memset(r, 0, sizeof(*r));
  soap_wsse_verify_auto(soap, SOAP_SMD_HMAC_SHA1, g_key, (size_t)g_keylen);
  if (in)
    soap->is = in;
  else
    soap->recvfd = 0;
  if (soap_begin_recv(soap)
   || soap_envelope_begin_in(soap)
   || soap_recv_header(soap)
   || soap_body_begin_in(soap))
    goto fail;
  /* accept any Body content: read each child as a DOM element (dom.c in libgsoapssl).
     soap_ignore_element() would be shorter, but skipped content does not reach the DOM
     the plugin digests, so every Body digest would then fail. */
  for (;;)
  {
    if (soap_peek_element(soap))
    {
      if (soap->error == SOAP_NO_TAG)
      {
        soap->error = SOAP_OK;
        break;
      }
      goto fail;
    }
    if (!soap_in_xsd__anyType(soap, NULL, NULL, NULL))
      goto fail;
  }
  if (soap_body_end_in(soap)
   || soap_envelope_end_in(soap)
   || soap_end_recv(soap)) /* the wsse plugin verifies the signature here */
    goto fail;
  r->sig_ok = soap_wsse_SignedInfo(soap) != NULL;
  if (!r->sig_ok)
  {
    snprintf(r->err, sizeof(r->err), "no ds:Signature/SignedInfo");
    soap_wsse_verify_done(soap);
    return 1;
  }
  /* What soap_wsse_verify_body() does (exactly one Body, and it is signed; note that it
     returns SOAP_OK = 0 for "signed" although its doc comment says "nonzero"), for both
     SOAP versions: verify_body takes the namespace from the first row of the namespace
     table, so a SOAP 1.2 message read with the SOAP 1.1 table is never "Body signed". */
  r->body = soap_wsse_verify_element(soap, SOAP11, "Body") == 1
         || soap_wsse_verify_element(soap, SOAP12, "Body") == 1;
  r->timestamp = soap_wsse_verify_element(soap, WSU_NS, "Timestamp");
  r->sct = sct_identifier(soap);
  if (g_identifier && (!r->sct || strcmp(r->sct, g_identifier)))
  {
    /* verify_auto's fallback key would accept any SCT: hold the message to the context */
    snprintf(r->err, sizeof(r->err), "signature key is not the SCT '%s' (KeyInfo names %s)",
             g_identifier, r->sct ? r->sct : "no SCT of this message");
    soap_wsse_verify_done(soap);
    return 1;
  }
  if (soap_wsse_Security(soap) && soap_wsse_Security(soap)->wsu__Timestamp
      && soap_wsse_verify_Timestamp(soap))
  {
    snprintf(r->err, sizeof(r->err), "timestamp: %s", soap_fault_string(soap) ? soap_fault_string(soap) : "expired");
    r->sig_ok = 0;
  }
  soap_wsse_verify_done(soap);
  return r->sig_ok ? 0 : 1;
fail:
  {
    const char *s = soap_fault_string(soap);
    const char *d = soap_fault_detail(soap);
    snprintf(r->err, sizeof(r->err), "error %d%s%s%s%s", soap->error, s ? ": " : "", s ? s : "",
             d ? " / " : "", d ? d : "");
  }
  soap_wsse_verify_done(soap);
  return 1;
}

/* -------------------------------------------------------------------- bench */

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bench(int n, int textbytes)
{
  static const char lorem[] = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. ";
  char *text = malloc(textbytes + 1);
  char key[32];
  const char *signed_msg = NULL;
  char *copy;
  struct sign_opts o = { "urn:uuid:6f0c3e4e-1c55-4c1a-9c0e-1f2f3a4b5c6d", "SCT", NULL, 0, 1 };
  struct vresult r;
  struct soap *soap;
  int i, warm = n < 2000 ? n : 2000;
  double t0, ts, tv;
  for (i = 0; i < textbytes; i++)
    text[i] = lorem[i % (sizeof(lorem) - 1)];
  text[textbytes] = 0;
  for (i = 0; i < 32; i++)
    key[i] = (char)(i * 7 + 1);
  o.text = text;
  g_key = key;
  g_keylen = 32;
  set_versions(1, 0);
  soap = new_ctx();
  soap_wsse_set_security_token_handler(soap, token_handler);
  /* one message to verify, copied out of the context's memory */
  if (sign_message(soap, &o, key, 32, &signed_msg))
  {
    soap_print_fault(soap, stderr);
    return 1;
  }
  copy = strdup(signed_msg);
  soap_end(soap);
  for (i = 0; i < warm; i++)
  {
    const char *out = NULL;
    if (sign_message(soap, &o, key, 32, &out))
      return 1;
    soap_destroy(soap);
    soap_end(soap);
  }
  t0 = now();
  for (i = 0; i < n; i++)
  {
    const char *out = NULL;
    if (sign_message(soap, &o, key, 32, &out))
    {
      soap_print_fault(soap, stderr);
      return 1;
    }
    soap_destroy(soap);
    soap_end(soap);
  }
  ts = now() - t0;
  soap_free(soap);

  soap = new_ctx();
  soap_wsse_set_security_token_handler(soap, token_handler);
  for (i = 0; i < warm; i++)
  {
    verify_message(soap, copy, &r);
    soap_destroy(soap);
    soap_end(soap);
  }
  t0 = now();
  for (i = 0; i < n; i++)
  {
    if (verify_message(soap, copy, &r) || !r.body)
    {
      fprintf(stderr, "gsoap bench: verify failed: %s\n", r.err);
      return 1;
    }
    soap_destroy(soap);
    soap_end(soap);
  }
  tv = now() - t0;
  soap_free(soap);
  printf("gsoap sign %d %.0f msgs/s (text %d B, envelope %zu B signed)\n", n, n / ts, textbytes, strlen(copy));
  printf("gsoap verify %d %.0f msgs/s (text %d B, envelope %zu B signed)\n", n, n / tv, textbytes, strlen(copy));
  free(copy);
  free(text);
  return 0;
}

/* -------------------------------------------------------------------- main */

static char *b64dec(struct soap *soap, const char *s, int *n)
{
  return (char *)soap_base642s(soap, s, NULL, 0, n);
}

int main(int argc, char **argv)
{
  struct soap *soap;
  int keylen = 0;
  char *key;
  if (argc < 2)
    return usage("missing mode");
  if (!strcmp(argv[1], "bench"))
  {
    if (argc < 3)
      return usage("bench needs N");
    return bench(atoi(argv[2]), argc > 3 ? atoi(argv[3]) : 240);
  }
  if (!strcmp(argv[1], "sign"))
  {
    struct sign_opts o = { NULL, "SCT", "hello from gSOAP", 0, 1 };
    int wsc2005 = 0, soap12 = 0, i;
    if (argc < 4)
      return usage("sign needs <secretB64> <identifier>");
    o.identifier = argv[3];
    for (i = 4; i < argc; i++)
    {
      if (!strcmp(argv[i], "--wsc") && i + 1 < argc)
      {
        const char *v = argv[++i];
        if (!strcmp(v, "2005"))
          wsc2005 = 1;
        else if (!strcmp(v, "1.3"))
          wsc2005 = 0;
        else
          return usage("--wsc must be 2005 or 1.3");
      }
      else if (!strcmp(argv[i], "--text") && i + 1 < argc)
        o.text = argv[++i];
      else if (!strcmp(argv[i], "--sct-id") && i + 1 < argc)
        o.sct_id = argv[++i];
      else if (!strcmp(argv[i], "--soap12"))
        soap12 = 1;
      else if (!strcmp(argv[i], "--sha256"))
        o.sha256 = 1;
      else if (!strcmp(argv[i], "--no-timestamp"))
        o.timestamp = 0;
      else
        return usage("unknown sign option");
    }
    set_versions(wsc2005, soap12);
    soap = new_ctx();
    key = b64dec(soap, argv[2], &keylen);
    if (!key || keylen <= 0)
      return usage("bad base64 secret");
    if (sign_message(soap, &o, key, keylen, NULL))
    {
      soap_print_fault(soap, stderr);
      return 1;
    }
    soap_destroy(soap);
    soap_end(soap);
    soap_free(soap);
    return 0;
  }
  if (!strcmp(argv[1], "verify"))
  {
    struct vresult r;
    int rc;
    if (argc < 3 || argc > 4)
      return usage("verify needs <secretB64> [identifier]");
    set_versions(0, 0);
    soap = new_ctx();
    soap_wsse_set_security_token_handler(soap, token_handler);
    key = b64dec(soap, argv[2], &keylen);
    if (!key || keylen <= 0)
      return usage("bad base64 secret");
    g_key = key;
    g_keylen = keylen;
    g_identifier = argc > 3 ? argv[3] : NULL;
    rc = verify_message(soap, NULL, &r);
    if (r.sct)
      printf("sct identifier=%s (referenced by the signature's KeyInfo)\n", r.sct);
    if (rc)
    {
      printf("rejected: %s\n", r.err[0] ? r.err : "verification failed");
      return 1;
    }
    printf("signature ok (key via %s)\n", g_handler_hits ? "security_token_handler (SCT identifier)" : "verify_auto");
    printf("  signed Body: %s\n", r.body ? "yes" : "no");
    printf("  signed Timestamp: %s\n", r.timestamp ? "yes" : "no");
    if (!r.body)
    {
      printf("rejected: Body not signed\n");
      return 1;
    }
    printf("ok: body-signed\n");
    soap_destroy(soap);
    soap_end(soap);
    soap_free(soap);
    return 0;
  }
  return usage("unknown mode");
}
