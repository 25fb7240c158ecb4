/* mail.c: mailboxes for SES, Markdown to HTML, HTML to text. */
#include "mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark.h>

#include "cc/err.h"

/* ---- addresses ---- */

int rt_mail_is_address(const char *s) {
  const char *at = strchr(s, '@');
  if (!at || at == s || strchr(at + 1, '@')) return 0;
  for (const unsigned char *c = (const unsigned char *)s; *c; c++)
    if (*c <= ' ' || *c >= 0x7f || *c == ',' || *c == '<' || *c == '>') return 0;
  const char *dot = strrchr(at + 1, '.');
  return dot && dot > at + 1 && dot[1];
}

/* The length of the UTF-8 sequence at s (n bytes left), 0 when invalid. */
static size_t S_utf8_len(const unsigned char *s, size_t n) {
  size_t k;
  unsigned cp;
  if (s[0] < 0x80) return 1;
  if (s[0] >= 0xc2 && s[0] <= 0xdf) k = 2, cp = s[0] & 0x1f;
  else if (s[0] >= 0xe0 && s[0] <= 0xef) k = 3, cp = s[0] & 0x0f;
  else if (s[0] >= 0xf0 && s[0] <= 0xf4) k = 4, cp = s[0] & 0x07;
  else return 0;
  if (n < k) return 0;
  for (size_t i = 1; i < k; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (s[i] & 0x3f);
  }
  if ((k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)))
    return 0;
  return k;
}

static int S_base64(cc_buf *out, const unsigned char *s, size_t n) {
  static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  int rc = CC_OK;
  for (size_t i = 0; i < n && rc == CC_OK; i += 3) {
    unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
    char q[4] = {tab[v >> 18 & 63], tab[v >> 12 & 63], i + 1 < n ? tab[v >> 6 & 63] : '=', i + 2 < n ? tab[v & 63] : '='};
    rc = cc_buf_add(out, q, 4);
  }
  return rc;
}

/* RFC 5322 atext, and the space between words of a phrase. */
static int S_is_atext(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
         (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* Appends the display name (n bytes, checked UTF-8 without controls) as a
 * phrase: atoms as they are, a quoted string, or encoded words. */
static int S_phrase(cc_buf *out, const unsigned char *s, size_t n) {
  int ascii = 1, rc = CC_OK;
  /* atoms separated by single spaces read back as written */
  int plain = s[0] != ' ' && s[n - 1] != ' ';
  for (size_t i = 0; i < n; i++) {
    if (s[i] >= 0x80) ascii = 0;
    if (!S_is_atext(s[i]) || (s[i] == ' ' && i && s[i - 1] == ' ')) plain = 0;
  }
  if (plain) return cc_buf_add(out, s, n);
  if (ascii) {
    rc = cc_buf_putc(out, '"');
    for (size_t i = 0; i < n && rc == CC_OK; i++) {
      if (s[i] == '"' || s[i] == '\\') rc = cc_buf_putc(out, '\\');
      if (rc == CC_OK) rc = cc_buf_putc(out, (char)s[i]);
    }
    return rc == CC_OK ? cc_buf_putc(out, '"') : rc;
  }
  /* RFC 2047: an encoded word is at most 75 characters, so at most 45
   * bytes of text each (60 of base64), never splitting a character */
  for (size_t i = 0; i < n && rc == CC_OK;) {
    size_t j = i;
    while (j < n) {
      size_t k = S_utf8_len(s + j, n - j);
      if (j + k - i > 45) break;
      j += k;
    }
    if (i && (rc = cc_buf_putc(out, ' '))) break;
    if ((rc = cc_buf_puts(out, "=?UTF-8?B?")) || (rc = S_base64(out, s + i, j - i))) break;
    rc = cc_buf_puts(out, "?=");
    i = j;
  }
  return rc;
}

int rt_mail_mailbox(cc_buf *out, const char *in, cc_buf *err) {
  const char *s = in, *end = in + strlen(in);
  while (*s == ' ' || *s == '\t') s++;
  while (end > s && (end[-1] == ' ' || end[-1] == '\t')) end--;
  const char *lt = memchr(s, '<', (size_t)(end - s));
  for (const char *p = lt; p && p < end; p++)
    if (*p == '<') lt = p; /* the last '<': a quoted name may hold one */
  char addr[321];
  if (!lt) {
    if ((size_t)(end - s) >= sizeof addr) return cc_buf_seterr(err, "the address is too long"), CC_EINVAL;
    memcpy(addr, s, (size_t)(end - s));
    addr[end - s] = '\0';
    if (!rt_mail_is_address(addr))
      return cc_buf_seterr(err, "not an e-mail address (LOCAL@DOMAIN.TLD or Name <LOCAL@DOMAIN.TLD>)"), CC_EINVAL;
    return cc_buf_puts(out, addr);
  }
  const char *gt = memchr(lt, '>', (size_t)(end - lt));
  if (!gt) return cc_buf_seterr(err, "a '<' without its '>'"), CC_EINVAL;
  if (gt + 1 != end) return cc_buf_seterr(err, "text after the address's '>'"), CC_EINVAL;
  if ((size_t)(gt - lt - 1) >= sizeof addr) return cc_buf_seterr(err, "the address is too long"), CC_EINVAL;
  memcpy(addr, lt + 1, (size_t)(gt - lt - 1));
  addr[gt - lt - 1] = '\0';
  if (!rt_mail_is_address(addr)) return cc_buf_seterr(err, "the part in <> is not an e-mail address"), CC_EINVAL;
  /* the name: as written, or the content of a quoted string */
  const char *n0 = s, *n1 = lt;
  while (n1 > n0 && (n1[-1] == ' ' || n1[-1] == '\t')) n1--;
  cc_buf name = CC_BUF_INIT;
  int rc = CC_OK;
  if (n1 > n0 && *n0 == '"') {
    const char *p = n0 + 1;
    for (; p < n1 && *p != '"' && rc == CC_OK; p++) {
      if (*p == '\\' && p + 1 < n1) p++;
      rc = cc_buf_putc(&name, *p);
    }
    if (rc == CC_OK && (p + 1 != n1 || *p != '"')) {
      cc_buf_free(&name);
      return cc_buf_seterr(err, "the display name's quotes are not closed, or text follows them"), CC_EINVAL;
    }
  } else if (n1 > n0) {
    rc = cc_buf_add(&name, n0, (size_t)(n1 - n0));
  }
  const unsigned char *u = (const unsigned char *)(name.ptr ? name.ptr : "");
  for (size_t i = 0; rc == CC_OK && i < name.len;) {
    size_t k = S_utf8_len(u + i, name.len - i);
    if (!k || u[i] < ' ' || u[i] == 0x7f) {
      cc_buf_seterr(err, "%s", k ? "the display name holds a control character (CR, LF, ...)"
               : "the display name is not UTF-8");
      rc = CC_EINVAL;
    }
    i += k ? k : 1;
  }
  size_t blank = 0;
  while (blank < name.len && u[blank] == ' ') blank++;
  if (blank == name.len) name.len = 0; /* a name of spaces is no name */
  if (rc == CC_OK && name.len) rc = S_phrase(out, u, name.len);
  if (rc == CC_OK && name.len) rc = cc_buf_puts(out, " <");
  if (rc == CC_OK) rc = cc_buf_puts(out, addr);
  if (rc == CC_OK && name.len) rc = cc_buf_putc(out, '>');
  cc_buf_free(&name);
  return rc;
}

/* ---- Markdown ---- */

int rt_mail_markdown_html(cc_buf *out, const char *md, size_t len) {
  /* safe is libcmark's default since 0.29; CMARK_OPT_SAFE says so for
   * older ones */
  char *html = cmark_markdown_to_html(md, len, CMARK_OPT_DEFAULT | CMARK_OPT_SAFE);
  if (!html) return CC_ENOMEM;
  int rc = cc_buf_puts(out, html);
  free(html);
  return rc;
}

/* ---- HTML to text ---- */

typedef struct S_h2t {
  cc_buf *out;
  int rc;
  int pre;           /* inside <pre> */
  char skip[16];     /* inside <head>, <style>, <script>, <title>: until </skip> */
  int breaks;        /* line breaks owed before the next text (at most 2) */
  int space;         /* a space owed before the next text */
  int cells;         /* cells so far in this row */
  char *href;        /* the open link's target (owned) */
  size_t link_start; /* where its text starts in out */
} S_h2t;

/* Appends n bytes of visible text, paying what is owed first. */
static void S_put(S_h2t *h, const char *s, size_t n) {
  for (size_t i = 0; i < n && h->rc == CC_OK; i++) {
    char c = s[i];
    if (!h->pre && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')) {
      h->space = 1;
      continue;
    }
    if (h->out->len) {
      if (h->breaks) {
        size_t l = h->out->len;
        while (l && h->out->ptr[l - 1] == ' ') l--;
        cc_buf_truncate(h->out, l);
        for (int b = 0; b < h->breaks && h->rc == CC_OK; b++) h->rc = cc_buf_putc(h->out, '\n');
      } else if (h->space && h->out->ptr[h->out->len - 1] != '\n' && h->out->ptr[h->out->len - 1] != '\t') {
        h->rc = cc_buf_putc(h->out, ' ');
      }
    }
    h->breaks = h->space = 0;
    if (h->rc == CC_OK) h->rc = cc_buf_putc(h->out, c);
  }
}

static void S_break(S_h2t *h, int n) {
  if (h->out->len && h->breaks < n) h->breaks = n;
  h->space = 0;
}

/* Appends the code point cp as UTF-8 (U+FFFD for one that is not a
 * character). */
static void S_put_cp(S_h2t *h, unsigned long cp) {
  char b[4];
  size_t n;
  if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
  if (cp == 0xa0) {
    /* &nbsp; reads as a space in text */
    if (h->pre) S_put(h, " ", 1);
    else h->space = 1;
    return;
  }
  if (cp < 0x80) b[0] = (char)cp, n = 1;
  else if (cp < 0x800) b[0] = (char)(0xc0 | cp >> 6), b[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
  else if (cp < 0x10000)
    b[0] = (char)(0xe0 | cp >> 12), b[1] = (char)(0x80 | (cp >> 6 & 0x3f)), b[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
  else
    b[0] = (char)(0xf0 | cp >> 18), b[1] = (char)(0x80 | (cp >> 12 & 0x3f)),
    b[2] = (char)(0x80 | (cp >> 6 & 0x3f)), b[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
  S_put(h, b, n);
}

/* A character reference at s (n bytes, s[0] == '&'); returns the bytes
 * used, 0 when it is not one (the '&' is then text). */
static size_t S_entity(S_h2t *h, const char *s, size_t n) {
  static const struct { const char *name; unsigned cp; } named[] = {
      {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}, {"nbsp", 0xa0},
      {"copy", 0xa9}, {"reg", 0xae}, {"trade", 0x2122}, {"mdash", 0x2014}, {"ndash", 0x2013},
      {"hellip", 0x2026}, {"laquo", 0xab}, {"raquo", 0xbb}, {"lsquo", 0x2018}, {"rsquo", 0x2019},
      {"ldquo", 0x201c}, {"rdquo", 0x201d}, {"bull", 0x2022}, {"middot", 0xb7}, {"euro", 0x20ac},
      {"times", 0xd7}, {"deg", 0xb0}};
  size_t i = 1;
  if (i < n && s[i] == '#') {
    int hex = i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'X');
    unsigned long cp = 0;
    size_t d0 = i + 1 + (size_t)hex, d = d0;
    for (; d < n && d - d0 < 8; d++) {
      char c = s[d];
      int v = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
              : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (v < 0) break;
      cp = cp * (hex ? 16 : 10) + (unsigned long)v;
    }
    if (d == d0 || d >= n || s[d] != ';') return 0;
    S_put_cp(h, cp);
    return d + 1;
  }
  for (size_t k = 0; k < sizeof named / sizeof *named; k++) {
    size_t l = strlen(named[k].name);
    if (l + 2 <= n && memcmp(s + 1, named[k].name, l) == 0 && s[l + 1] == ';') {
      S_put_cp(h, named[k].cp);
      return l + 2;
    }
  }
  return 0;
}

static int S_is(const char *name, const char *const *set) {
  for (; *set; set++)
    if (strcmp(name, *set) == 0) return 1;
  return 0;
}

/* The value of attribute attr in the tag's attribute text a..e, malloc'd;
 * NULL when absent. */
static char *S_attr(const char *a, const char *e, const char *attr) {
  size_t al = strlen(attr);
  while (a < e) {
    while (a < e && (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r' || *a == '/')) a++;
    const char *k = a;
    while (a < e && *a != '=' && *a != ' ' && *a != '\t' && *a != '\n' && *a != '>') a++;
    size_t kl = (size_t)(a - k);
    const char *v = a, *ve = a;
    while (a < e && (*a == ' ' || *a == '\t' || *a == '\n')) a++;
    if (a < e && *a == '=') {
      a++;
      while (a < e && (*a == ' ' || *a == '\t' || *a == '\n')) a++;
      if (a < e && (*a == '"' || *a == '\'')) {
        char q = *a++;
        v = a;
        while (a < e && *a != q) a++;
        ve = a;
        if (a < e) a++;
      } else {
        v = a;
        while (a < e && *a != ' ' && *a != '\t' && *a != '\n') a++;
        ve = a;
      }
    }
    if (kl == al && strncasecmp(k, attr, al) == 0) return strndup(v, (size_t)(ve - v));
    if (kl == 0 && a == v) a++; /* a stray character: step over it */
  }
  return NULL;
}

/* After </a>: the target after the text, when it says more. */
static void S_link_end(S_h2t *h) {
  char *href = h->href;
  h->href = NULL;
  if (!href) return;
  const char *text = h->out->ptr ? h->out->ptr + h->link_start : "";
  size_t tl = h->out->len - h->link_start;
  while (tl && (*text == ' ' || *text == '\n' || *text == '\t')) text++, tl--;
  const char *shown = strncmp(href, "mailto:", 7) == 0 ? href + 7 : href;
  if (*href && *href != '#' && !(strlen(shown) == tl && memcmp(shown, text, tl) == 0)) {
    S_put(h, " (", 2);
    h->space = 0;
    S_put(h, href, strlen(href));
    S_put(h, ")", 1);
  }
  free(href);
}

/* One tag: name (lower case), closing or not, its attribute text. */
static void S_tag(S_h2t *h, const char *name, int closing, const char *a, const char *e) {
  static const char *const skip[] = {"head", "style", "script", "title", "template", NULL};
  static const char *const blocks[] = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table",
                                       "ul", "ol", "pre", "blockquote", "section", "article",
                                       "header", "footer", "main", "nav", "aside", "hr", "form",
                                       "dl", "figure", "address", "center", NULL};
  static const char *const lines[] = {"tr", "dt", "dd", "caption", NULL};
  if (h->skip[0]) {
    if (closing && strcmp(name, h->skip) == 0) h->skip[0] = '\0';
    return;
  }
  if (!closing && S_is(name, skip)) {
    snprintf(h->skip, sizeof h->skip, "%s", name);
    return;
  }
  if (strcmp(name, "pre") == 0) h->pre = closing ? 0 : 1;
  if (S_is(name, blocks)) {
    S_break(h, 2);
  } else if (S_is(name, lines)) {
    S_break(h, 1);
    if (strcmp(name, "tr") == 0) h->cells = 0;
  } else if (strcmp(name, "br") == 0) {
    if (h->out->len && h->breaks < 2) h->breaks++;
    h->space = 0;
  } else if (strcmp(name, "li") == 0 && !closing) {
    S_break(h, 1);
    S_put(h, "-", 1);
    h->space = 1; /* "- " before the item's first word */
  } else if ((strcmp(name, "td") == 0 || strcmp(name, "th") == 0) && !closing) {
    if (h->cells++ > 0 && h->out->len && !h->breaks) {
      h->space = 0;
      h->rc = h->rc ? h->rc : cc_buf_putc(h->out, '\t');
    }
  } else if (strcmp(name, "a") == 0) {
    if (closing) {
      S_link_end(h);
    } else {
      free(h->href);
      h->href = S_attr(a, e, "href");
      S_put(h, "", 0);
      h->link_start = h->out->len;
    }
  }
}

int rt_mail_html_text(cc_buf *out, const char *html, size_t len) {
  S_h2t h = {.out = out};
  size_t i = 0, text = 0;
  while (i < len && h.rc == CC_OK) {
    char c = html[i];
    if (c != '<' && c != '&') {
      i++;
      continue;
    }
    if (!h.skip[0]) S_put(&h, html + text, i - text);
    if (c == '&') {
      size_t used = h.skip[0] ? 0 : S_entity(&h, html + i, len - i);
      if (!used && !h.skip[0]) S_put(&h, "&", 1);
      i += used ? used : 1;
      text = i;
      continue;
    }
    /* a tag, a comment, a declaration; a '<' that starts none is text */
    const char *p = html + i + 1, *e = html + len;
    if (p + 3 <= e && memcmp(p, "!--", 3) == 0) {
      const char *end = NULL;
      for (const char *q = p + 3; q + 3 <= e; q++)
        if (memcmp(q, "-->", 3) == 0) { end = q + 3; break; }
      i = end ? (size_t)(end - html) : len;
    } else if (p < e && (*p == '!' || *p == '?')) {
      const char *end = memchr(p, '>', (size_t)(e - p));
      i = end ? (size_t)(end - html) + 1 : len;
    } else if (p < e && (*p == '/' || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))) {
      int closing = *p == '/';
      char name[16];
      size_t nl = 0;
      if (closing) p++;
      while (p < e && (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || (*p >= '0' && *p <= '9'))) {
        if (nl + 1 < sizeof name) name[nl++] = (char)(*p | 0x20);
        p++;
      }
      name[nl] = '\0';
      const char *a = p;
      char q = 0;
      while (p < e && (q || *p != '>')) {
        if (q && *p == q) q = 0;
        else if (!q && (*p == '"' || *p == '\'')) q = *p;
        p++;
      }
      if (nl) S_tag(&h, name, closing, a, p);
      i = p < e ? (size_t)(p - html) + 1 : len;
    } else {
      if (!h.skip[0]) S_put(&h, "<", 1);
      i++;
    }
    text = i;
  }
  if (h.rc == CC_OK && !h.skip[0]) S_put(&h, html + text, len - text);
  free(h.href);
  size_t l = out->len;
  while (h.rc == CC_OK && l && (out->ptr[l - 1] == ' ' || out->ptr[l - 1] == '\n')) l--;
  if (h.rc == CC_OK) cc_buf_truncate(out, l);
  if (h.rc == CC_OK) h.rc = cc_buf_puts(out, ""); /* NUL-terminated, even when empty */
  return h.rc;
}
