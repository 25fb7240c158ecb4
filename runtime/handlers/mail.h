/* mail.h: what the e-mail channel does to text before SES sees it (rt_mail_
 * internal API): addresses and display names, Markdown to HTML, and the
 * text part derived from an HTML body.
 *
 * Every function appends to a cc_buf the caller owns and frees; on failure
 * the buffer's content is undefined. None keeps a pointer to its input. */
#ifndef RT_MAIL_H
#define RT_MAIL_H
#include <stddef.h>

#include "cc/buf.h"

/* Whether s is LOCAL@DOMAIN.TLD in 7-bit ASCII (SES takes nothing else;
 * a Unicode domain goes in Punycode), without spaces, commas, control
 * characters or a second '@'. */
int rt_mail_is_address(const char *s);

/* A sender (or any single mailbox) as a user writes it: "ADDR",
 * "Name <ADDR>" or "\"Quoted, Name\" <ADDR>", the name in UTF-8. Appends
 * what SES v2's FromEmailAddress takes: the address alone, or the name as
 * an RFC 5322 atom phrase, a quoted string when it holds specials, or RFC
 * 2047 encoded words (=?UTF-8?B?...?=) when it is not ASCII, then
 * " <ADDR>". CC_EINVAL with the reason in err for anything else: a
 * bad address, an unterminated quote or '<', text after '>', a control
 * character (CR, LF, ...) or invalid UTF-8 in the name; CC_ENOMEM. */
int rt_mail_mailbox(cc_buf *out, const char *in, cc_buf *err);

/* Renders CommonMark (len bytes, UTF-8) to HTML with libcmark, raw HTML
 * and unsafe links (javascript:, vbscript:, file:, most data:) left out:
 * cmark's safe mode. CC_ENOMEM. */
int rt_mail_markdown_html(cc_buf *out, const char *md, size_t len);

/* A plain-text rendering of an HTML body, for mail clients that show no
 * HTML: tags dropped (and what <head>, <style>, <script> and comments
 * hold), whitespace collapsed outside <pre>, a blank line around blocks
 * (p, div, h1-h6, table, ul, ol, pre, blockquote), a line per <br>, <tr>
 * and <li> ("- " before an item), a tab between cells, a link's target
 * after its text as "text (URL)" when they differ, character references
 * decoded (named ones for the common entities, every numeric one). Not an
 * HTML5 parser: malformed markup gives some text, never an error. CC_ENOMEM. */
int rt_mail_html_text(cc_buf *out, const char *html, size_t len);
#endif
