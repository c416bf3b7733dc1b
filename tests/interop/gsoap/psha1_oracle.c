/*
 * psha1_oracle.c -- gSOAP oracle for WS-SecureConversation P_SHA1.
 *
 * Computes derived keys and computed keys with soap_psha1() from gSOAP's
 * WS-Security plugin (plugin/wsseapi.c), so wssx can be compared against an
 * independent C peer.  Same line protocol as java/DeriveOracle.java:
 *
 *   psha1_oracle        stdin:  secretB64 TAB labelB64 TAB nonceB64 TAB offset TAB length
 *                       stdout: base64(P_SHA1(secret, label||nonce)[offset .. offset+length])
 *   psha1_oracle ck     stdin:  reqEntropyB64 TAB issuerEntropyB64 TAB keySizeBits
 *                       stdout: base64(P_SHA1(reqEntropy, issuerEntropy)[0 .. bits/8])
 *
 * soap_psha1 only produces a prefix, so a key at an offset is computed as
 * offset+length bytes and sliced.  A bad input line yields "ERROR <why>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wsseapi.h"

/* No service is defined; an empty namespace table satisfies the runtime. */
SOAP_NMAC struct Namespace namespaces[] = { {NULL, NULL, NULL, NULL} };

/* Decode base64 with gSOAP's own decoder; "" is the empty byte string. */
static const char *b64dec(struct soap *soap, const char *s, int *n)
{
  *n = 0;
  if (!*s)
    return "";
  return soap_base642s(soap, s, NULL, 0, n);
}

static int split(char *line, char **field, int max)
{
  int k = 0;
  char *p = line;
  field[k++] = p;
  while ((p = strchr(p, '\t')) && k < max)
  {
    *p++ = '\0';
    field[k++] = p;
  }
  return p ? -1 : k; /* -1: more fields than expected */
}

static void emit(struct soap *soap, const char *key, size_t len)
{
  if (len == 0)
    puts("");
  else
    puts(soap_s2base64(soap, (const unsigned char *)key, NULL, (int)len));
}

static void one_line(struct soap *soap, char *line, int ck)
{
  char *f[5];
  int nf = split(line, f, 5);
  int n1, n2, n3;
  if (ck)
  {
    const char *req, *iss;
    long bits;
    char *out;
    if (nf != 3) { puts("ERROR expected 3 fields"); return; }
    req = b64dec(soap, f[0], &n1);
    iss = b64dec(soap, f[1], &n2);
    bits = strtol(f[2], NULL, 10);
    if (!req || !iss || bits <= 0 || bits % 8) { puts("ERROR bad ck input"); return; }
    out = (char *)soap_malloc(soap, (size_t)bits / 8);
    if (soap_psha1(soap, req, (size_t)n1, iss, (size_t)n2, out, (size_t)bits / 8))
    { puts("ERROR soap_psha1 failed"); return; }
    emit(soap, out, (size_t)bits / 8);
  }
  else
  {
    const char *secret, *label, *nonce;
    long offset, length;
    char *seed, *out;
    if (nf != 5) { puts("ERROR expected 5 fields"); return; }
    secret = b64dec(soap, f[0], &n1);
    label = b64dec(soap, f[1], &n2);
    nonce = b64dec(soap, f[2], &n3);
    offset = strtol(f[3], NULL, 10);
    length = strtol(f[4], NULL, 10);
    if (!secret || !label || !nonce || offset < 0 || length < 0)
    { puts("ERROR bad derive input"); return; }
    seed = (char *)soap_malloc(soap, (size_t)(n2 + n3) + 1);
    memcpy(seed, label, (size_t)n2);
    memcpy(seed + n2, nonce, (size_t)n3);
    out = (char *)soap_malloc(soap, (size_t)(offset + length) + 1);
    if (soap_psha1(soap, secret, (size_t)n1, seed, (size_t)(n2 + n3), out, (size_t)(offset + length)))
    { puts("ERROR soap_psha1 failed"); return; }
    emit(soap, out + offset, (size_t)length);
  }
}

int main(int argc, char **argv)
{
  struct soap *soap = soap_new();
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  int ck = argc > 1 && !strcmp(argv[1], "ck");
  if (argc > 1 && !ck)
  {
    fprintf(stderr, "usage: %s [ck] < tsv\n", argv[0]);
    return 2;
  }
  while ((len = getline(&line, &cap, stdin)) >= 0)
  {
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
      line[--len] = '\0';
    one_line(soap, line, ck);
    soap_end(soap); /* free per-line temporaries */
  }
  free(line);
  soap_destroy(soap);
  soap_end(soap);
  soap_free(soap);
  return fflush(stdout) ? 1 : 0;
}
