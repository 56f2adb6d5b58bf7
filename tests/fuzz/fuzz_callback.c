/* Callbacks as an attacker would post them: verified as they come, and (so
 * that the fuzzer also reaches what lies behind a good signature) signed by
 * this harness with the key and verified again. */
#include "gamegate.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char KEY[] = "748e63d7-c48c-418c-aa25-80456de2b98c";

static size_t b64url(const uint8_t *in, size_t len, char *out)
{
    int n = EVP_EncodeBlock((unsigned char *)out, in, (int)len);
    while (n > 0 && out[n - 1] == '=')
        n--;
    for (int i = 0; i < n; i++)
        out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
    out[n] = '\0';
    return (size_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gg_result *result = NULL;
    gg_callback_verify(NULL, (const char *)data, size, KEY, &result);
    gg_result_json(result);
    gg_result_free(result);

    if (size > 4096)
        return 0;
    char *signed_request = malloc(44 + 1 + 4 * ((size + 2) / 3) + 1);
    char *payload = signed_request + 44;
    size_t payload_len = b64url(data, size, payload + 1);
    unsigned char mac[32];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), KEY, (int)strlen(KEY), (const unsigned char *)payload + 1, payload_len,
         mac, &mac_len);
    b64url(mac, mac_len, signed_request);
    payload[0] = '.';
    gg_callback_verify(NULL, signed_request, strlen(signed_request), KEY, &result);
    gg_result_get(result, "event");
    gg_result_free(result);
    free(signed_request);
    return 0;
}
