/* Planted faults for tools/lint-exits --must-fail: each public function
 * here returns a code without going through api_exit. */
GG_EXTERN int gg_planted_direct(gg_client *client)
{
    if (!client)
        return GG_EINVAL;
    return api_exit(client, GG_OK, NULL, NULL, NULL, NULL);
}

static int planted_helper(gg_client *client)
{
    int code = api_exit(client, GG_OK, NULL, NULL, NULL, NULL);
    code = GG_EINVAL;
    return code;
}

GG_EXTERN int gg_planted_through_helper(gg_client *client, gg_result **out)
{
    return planted_helper(client);
}

GG_EXTERN int gg_planted_brace_on_the_line(gg_client* client) {
    return GG_OK;
}

GG_EXTERN int gg_planted_conditional(gg_client *client, void (*fn)(void *))
{
    int code = GG_EINVAL;
    if (client)
        code = api_exit(client, GG_OK, NULL, NULL, NULL, NULL);
    return code;
}

GG_EXTERN int gg_planted_in_a_block(gg_client *client)
{
    int code = GG_EINVAL;
    if (client) {
        code = api_exit(client, GG_OK, NULL, NULL, NULL, NULL);
    }
    return code;
}

#if 0
GG_EXTERN int gg_planted_twice(gg_client *client)
{
    return api_exit(client, GG_OK, NULL, NULL, NULL, NULL);
}
#else
GG_EXTERN int gg_planted_twice(gg_client *client)
{
    return GG_OK;
}
#endif
