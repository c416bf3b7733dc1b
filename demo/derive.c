/* wssx demo, C face: read a DerivedKeyToken (file) and the context secret (hex, argv),
 * derive the key the token names, print it as hex; also derive the same key directly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wssx.h"

static int unhex(const char *h, uint8_t *out, size_t cap) {
    size_t n = strlen(h) / 2;
    if (n > cap) return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(h + 2 * i, "%2x", &v) != 1) return -1;
        out[i] = (uint8_t)v;
    }
    return (int)n;
}

static void hex(const char *what, const wssx_buf *b) {
    printf("%-8s", what);
    for (size_t i = 0; i < b->len; i++) printf("%02x", b->data[i]);
    printf("\n");
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s DKT_FILE SECRET_HEX\n", argv[0]); return 2; }
    static uint8_t xml[65536];
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 2; }
    size_t xml_len = fread(xml, 1, sizeof xml, f);
    fclose(f);
    uint8_t secret[256];
    int secret_len = unhex(argv[2], secret, sizeof secret);
    if (secret_len < 0) { fprintf(stderr, "bad secret\n"); return 2; }

    wssx_dkt *dkt = NULL;
    if (wssx_dkt_parse(xml, xml_len, &dkt) != WSSX_OK) { fprintf(stderr, "%s\n", wssx_last_error()); return 1; }
    wssx_buf key = {0}, nonce = {0}, direct = {0};
    if (wssx_dkt_derive(dkt, secret, (size_t)secret_len, &key) != WSSX_OK ||
        wssx_dkt_nonce(dkt, &nonce) != WSSX_OK) {
        fprintf(stderr, "%s\n", wssx_last_error()); wssx_dkt_free(dkt); return 1;
    }
    const char *label = "WS-SecureConversationWS-SecureConversation";
    if (wssx_derive_key(secret, (size_t)secret_len, (const uint8_t *)label, strlen(label),
                        nonce.data, nonce.len, 0, key.len, &direct) != WSSX_OK) {
        fprintf(stderr, "%s\n", wssx_last_error()); return 1;
    }
    hex("C", &key);
    hex("C-raw", &direct);
    /* A hostile token is refused with a typed status, not a crash. */
    wssx_buf bad = {0};
    if (wssx_derive_key(secret, (size_t)secret_len, NULL, 0, NULL, 0, 1ull << 40, 32, &bad) != WSSX_OK)
        printf("%-8s%s -> %s\n", "C-bad", "offset 2^40", wssx_last_error());
    wssx_buf_free(&key); wssx_buf_free(&nonce); wssx_buf_free(&direct);
    wssx_dkt_free(dkt);
    return 0;
}
