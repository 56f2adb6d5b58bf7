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
