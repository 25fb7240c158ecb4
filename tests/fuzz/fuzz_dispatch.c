/* Fuzz target: what the dispatcher reads from outside: SendMessageBatch
 * answers (rt_sqs_send_batch_parse: every entry ends ok or with a code,
 * strings terminated), the database secret (rt_db_conf_from_secret: a
 * refusal never quotes the input, so never the password), and PostgreSQL
 * array literals of arbitrary strings (balanced, every quote escaped). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/err.h"
/* runtime internals: the fuzz build adds no private include paths */
#include "../../runtime/handlers/dispatch_db.h"
#include "../../runtime/sqs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rt_sqs_result res[RT_SQS_BATCH_MAX];
  size_t n = size ? 1 + data[0] % RT_SQS_BATCH_MAX : 1;
  if (rt_sqs_send_batch_parse(res, n, (const char *)data, size) == CC_OK) {
    for (size_t i = 0; i < n; i++) {
      if (strlen(res[i].code) >= sizeof res[i].code || strlen(res[i].message) >= sizeof res[i].message)
        abort();
      if (!res[i].ok && !res[i].code[0]) abort();
    }
  }

  cc_buf err = CC_BUF_INIT;
  rt_db_conf c;
  if (rt_db_conf_from_secret(&c, (const char *)data, size, NULL, NULL, &err) == CC_OK) {
    if (!c.password || !c.host[0] || !c.user[0]) abort();
    rt_db_conf_free(&c);
  } else if (c.password) {
    abort();
  }
  cc_buf_free(&err);

  /* the input as strings separated by NUL bytes, each made a C string */
  char *copy = malloc(size + 1);
  const char *items[64];
  size_t k = 0;
  if (!copy) return 0;
  memcpy(copy, data, size);
  copy[size] = '\0';
  for (size_t i = 0; i <= size && k < 64; i += strlen(copy + i) + 1) items[k++] = copy + i;
  cc_buf b = CC_BUF_INIT;
  if (rt_db_array(&b, items, k) == CC_OK) {
    const char *s = cc_buf_str(&b);
    if (s[0] != '{' || s[b.len - 1] != '}') abort();
    /* inside an element, every quote and backslash is escaped */
    int in = 0;
    for (size_t i = 1; i + 1 < b.len; i++) {
      if (!in && s[i] == '"') in = 1;
      else if (in && s[i] == '\\') i++;
      else if (in && s[i] == '"') in = 0;
    }
    if (in) abort();
  }
  cc_buf_free(&b);
  free(copy);
  return 0;
}
