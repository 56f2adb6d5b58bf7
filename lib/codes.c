#include "gamegate.h"

GG_EXTERN const char *gg_strerror(int code)
{
    switch (code) {
    case GG_OK: return "no error";
    case GG_EINVAL: return "invalid argument";
    case GG_ENOMEM: return "out of memory";
    case GG_ENETWORK: return "network error";
    case GG_ETIMEOUT: return "timed out";
    case GG_ETLS: return "TLS error";
    case GG_EHTTP: return "HTTP error status";
    case GG_EPROTOCOL: return "unexpected response from the service";
    case GG_ESERVICE: return "the service reported an error";
    case GG_EAUTH: return "authentication rejected";
    case GG_EDENIED: return "access denied";
    case GG_ESIGNATURE: return "callback signature does not verify";
    case GG_ENOTFOUND: return "nothing remembered for that user";
    case GG_ECANCELED: return "canceled";
    case GG_ESTORE: return "the session store failed";
    default: return "unknown error code";
    }
}
