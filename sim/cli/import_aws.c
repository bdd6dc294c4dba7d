/* `vpcsim import aws`: placeholder, filled below. */
#include "cli/import_impl.h"

int import_aws(const char *dir, import_estate *e, vs_error *err)
{
    (void)e;
    return error_set(err, "%s: not yet", dir);
}
