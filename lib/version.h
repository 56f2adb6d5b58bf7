#ifndef GG_VERSION_H
#define GG_VERSION_H

#include "gamegate.h"

#define GG_STRINGIFY(x) #x
#define GG_VERSION_TEXT_OF(major, minor, patch) \
    GG_STRINGIFY(major) "." GG_STRINGIFY(minor) "." GG_STRINGIFY(patch)
#define GG_VERSION_TEXT GG_VERSION_TEXT_OF(GG_VERSION_MAJOR, GG_VERSION_MINOR, GG_VERSION_PATCH)

#endif
