/* test_mail.c: the e-mail channel's mailboxes, Markdown and HTML-to-text
 * (runtime/handlers/mail.h), case by case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cc/err.h"
#include "mail.h"

static void S_mailbox_is(const char *in, const char *want) {
  cc_buf out = CC_BUF_INIT;
  cc_buf why = CC_BUF_INIT;
  assert_int_equal(rt_mail_mailbox(&out, in, &why), CC_OK);
  assert_string_equal(cc_buf_str(&out), want);
  cc_buf_free(&out);
  cc_buf_free(&why);
}

static void S_mailbox_bad(const char *in, const char *want_why) {
  cc_buf out = CC_BUF_INIT;
  cc_buf why = CC_BUF_INIT;
  assert_int_equal(rt_mail_mailbox(&out, in, &why), CC_EINVAL);
  assert_true(why.len > 0);
  assert_non_null(strstr(cc_buf_str(&why), want_why));
  cc_buf_free(&out);
  cc_buf_free(&why);
}

static void mailboxes(void **state) {
  (void)state;
  S_mailbox_is("cron@example.com", "cron@example.com");
  S_mailbox_is(" Cron Ops <cron@example.com> ", "Cron Ops <cron@example.com>");
  S_mailbox_is("<cron@example.com>", "cron@example.com");
  S_mailbox_is("\"  \" <cron@example.com>", "cron@example.com");
  S_mailbox_is("\"Ops, Cron\" <cron@example.com>", "\"Ops, Cron\" <cron@example.com>");
  S_mailbox_is("Ops \"night\" a\\b <c@example.com>", "\"Ops \\\"night\\\" a\\\\b\" <c@example.com>");
  S_mailbox_is("\" x \" <c@example.com>", "\" x \" <c@example.com>");
  S_mailbox_is("Zo\xc3\xab <c@example.com>", "=?UTF-8?B?Wm/Dqw==?= <c@example.com>");
  /* 46 bytes of text: 44 in the first word (a 23rd character would pass
   * 45), never a character split */
  S_mailbox_is("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
               "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
               "\xc3\xa9\xc3\xa9\xc3\xa9 <c@example.com>",
               "=?UTF-8?B?w6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6k=?= "
               "=?UTF-8?B?w6k=?= <c@example.com>");
  S_mailbox_bad("cron", "not an e-mail address");
  S_mailbox_bad("cr\xc3\xb6n@example.com", "not an e-mail address");
  S_mailbox_bad("Cron <cron@example.com", "without its '>'");
  S_mailbox_bad("Cron <cron@example.com> x", "text after");
  S_mailbox_bad("Cron <cron>", "not an e-mail address");
  S_mailbox_bad("Cron\r\nBcc: x@evil.example <cron@example.com>", "control character");
  S_mailbox_bad("\"Cron <cron@example.com>", "quotes are not closed");
  S_mailbox_bad("Cr\xff <cron@example.com>", "not UTF-8");
  assert_false(rt_mail_is_address("a@b.c\r\n"));
  assert_false(rt_mail_is_address("a b@example.com"));
  assert_true(rt_mail_is_address("a+tag@sub.example.com"));
}

static void S_text_is(const char *html, const char *want) {
  cc_buf out = CC_BUF_INIT;
  assert_int_equal(rt_mail_html_text(&out, html, strlen(html)), CC_OK);
  assert_string_equal(cc_buf_str(&out), want);
  cc_buf_free(&out);
}

static void html_text(void **state) {
  (void)state;
  S_text_is("", "");
  S_text_is("<p>a</p><p>b</p>", "a\n\nb");
  S_text_is("  x \n\t y  ", "x y");
  S_text_is("<a href='https://e.example/'>https://e.example/</a>", "https://e.example/");
  S_text_is("<a href=#top>top</a> <a>no href</a>", "top no href");
  S_text_is("1 &lt; 2 &amp;&amp; &#65;&#x42; &unknown; & x", "1 < 2 && AB &unknown; & x");
  S_text_is("&#0;&#xD800;&#1114112;", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  S_text_is("a < b <3 <!doctype html><?xml x?>c", "a < b <3 c");
  S_text_is("<script>var a = '</p>';</script><style>p{}</style>x", "x");
  S_text_is("<p title=\"a>b\">x</p>", "x");
  S_text_is("<!-- never closed x", "");
  S_text_is("<pre>a  b\n c</pre>d", "a  b\n c\n\nd");
}

static void markdown(void **state) {
  (void)state;
  cc_buf out = CC_BUF_INIT;
  const char *md = "# T\n\n<script>x</script>\n\n[a](javascript:alert(1)) *e*\n";
  assert_int_equal(rt_mail_markdown_html(&out, md, strlen(md)), CC_OK);
  assert_string_equal(cc_buf_str(&out),
                      "<h1>T</h1>\n<!-- raw HTML omitted -->\n<p><a href=\"\">a</a> <em>e</em></p>\n");
  cc_buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(mailboxes),
      cmocka_unit_test(html_text),
      cmocka_unit_test(markdown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
