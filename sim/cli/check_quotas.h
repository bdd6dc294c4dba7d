/* The quota warnings of `vpcsim check`: every adjustable AWS quota an architecture exceeds (a
 * quota AWS does not raise already failed the load), as text lines or a JSON array. */
#ifndef VPCSIM_CLI_CHECK_QUOTAS_H
#define VPCSIM_CLI_CHECK_QUOTAS_H

#include <stdio.h>

#include <json-c/json.h>

#include "vpcsim/aws/scenario.h"

/* Prints "  warning: ..." lines for architecture t of s. */
void check_quotas_print(FILE *f, const scenario *s, const topology *t);
/* The warnings as a JSON array, or NULL when there are none (the key is then left out). */
json_object *check_quotas_json(const scenario *s, const topology *t);

#endif
