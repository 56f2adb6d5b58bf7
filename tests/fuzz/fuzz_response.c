/* Response bodies as they arrive from the network: parsing, normalizing,
 * both services' envelopes, and reading paths from the result.
 * First byte: bit 0 unwraps KickApps' array; the rest of the input after the
 * first NUL (if any) is a path to read. */
#include "gamegate.h"
#include "response.h"
#include "result.h"
#include "services.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool unwrap = data[0] & 1;
    const char *body = (const char *)data + 1;
    size_t body_len = size - 1;
    const char *nul = memchr(body, '\0', body_len);
    char path[256] = "";
    if (nul) {
        size_t path_len = body_len - (size_t)(nul - body) - 1;
        if (path_len >= sizeof path)
            path_len = sizeof path - 1;
        memcpy(path, nul + 1, path_len);
        path[path_len] = '\0';
        body_len = (size_t)(nul - body);
    }

    struct gg_result *result = result_new();
    struct strbuf msg = {0};
    if (response_parse(body, body_len, unwrap, 1 << 26, &result->body, &msg) == GG_OK) {
        service_kongregate.check_envelope(result->body, &msg);
        service_kickapps.check_envelope(result->body, &msg);
        gg_result_get(result, path);
        gg_result_get(result, path); /* the cached text */
        gg_result_count(result, path);
        gg_result_json(result);
    }
    strbuf_release(&msg);
    gg_result_free(result);
    return 0;
}
