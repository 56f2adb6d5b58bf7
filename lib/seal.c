#include "seal.h"

#include "wiping_alloc.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define VERSION 1
#define NONCE_SIZE 12
#define TAG_SIZE 16

/* A fixed salt: the secret is already a key (RFC 5869, section 3.1), and
 * every process of a fleet must derive the same one from it. */
static const char SALT[] = "gamegate session store";

/* Fetched once: a fetch searches OpenSSL's providers under a lock, and
 * costs more than the derivation itself on every call. */
static EVP_KDF *shared_hkdf;
static pthread_once_t hkdf_once = PTHREAD_ONCE_INIT;

static void fetch_hkdf(void)
{
    shared_hkdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    ERR_clear_error();
}

bool seal_derive_key(const char *secret, const char *service, unsigned char key[SEAL_KEY_SIZE])
{
    char info[64];
    snprintf(info, sizeof info, "gamegate/%d logins of %s", VERSION, service);
    pthread_once(&hkdf_once, fetch_hkdf);
    /* Without memory at the first fetch, each call fetches its own. */
    EVP_KDF *kdf = shared_hkdf ? shared_hkdf : EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, strlen(secret)),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)SALT, sizeof SALT - 1),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, strlen(info)),
        OSSL_PARAM_construct_end(),
    };
    bool ok = ctx && EVP_KDF_derive(ctx, key, SEAL_KEY_SIZE, params) == 1;
    EVP_KDF_CTX_free(ctx);
    if (kdf != shared_hkdf)
        EVP_KDF_free(kdf);
    if (!ok)
        ERR_clear_error(); /* the queue would keep what a failed allocation left */
    return ok;
}

/* Runs AES-256-GCM one way over in into out (room for in_len bytes). */
static bool crypt(bool encrypt, const unsigned char *key, const unsigned char *nonce,
                  const char *context, const unsigned char *in, size_t in_len,
                  unsigned char *out, unsigned char *tag)
{
    if (in_len > INT32_MAX)
        return false;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0, last = 0;
    bool ok = ctx &&
              EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce, encrypt ? 1 : 0) == 1 &&
              EVP_CipherUpdate(ctx, NULL, &len, (const unsigned char *)context,
                               (int)strlen(context)) == 1 &&
              EVP_CipherUpdate(ctx, out, &len, in, (int)in_len) == 1 &&
              (encrypt || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_SIZE, tag) == 1) &&
              EVP_CipherFinal_ex(ctx, out + len, &last) == 1 &&
              (!encrypt || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_SIZE, tag) == 1);
    EVP_CIPHER_CTX_free(ctx);
    ERR_clear_error();
    return ok;
}

bool seal(const unsigned char key[SEAL_KEY_SIZE], const char *context, const char *plain,
          size_t plain_len, struct strbuf *out)
{
    size_t start = out->len;
    unsigned char head[1 + NONCE_SIZE] = {VERSION};
    /* Random nonces: 2^32 seals under one key keep the chance of a repeat
     * negligible, and a game's logins are far fewer. */
    if (RAND_bytes(head + 1, NONCE_SIZE) != 1) {
        ERR_clear_error();
        return false;
    }
    unsigned char *at = strbuf_extend(out, sizeof head + plain_len + TAG_SIZE);
    if (!at)
        return false;
    memcpy(at, head, sizeof head);
    if (!crypt(true, key, at + 1, context, (const unsigned char *)plain, plain_len,
               at + sizeof head, at + sizeof head + plain_len)) {
        wipe(at, out->len - start);
        out->len = start;
        out->data[start] = '\0';
        return false;
    }
    return true;
}

bool seal_open(const unsigned char key[SEAL_KEY_SIZE], const char *context,
               const unsigned char *sealed, size_t sealed_len, struct strbuf *out, bool *nomem)
{
    *nomem = false;
    if (sealed_len < 1 + NONCE_SIZE + TAG_SIZE || sealed[0] != VERSION)
        return false;
    size_t plain_len = sealed_len - 1 - NONCE_SIZE - TAG_SIZE;
    size_t start = out->len;
    unsigned char *at = strbuf_extend(out, plain_len);
    if (!at) {
        *nomem = true;
        return false;
    }
    unsigned char tag[TAG_SIZE];
    memcpy(tag, sealed + sealed_len - TAG_SIZE, TAG_SIZE);
    if (!crypt(false, key, sealed + 1, context, sealed + 1 + NONCE_SIZE, plain_len, at, tag)) {
        wipe(at, plain_len);
        out->len = start;
        out->data[start] = '\0';
        return false;
    }
    return true;
}
