#include "version.h"

#include "gamegate.h"

GG_EXTERN const char *gg_version(void)
{
    return GG_VERSION_TEXT;
}
