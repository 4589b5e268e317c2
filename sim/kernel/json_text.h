/* JSON text from a json-glib tree that other JSON readers accept. */
#pragma once
#include <json-glib/json-glib.h>

/* json_generator_to_data of `root` (pretty or not), with one repair:
 * json-glib 1.6 writes a double whose shortest form has an exponent and no
 * point as "1e-300.0", which is not JSON; the ".0" after an exponent is
 * dropped (outside strings only). `length` may be NULL. */
char *sim_json_text(JsonNode *root, gboolean pretty, gsize *length);

/* The repair alone, in place, on NUL-terminated JSON text; returns its new
 * length. */
gsize sim_json_repair_exponents(char *text);
