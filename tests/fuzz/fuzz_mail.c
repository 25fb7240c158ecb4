/* Fuzz target: the e-mail channel's text work (runtime/handlers/mail.h):
 * the first byte picks a mailbox (rt_mail_mailbox: what it writes must be
 * ASCII without CR or LF, a mailbox again), HTML to text (rt_mail_html_text:
 * no byte of markup decides more than its own length) or Markdown to HTML
 * (rt_mail_markdown_html: raw HTML never passed through). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/err.h"
/* runtime internals: the fuzz build adds no private include paths */
#include "../../runtime/handlers/mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  char *s = malloc(size);
  if (!s) return 0;
  memcpy(s, data + 1, size - 1);
  s[size - 1] = '\0';
  cc_buf out = CC_BUF_INIT, again = CC_BUF_INIT;
  cc_buf why = CC_BUF_INIT;
  switch (data[0] % 3) {
  case 0:
    if (rt_mail_mailbox(&out, s, &why) == CC_OK) {
      for (size_t i = 0; i < out.len; i++)
        if ((unsigned char)out.ptr[i] >= 0x80 || out.ptr[i] == '\r' || out.ptr[i] == '\n') abort();
      /* what it writes is a mailbox it reads back the same */
      if (rt_mail_mailbox(&again, cc_buf_str(&out), &why) != CC_OK) abort();
      if (strchr(cc_buf_str(&out), '<') && strcmp(cc_buf_str(&out), cc_buf_str(&again)) != 0) abort();
    } else if (!why.len) {
      abort();
    }
    break;
  case 1:
    rt_mail_html_text(&out, s, size - 1);
    break;
  default:
    if (rt_mail_markdown_html(&out, s, size - 1) == CC_OK && strstr(cc_buf_str(&out), "<script"))
      abort();
  }
  cc_buf_free(&out);
  cc_buf_free(&again);
  free(s);
  cc_buf_free(&why);
  return 0;
}
