/* JSON text that other readers accept (json_text.h). */
#include "sim/kernel/json_text.h"
#include <string.h>

gsize sim_json_repair_exponents(char *text)
{
  char *out = text;
  gboolean in_string = FALSE, exponent = FALSE;
  for (const char *p = text; *p; p++) {
    char c = *p;
    if (in_string) {
      if (c == '\\' && p[1]) {
        *out++ = c;
        c = *++p;
      } else if (c == '"') {
        in_string = FALSE;
      }
    } else if (c == '"') {
      in_string = TRUE;
      exponent = FALSE;
    } else if (c == 'e' || c == 'E') {
      exponent = TRUE;
    } else if (exponent && c == '.' && p[1] == '0' && !g_ascii_isdigit(p[2])) {
      p++; /* "1e-300.0": drop ".0" */
      continue;
    } else if (!g_ascii_isdigit(c) && c != '+' && c != '-') {
      exponent = FALSE;
    }
    *out++ = c;
  }
  *out = '\0';
  return (gsize) (out - text);
}

char *sim_json_text(JsonNode *root, gboolean pretty, gsize *length)
{
  g_autoptr(JsonGenerator) gen = json_generator_new();
  json_generator_set_pretty(gen, pretty);
  json_generator_set_root(gen, root);
  char *text = json_generator_to_data(gen, NULL);
  gsize n = sim_json_repair_exponents(text);
  if (length)
    *length = n;
  return text;
}
