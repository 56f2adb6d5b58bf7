#include "api_exit.h"

#include "client.h"
#include "result.h"

#include <stdlib.h>

int api_exit(gg_client *client, int code, const char *message, const struct secrets *secrets,
             gg_result *result, gg_result **out)
{
    if (!message)
        message = gg_strerror(code);
    /* Only a failure says anything: a success costs no lock. */
    struct config *config = client && code != GG_OK ? client_config(client) : NULL;
    struct secrets all = {0};
    secrets_add_all(&all, secrets);
    if (config)
        options_secrets(&config->options, &all);
    char *own = NULL;
    if (result) {
        result_set_outcome(result, code, message, &all);
        if (code != GG_OK)
            result_scrub(result, &all);
    } else if (code != GG_OK) {
        own = message_clean(message, &all);
    }
    if (client) /* without memory for the text, the code's own stands in */
        client_set_error(client, code, result ? result->message : own);
    free(own);
    config_release(config);
    if (result)
        return result_hand_out(result, out);
    if (out)
        *out = NULL;
    return code;
}
