/*
 * messages.c - parameter names inside messages, spelled by each host.
 *
 * Core names a parameter in a message as a token "@{name}", where name is
 * the plugin ABI's parameter name (side_field, overwrite, distances). A host
 * replaces each token with its own spelling: the CLI "--side-field", QGIS
 * its parameter, SQL its argument. fl_ctx_errmsg() and fl_ctx_warning()
 * give the bare name, for C callers, whose fl_options fields carry the same
 * names. Anything that is not exactly "@{" [a-z0-9_]+ "}" is copied as is.
 */
#include <string.h>
#include "fl_internal.h"

/* Length of the token at s ("@{name}"), 0 when s does not start one. */
static size_t token_len(const char *s, size_t *name_len) {
  if (s[0] != '@' || s[1] != '{') return 0;
  size_t n = 0;
  while ((s[2 + n] >= 'a' && s[2 + n] <= 'z') || (s[2 + n] >= '0' && s[2 + n] <= '9') ||
         s[2 + n] == '_')
    n++;
  if (n == 0 || n >= FL_PARAM_NAME_MAX || s[2 + n] != '}') return 0;
  *name_len = n;
  return n + 3;
}

static void put(char *out, size_t cap, size_t *at, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++, (*at)++)
    if (*at + 1 < cap) out[*at] = s[i];
}

size_t fl_msg_spell(const char *raw, fl_spell_fn spell, void *user, char *out, size_t cap) {
  size_t at = 0, name_len = 0;
  if (!raw) raw = "";
  while (*raw) {
    size_t n = token_len(raw, &name_len);
    if (!n) {
      put(out, cap, &at, raw++, 1);
      continue;
    }
    char name[FL_PARAM_NAME_MAX], spelled[FL_PARAM_NAME_MAX * 4];
    memcpy(name, raw + 2, name_len);
    name[name_len] = '\0';
    const char *s = name;
    if (spell && spell(name, spelled, sizeof spelled, user) > 0) s = spelled;
    put(out, cap, &at, s, strlen(s));
    raw += n;
  }
  if (cap) out[at < cap ? at : cap - 1] = '\0';
  return at;
}

/* ---- one line of text ----------------------------------------------------- */

/* Length of the UTF-8 sequence at s (1..4), 0 when s does not start one. */
static size_t utf8_seq(const unsigned char *s) {
  size_t n = s[0] < 0x80 ? 1 : s[0] < 0xC2 ? 0 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3
             : s[0] < 0xF5 ? 4 : 0;
  for (size_t i = 1; i < n; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  return n;
}

void fl__msg_clean(char *s) {
  unsigned char *p = (unsigned char *)s;
  while (*p) {
    size_t n = utf8_seq(p);
    if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f))) {
      *p = *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : '?';
      p++;
      continue;
    }
    p += n;
  }
}
