/* What every ABI suite (tests/c/test_api_*.c) shares, as jansson's
 * test/suites/api share util.h. */
#ifndef GG_TEST_API_FIXTURE_H
#define GG_TEST_API_FIXTURE_H

#include <gamegate.h>

/* Checks made in the fixture count toward the suite (check.h). */
#define CHECK_SHARED_COUNTS

/* The sandbox's seed facts the suites use, read by load_seed. */
struct seed {
    const char *api_key, *user_token, *username;
    char user_id[32];
    const char *site, *other_site, *developer_key, *other_site_key, *disabled_key, *banned_ip;
    const char *member, *member_email, *member_password;
    const char *dev_id, *oat, *succ_url, *oat_username;
};
extern struct seed seed;

void load_seed(void);
/* A client pointed at the sandbox, with the seed's keys and site. */
gg_client *new_client(void);
/* No key, token or password of the seed may appear in text. */
void check_no_secret(const char *text);

#endif
