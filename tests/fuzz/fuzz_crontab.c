/* libFuzzer target: the crontab reader of `cloudcron import crontab`
 * (gen_crontab_parse). Input: the crontab's text. Every schedule it
 * produces must be a cron() expression EventBridge's parser accepts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cc/diag.h"
#include "cc/schedule.h"
#include "crontab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void S_expr_ok(const char *expr) {
  if (!expr) return;
  cc_sched *s = NULL;
  cc_sched_err err;
  if (cc_sched_parse(&s, expr, &err)) abort(); /* the reader wrote an expression EventBridge rejects */
  cc_sched_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cc_diags d;
  cc_diags_init(&d);
  cc_diags_source(&d, "crontab", (const char *)data, size);
  gen_crontab c;
  if (gen_crontab_parse(&c, "crontab", (const char *)data, size, &d) == 0) {
    for (size_t i = 0; i < c.n; i++) {
      S_expr_ok(c.entries[i].expr);
      S_expr_ok(c.entries[i].expr_dow);
      if (!c.entries[i].command || !c.entries[i].text) abort();
    }
  }
  gen_crontab_free(&c);
  cc_diags_free(&d);
  return 0;
}
