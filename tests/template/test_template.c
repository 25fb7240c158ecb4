/* Unit tests of the template API contract (cc/template.h): diagnostics with
 * positions, the limits, strict mode, autoescape by name and forced,
 * compiled templates reused many times and from several threads, the NULL
 * cases, the loader (a folder or a callback; what cc_tpl_check_refs and
 * cc_tpl_each_ref report; inline templates have none). What the engine renders is the differential test's job
 * (run_diff.py against Jinja2); these check what callers rely on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cc/buf.h"
#include "cc/diag.h"
#include "cc/err.h"
#include "cc/template.h"

/* ---- helpers ---- */

typedef struct {
  int rc;           /* of compile, then of render */
  char out[4096];   /* the rendered text */
  cc_diags d;
} S_res;

/* Compiles SRC as NAME with OPTS (NULL: defaults) and renders it with the
 * JSON context VARS (NULL: a NULL context). */
static void S_run(S_res *r, const char *name, const char *src, const cc_tpl_opts *opts, const char *vars) {
  cc_tpl *t = NULL;
  cc_buf out = CC_BUF_INIT;
  json_t *ctx = NULL;
  if (vars) {
    json_error_t e;
    ctx = json_loads(vars, 0, &e);
    assert_non_null(ctx);
  }
  memset(r, 0, sizeof *r);
  cc_diags_init(&r->d);
  r->rc = cc_tpl_compile(&t, name, src, strlen(src), opts, &r->d);
  if (r->rc == CC_OK) {
    assert_non_null(t);
    r->rc = cc_tpl_render(t, ctx, &out, &r->d);
  } else {
    assert_null(t);
  }
  snprintf(r->out, sizeof r->out, "%s", cc_buf_str(&out));
  cc_buf_free(&out);
  cc_tpl_free(t);
  json_decref(ctx);
}

/* Asserts R failed with CODE and exactly one error at FILE:LINE:COL whose
 * message contains SUB. */
static void S_expect_error(S_res *r, int code, const char *file, int line, int col, const char *sub) {
  if (r->d.n != 1) fail_msg("expected one error '%s', got %zu diagnostics (rc %d)", sub, r->d.n, r->rc);
  const cc_diag *g = &r->d.items[0];
  if (r->rc != code || g->level != CC_DIAG_ERROR || strcmp(g->file, file) || g->line != line || g->col != col ||
      !strstr(g->msg, sub))
    fail_msg("expected rc %d %s:%d:%d: ...%s...; got rc %d %s:%d:%d: %s", code, file, line, col, sub, r->rc,
             g->file, g->line, g->col, g->msg);
  cc_diags_free(&r->d);
}

static void S_expect_ok(S_res *r, const char *out) {
  if (r->rc != CC_OK) fail_msg("failed: %s", r->d.n ? r->d.items[0].msg : "(no diagnostic)");
  assert_int_equal(r->d.n, 0);
  assert_string_equal(r->out, out);
  cc_diags_free(&r->d);
}


/* ---- the filter and test tables ---- */

/* Every built-in filter and test of Jinja2 3.1 but random is found when
 * the template is compiled; a misspelt one is a compile error at its name
 * (deferred to render time in a conditional branch, as Jinja2 does). */
static void filter_and_test_tables(void **state) {
  (void)state;
  static const char *const filters[] = {
      "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape",
      "filesizeformat", "first", "float", "forceescape", "format", "groupby", "indent", "int", "items", "join",
      "last", "length", "list", "lower", "map", "max", "min", "pprint", "reject", "rejectattr", "replace",
      "reverse", "round", "safe", "select", "selectattr", "slice", "sort", "string", "striptags", "sum", "title",
      "tojson", "trim", "truncate", "unique", "upper", "urlencode", "urlize", "wordcount", "wordwrap", "xmlattr"};
  static const char *const tests[] = {
      "!=", "<", "<=", "==", ">", ">=", "boolean", "callable", "defined", "divisibleby", "eq", "equalto", "escaped",
      "even", "false", "filter", "float", "ge", "greaterthan", "gt", "in", "integer", "iterable", "le", "lessthan",
      "lower", "lt", "mapping", "ne", "none", "number", "odd", "sameas", "sequence", "string", "test", "true",
      "undefined", "upper"};
  char src[128];
  for (size_t i = 0; i < sizeof filters / sizeof *filters; i++) {
    cc_tpl *t = NULL;
    cc_diags d;
    cc_diags_init(&d);
    snprintf(src, sizeof src, "{{ x|%s }}", filters[i]);
    if (cc_tpl_compile(&t, "f.txt", src, strlen(src), NULL, &d) != CC_OK) fail_msg("filter %s not found", filters[i]);
    cc_tpl_free(t);
    cc_diags_free(&d);
    /* The name as a test argument too: `'upper' is filter`. */
    S_res r;
    snprintf(src, sizeof src, "{{ '%s' is filter }}", filters[i]);
    S_run(&r, "f.txt", src, NULL, "{}");
    S_expect_ok(&r, "True");
  }
  for (size_t i = 0; i < sizeof tests / sizeof *tests; i++) {
    S_res r;
    snprintf(src, sizeof src, "{{ '%s' is test }}", tests[i]);
    S_run(&r, "t.txt", src, NULL, "{}");
    S_expect_ok(&r, "True");
  }
  S_res r;
  S_run(&r, "t.txt", "{{ 'random' is filter }}", NULL, "{}");
  S_expect_ok(&r, "False");
  S_run(&r, "mail.txt", "Hi\n{{ name|uppr }}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "mail.txt", 2, 9, "No filter named 'uppr'.");
  S_run(&r, "mail.txt", "{{ n is od }}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "mail.txt", 1, 9, "No test named 'od'.");
  S_run(&r, "mail.txt", "{% if false %}{{ name|uppr }}{% endif %}ok", NULL, "{}");
  S_expect_ok(&r, "ok");
  /* Deferred: a render error when the branch runs, worded as Jinja2's. */
  S_run(&r, "mail.txt", "{% if true %}\n{{ name|uppr }}{% endif %}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "mail.txt", 2, 9, "No filter named 'uppr' found.");
}

/* The embedder's filter: ARGS[0] (optional) is the quote character. */
static int S_quote(void *ud, const json_t *in, const json_t *const *args, size_t nargs, json_t **out, int *safe,
                   char *err, size_t errlen) {
  int *calls = ud;
  (*calls)++;
  if (!in || !json_is_string(in)) {
    snprintf(err, errlen, "quote() needs a string, not %s", in ? "another value" : "an undefined value");
    return CC_EINVAL;
  }
  const char *q = nargs && json_is_string(args[0]) ? json_string_value(args[0]) : "\"";
  char buf[256];
  snprintf(buf, sizeof buf, "%s%s%s", q, json_string_value(in), q);
  *out = json_string(buf);
  *safe = 1;
  return *out ? CC_OK : CC_ENOMEM;
}

static void embedder_filters(void **state) {
  (void)state;
  int calls = 0;
  cc_tpl_filter extra[] = {{"quote", S_quote, &calls}, {"upper", S_quote, &calls}};
  cc_tpl_opts o;
  cc_tpl_opts_default(&o);
  o.filters = extra;
  o.nfilters = 2;
  S_res r;
  /* Used as a filter, through map, as an argument of `is filter`; Markup
   * (*safe) is not escaped again; it overrides a built-in of its name. */
  S_run(&r, "x.html", "{{ s|quote }} {{ 'quote' is filter }} {{ s|upper }}", &o, "{\"s\": \"a<b\"}");
  S_expect_ok(&r, "\"a<b\" True \"a<b\"");
  S_run(&r, "x.txt", "{{ l|map('quote', \"'\")|join(',') }}", &o, "{\"l\": [\"x\", \"y\"]}");
  S_expect_ok(&r, "'x','y'");
  assert_int_equal(calls, 4);
  /* Its error is a render error at the filter. */
  S_run(&r, "x.txt", "\n  {{ n|quote }}", &o, "{\"n\": 1}");
  S_expect_error(&r, CC_EINVAL, "x.txt", 2, 8, "quote() needs a string");
  S_run(&r, "x.txt", "{{ s|quote(q='x') }}", &o, "{\"s\": \"a\"}");
  S_expect_error(&r, CC_EINVAL, "x.txt", 1, 6, "no keyword arguments");
  /* Without the options it is unknown. */
  S_run(&r, "x.txt", "{{ s|quote }}", NULL, "{\"s\": \"a\"}");
  S_expect_error(&r, CC_EINVAL, "x.txt", 1, 6, "No filter named 'quote'.");
}

/* ---- compile errors ---- */

static void compile_errors_carry_name_line_col(void **state) {
  (void)state;
  S_res r;
  S_run(&r, "mail.txt", "Hello\n  {{ 1 + }}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "mail.txt", 2, 10, "unexpected 'end of print statement'");
  S_run(&r, "a.txt", "x\n{% if y %}\nno end", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "a.txt", 3, 7, "'if' block opened at line 2 was never closed");
  S_run(&r, "b.txt", "{{ name ", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "b.txt", 1, 9, "expected '}}'");
  S_run(&r, "c.txt", "ok\n\n   {% endfor %}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "c.txt", 3, 7, "Encountered unknown tag 'endfor'.");
  S_run(&r, "d.txt", "{% for %}{% endfor %}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "d.txt", 1, 8, "expected a name");
  /* Columns count code points, as the other diagnostics do. */
  S_run(&r, "e.txt", "é✓ {{ ) }}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "e.txt", 1, 7, "unexpected");
  /* Brackets balance across '}}' as in Jinja2's lexer; a mismatch is an
   * error at the closing bracket, on the line it is on. */
  S_run(&r, "f.txt", "a\r\n{{ {'k': [1,\n 2)} }}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "f.txt", 3, 3, "unexpected ')', expected ']'");
  S_run(&r, "g.txt", "{{ x is odd if true else 0 }}", NULL, "{\"x\": 3}");
  S_expect_error(&r, CC_EINVAL, "g.txt", 1, 16, "expected token 'end of print statement', got 'true'");
  /* The token is named as Jinja2's describe_token names it. */
  S_run(&r, "i.txt", "{{ a b }}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "i.txt", 1, 6, "expected token 'end of print statement', got 'b'");
  S_run(&r, "j.txt", "{% set x 1 %}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "j.txt", 1, 10, "expected token 'end of statement block', got 'integer'");
  S_run(&r, "k.txt", "{% for a b in x %}{% endfor %}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "k.txt", 1, 10, "expected token 'in', got 'b'");
  S_run(&r, "l.txt", "{{ (1, 'x' 2.5) }}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "l.txt", 1, 12, "expected token ')', got 'float'");
  S_run(&r, "m.txt", "{{ x|1 }}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "m.txt", 1, 6, "got 'integer'");
  S_run(&r, "n.txt", "{{ x is 'odd' }}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "n.txt", 1, 9, "got 'string'");
  S_run(&r, "o.txt", "{% filter 1 %}{% endfilter %}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "o.txt", 1, 11, "got 'integer'");
  S_run(&r, "h.txt", "{{ {'a': {'b': 1}}|tojson }}\r\n{%+ if 1 +%}\r\nx{% endif %}", NULL, "{}");
  S_expect_ok(&r, "{\"a\": {\"b\": 1}}\n\nx");
  /* No name: "<template>" stands in. */
  S_run(&r, NULL, "{{", NULL, "{}");
  assert_int_equal(r.rc, CC_EINVAL);
  assert_string_equal(r.d.items[0].file, "<template>");
  cc_diags_free(&r.d);
}

/* ---- render errors ---- */

static void render_errors_carry_positions(void **state) {
  (void)state;
  S_res r;
  S_run(&r, "r.txt", "line one\n  {{ n / 0 }}", NULL, "{\"n\": 1}");
  S_expect_error(&r, CC_EINVAL, "r.txt", 2, 8, "division by zero");
  S_run(&r, "r.txt", "x\n\n   {{ missing.a }}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "r.txt", 3, 14, "'missing' is undefined");
  S_run(&r, "r.txt", "{{ s|nosuch }}", NULL, "{\"s\": 1}");
  S_expect_error(&r, CC_EINVAL, "r.txt", 1, 6, "No filter named 'nosuch'");
  S_run(&r, "r.txt", "{% for x in n %}{% endfor %}", NULL, "{\"n\": 5}");
  S_expect_error(&r, CC_EINVAL, "r.txt", 1, 13, "'int' object is not iterable");
  /* Only the first error is reported, as Jinja2 raises on the first. */
  S_run(&r, "r.txt", "{{ 1 / 0 }}{{ 2 / 0 }}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "r.txt", 1, 6, "division by zero");
}

/* ---- limits ---- */

static void output_limit_is_elimit(void **state) {
  (void)state;
  S_res r;
  cc_tpl_opts o;
  cc_tpl_opts_default(&o);
  o.max_output = 10;
  S_run(&r, "o.txt", "12345{{ s }}", &o, "{\"s\": \"67890\"}");
  S_expect_ok(&r, "1234567890"); /* exactly the limit is fine */
  S_run(&r, "o.txt", "12345{{ s }}!", &o, "{\"s\": \"67890\"}");
  S_expect_error(&r, CC_ELIMIT, "o.txt", 1, 13, "output exceeds the limit of 10 bytes");
  S_run(&r, "o.txt", "abc{{ s }}", &o, "{\"s\": \"0123456789\"}");
  S_expect_error(&r, CC_ELIMIT, "o.txt", 1, 7, "output exceeds the limit of 10 bytes");
  /* A value built bigger than the limit fails before it is printed. */
  S_run(&r, "o.txt", "{{ 'x' * 1000000 }}", &o, "{}");
  S_expect_error(&r, CC_ELIMIT, "o.txt", 1, 8, "exceeds the output limit");
  S_run(&r, "o.txt", "{{ '%50d' % 1 }}", &o, "{}");
  S_expect_error(&r, CC_ELIMIT, "o.txt", 1, 11, "format width exceeds the output limit");
  /* Escaping counts: 3 characters become 15 bytes. */
  S_run(&r, "o.html", "{{ s }}", &o, "{\"s\": \"&&&\"}");
  S_expect_error(&r, CC_ELIMIT, "o.html", 1, 4, "output exceeds the limit");
  /* The limit is per render: bytes already in OUT don't count. */
  cc_tpl *t = NULL;
  cc_diags d;
  cc_diags_init(&d);
  cc_buf out = CC_BUF_INIT;
  assert_int_equal(cc_tpl_compile(&t, "o.txt", "0123456789", 10, &o, &d), CC_OK);
  for (int i = 0; i < 3; i++) assert_int_equal(cc_tpl_render(t, NULL, &out, &d), CC_OK);
  assert_int_equal(out.len, 30);
  assert_int_equal(d.n, 0);
  cc_buf_free(&out);
  cc_tpl_free(t);
  cc_diags_free(&d);
}

static void iteration_limit_is_elimit(void **state) {
  (void)state;
  S_res r;
  cc_tpl_opts o;
  cc_tpl_opts_default(&o);
  o.max_iterations = 10;
  S_run(&r, "i.txt", "{% for x in xs %}{{ x }}{% endfor %}", &o, "{\"xs\": [1,2,3,4,5,6,7,8,9,10]}");
  S_expect_ok(&r, "12345678910");
  S_run(&r, "i.txt", "{% for x in xs %}{{ x }}{% endfor %}", &o, "{\"xs\": [1,2,3,4,5,6,7,8,9,10,11]}");
  S_expect_error(&r, CC_ELIMIT, "i.txt", 1, 4, "loop iterations exceed the limit of 10");
  /* All loops of a render count together. */
  S_run(&r, "i.txt", "{% for a in xs %}{% for b in xs %}.{% endfor %}{% endfor %}", &o, "{\"xs\": [1,2,3]}");
  S_expect_error(&r, CC_ELIMIT, "i.txt", 1, 21, "loop iterations exceed the limit of 10");
  S_run(&r, "i.txt", "{{ range(11)|list }}", &o, "{}");
  S_expect_error(&r, CC_ELIMIT, "i.txt", 1, 9, "range exceeds the iteration limit of 10");
  /* Macro calls count too: a macro calling itself twice per level would
   * otherwise run for ever within the depth limit. */
  S_run(&r, "i.txt", "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(2) }}", &o, "{}");
  S_expect_ok(&r, "");
  S_run(&r, "i.txt", "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}", NULL, "{}");
  S_expect_error(&r, CC_ELIMIT, "i.txt", 1, 31, "loop iterations and calls exceed the limit of 1000000");
  /* The default is 1,000,000: range(10**9) stops quickly. */
  S_run(&r, "i.txt", "{% for i in range(1000000000) %}{% endfor %}", NULL, "{}");
  S_expect_error(&r, CC_ELIMIT, "i.txt", 1, 18, "iteration limit of 1000000");
}

static void depth_limit_is_elimit(void **state) {
  (void)state;
  S_res r;
  cc_tpl_opts o;
  cc_tpl_opts_default(&o);
  o.max_depth = 1; /* blocks and expressions: 16 levels */
  char src[2048] = "";
  for (int i = 0; i < 30; i++) strcat(src, "{% if true %}");
  strcat(src, "deep");
  for (int i = 0; i < 30; i++) strcat(src, "{% endif %}");
  S_run(&r, "n.txt", src, NULL, "{}");
  S_expect_ok(&r, "deep");
  S_run(&r, "n.txt", src, &o, "{}");
  assert_int_equal(r.rc, CC_ELIMIT);
  assert_int_equal(r.d.n, 1);
  assert_non_null(strstr(r.d.items[0].msg, "nesting of blocks and expressions exceeds the limit (max_depth 1)"));
  assert_int_equal(r.d.items[0].line, 1);
  assert_true(r.d.items[0].col > 1);
  cc_diags_free(&r.d);
  /* Expressions too: a long chain of ~. */
  strcpy(src, "{{ 1");
  for (int i = 0; i < 40; i++) strcat(src, " ~ 1");
  strcat(src, " }}");
  S_run(&r, "n.txt", src, &o, "{}");
  assert_int_equal(r.rc, CC_ELIMIT);
  assert_non_null(strstr(r.d.items[0].msg, "nesting of blocks and expressions exceeds the limit (max_depth 1)"));
  cc_diags_free(&r.d);
}

/* ---- strict mode ---- */

static void strict_mode_makes_undefined_an_error(void **state) {
  (void)state;
  S_res r;
  cc_tpl_opts o;
  cc_tpl_opts_default(&o);
  o.strict = 1;
  /* Default: undefined prints empty, is false, iterates empty. */
  S_run(&r, "s.txt", "[{{ missing }}]{% if missing %}t{% else %}f{% endif %}{% for x in missing %}x{% endfor %}", NULL, "{}");
  S_expect_ok(&r, "[]f");
  S_run(&r, "s.txt", "[{{ d.nokey }}]", NULL, "{\"d\": {}}");
  S_expect_ok(&r, "[]");
  S_run(&r, "s.txt", "ok {{ missing }}", &o, "{}");
  S_expect_error(&r, CC_EINVAL, "s.txt", 1, 7, "'missing' is undefined");
  S_run(&r, "s.txt", "{% if missing %}{% endif %}", &o, "{}");
  S_expect_error(&r, CC_EINVAL, "s.txt", 1, 7, "'missing' is undefined");
  S_run(&r, "s.txt", "{% for x in missing %}{% endfor %}", &o, "{}");
  S_expect_error(&r, CC_EINVAL, "s.txt", 1, 13, "'missing' is undefined");
  S_run(&r, "s.txt", "{{ d.nokey }}", &o, "{\"d\": {}}");
  S_expect_error(&r, CC_EINVAL, "s.txt", 1, 5, "'dict object' has no attribute 'nokey'");
  /* What strict mode still allows, as StrictUndefined does. */
  S_run(&r, "s.txt", "{{ missing is defined }} {{ missing|default('x') }} {{ present }}", &o, "{\"present\": 1}");
  S_expect_ok(&r, "False x 1");
}

/* ---- autoescape ---- */

static void autoescape_by_name_and_forced(void **state) {
  (void)state;
  static const char *const on[] = {"a.html", "a.htm", "a.xml", "dir/Mail.HTML", "x.Xml"};
  static const char *const off[] = {"a.txt", "a.html.txt", "html", "a.xhtml5", "a.json"};
  const char *src = "{{ s }}|{{ s|safe }}|{{ '<i>' }}";
  const char *vars = "{\"s\": \"<b>&'\\\"\"}";
  S_res r;
  for (size_t i = 0; i < sizeof on / sizeof *on; i++) {
    S_run(&r, on[i], src, NULL, vars);
    S_expect_ok(&r, "&lt;b&gt;&amp;&#39;&#34;|<b>&'\"|&lt;i&gt;");
  }
  for (size_t i = 0; i < sizeof off / sizeof *off; i++) {
    S_run(&r, off[i], src, NULL, vars);
    S_expect_ok(&r, "<b>&'\"|<b>&'\"|<i>");
  }
  cc_tpl_opts o;
  cc_tpl_opts_default(&o);
  o.autoescape = CC_TPL_AUTOESCAPE_ON;
  S_run(&r, "forced.txt", src, &o, vars);
  S_expect_ok(&r, "&lt;b&gt;&amp;&#39;&#34;|<b>&'\"|&lt;i&gt;");
  o.autoescape = CC_TPL_AUTOESCAPE_OFF;
  S_run(&r, "forced.html", src, &o, vars);
  S_expect_ok(&r, "<b>&'\"|<b>&'\"|<i>");
  /* No double escaping of escaped values. */
  o.autoescape = CC_TPL_AUTOESCAPE_ON;
  S_run(&r, "x", "{{ s|e }}{{ s|e|e }}", &o, "{\"s\": \"&\"}");
  S_expect_ok(&r, "&amp;&amp;");
}

/* Markdown autoescape: printed values become literal CommonMark text
 * (punctuation backslash-escaped), the template's own text and safe values
 * are left alone, and nothing is HTML-escaped. */
static void autoescape_markdown(void **state) {
  (void)state;
  cc_tpl_opts o;
  S_res r;
  cc_tpl_opts_default(&o);
  o.autoescape = CC_TPL_AUTOESCAPE_MARKDOWN;
  S_run(&r, "mail.html", "**{{ s }}** {{ s|safe }} {{ n }} {{ 2.5 * 2 }} {{ u }}|{{ nil }}", &o,
        "{\"s\": \"<b>*x*</b> & [a](b)\", \"n\": -1, \"nil\": null}");
  S_expect_ok(&r, "**\\<b\\>\\*x\\*\\<\\/b\\> \\& \\[a\\]\\(b\\)** <b>*x*</b> & [a](b) \\-1 "
                  "5\\.0 |None");
}

/* ---- reuse ---- */

static void one_template_renders_many_times(void **state) {
  (void)state;
  const char *src = "{% for u in users|sort(attribute='n') %}{{ loop.index }}:{{ u.n }}{{ u.x|default('-') }} {% endfor %}{{ total / 2 }}";
  cc_tpl *t = NULL;
  cc_diags d;
  cc_diags_init(&d);
  assert_int_equal(cc_tpl_compile(&t, "many.txt", src, strlen(src), NULL, &d), CC_OK);
  json_t *a = json_loads("{\"users\": [{\"n\": \"b\"}, {\"n\": \"a\", \"x\": 1}], \"total\": 3}", 0, NULL);
  json_t *b = json_loads("{\"users\": [], \"total\": 4}", 0, NULL);
  char *ja = json_dumps(a, JSON_SORT_KEYS);
  for (int i = 0; i < 100; i++) {
    cc_buf out = CC_BUF_INIT;
    assert_int_equal(cc_tpl_render(t, i % 2 ? b : a, &out, &d), CC_OK);
    assert_string_equal(cc_buf_str(&out), i % 2 ? "2.0" : "1:a1 2:b- 1.5");
    cc_buf_free(&out);
  }
  /* Render errors leave the template usable. */
  json_t *bad = json_loads("{\"users\": 3, \"total\": 0}", 0, NULL);
  cc_buf out = CC_BUF_INIT;
  assert_int_equal(cc_tpl_render(t, bad, &out, &d), CC_EINVAL);
  cc_buf_truncate(&out, 0);
  assert_int_equal(cc_tpl_render(t, a, &out, &d), CC_OK);
  assert_string_equal(cc_buf_str(&out), "1:a1 2:b- 1.5");
  /* The context is only borrowed: unchanged, and ours to free. */
  char *ja2 = json_dumps(a, JSON_SORT_KEYS);
  assert_string_equal(ja, ja2);
  assert_int_equal(a->refcount, 1);
  free(ja);
  free(ja2);
  cc_buf_free(&out);
  json_decref(a);
  json_decref(b);
  json_decref(bad);
  cc_tpl_free(t);
  cc_diags_free(&d);
}

typedef struct {
  const cc_tpl *t;
  int id, failures;
} S_thread;

static void *S_thread_main(void *arg) {
  S_thread *th = arg;
  char vars[256], want[256];
  snprintf(vars, sizeof vars, "{\"id\": %d, \"xs\": [3, %d, 1], \"name\": \"<t%d>\"}", th->id, th->id + 10, th->id);
  snprintf(want, sizeof want, "&lt;t%d&gt;:1,3,%d,|%d|odd even odd ", th->id, th->id + 10, th->id * 2);
  json_t *ctx = json_loads(vars, 0, NULL);
  cc_diags d;
  cc_diags_init(&d);
  for (int i = 0; i < 2000 && ctx; i++) {
    cc_buf out = CC_BUF_INIT;
    if (cc_tpl_render(th->t, ctx, &out, &d) != CC_OK || strcmp(cc_buf_str(&out), want) != 0) th->failures++;
    cc_buf_free(&out);
  }
  if (!ctx) th->failures++;
  json_decref(ctx);
  cc_diags_free(&d);
  return NULL;
}

static void compiled_template_is_shared_by_threads(void **state) {
  (void)state;
  const char *src = "{{ name }}:{% for x in xs|sort %}{{ x }},{% endfor %}|{{ id * 2 }}|"
                    "{% for x in xs %}{{ loop.cycle('odd', 'even') }} {% endfor %}";
  cc_tpl *t = NULL;
  cc_diags d;
  cc_diags_init(&d);
  assert_int_equal(cc_tpl_compile(&t, "shared.html", src, strlen(src), NULL, &d), CC_OK);
  S_thread th[4];
  pthread_t tid[4];
  for (int i = 0; i < 4; i++) {
    th[i] = (S_thread){t, i, 0};
    assert_int_equal(pthread_create(&tid[i], NULL, S_thread_main, &th[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    assert_int_equal(pthread_join(tid[i], NULL), 0);
    assert_int_equal(th[i].failures, 0);
  }
  cc_tpl_free(t);
  cc_diags_free(&d);
}

/* ---- the loader ---- */

/* A callback loader over NAME=SOURCE pairs; counts its calls. */
typedef struct {
  const char *const *files; /* name, source, name, source, ..., NULL */
  int calls;
} S_files;

static int S_load(void *data, const char *name, char **src, size_t *len) {
  S_files *f = data;
  f->calls++;
  for (const char *const *p = f->files; *p; p += 2)
    if (!strcmp(*p, name)) {
      *len = strlen(p[1]);
      *src = strdup(p[1]);
      return *src ? CC_OK : CC_ENOMEM;
    }
  return CC_ENOTFOUND;
}

static int S_collect(void *data, const char *name) {
  cc_buf *b = data;
  return cc_buf_printf(b, "%s;", name);
}

/* Literal names are loaded once, when the template compiles (renders load
 * nothing more); missing and broken ones are reported by check_refs at the
 * tag that names them, or in their own file, and fail a render only when
 * it reaches them, as in Jinja2. */
static void loader_callback_compiles_literal_names_once(void **state) {
  (void)state;
  static const char *const files[] = {
      "base.txt", "<{% block b %}{% endblock %}>{% include 'foot.txt' %}",
      "foot.txt", "[{{ x }}]",
      "m.txt", "{% macro hi(n) %}hi {{ n }}{% endmacro %}",
      "bad.txt", "ok\n  {{ 1 + }}",
      NULL};
  S_files f = {files, 0};
  cc_tpl_opts o;
  cc_tpl_opts_default(&o);
  o.load = S_load;
  o.load_data = &f;
  const char *src = "{% extends 'base.txt' %}{% from 'm.txt' import hi %}{% block b %}{{ hi(x) }}"
                    "{% if x == 0 %}{% include 'bad.txt' %}{% include 'gone.txt' %}{% endif %}"
                    "{% include 'opt.txt' ignore missing %}{% endblock %}";
  cc_tpl *t = NULL;
  cc_diags d;
  cc_diags_init(&d);
  assert_int_equal(cc_tpl_compile(&t, "main.txt", src, strlen(src), &o, &d), CC_OK);
  int loads = f.calls;
  assert_int_equal(loads, 6); /* base, m, bad, gone, opt, foot: once each */
  cc_buf names = CC_BUF_INIT;
  assert_int_equal(cc_tpl_each_ref(t, S_collect, &names), 0);
  assert_string_equal(cc_buf_str(&names), "base.txt;m.txt;foot.txt;");
  cc_buf_free(&names);
  json_t *ctx = json_pack("{si}", "x", 7);
  for (int i = 0; i < 3; i++) {
    cc_buf out = CC_BUF_INIT;
    assert_int_equal(cc_tpl_render(t, ctx, &out, &d), CC_OK);
    assert_string_equal(cc_buf_str(&out), "<hi 7>[7]");
    cc_buf_free(&out);
  }
  assert_int_equal(f.calls, loads);
  assert_int_equal(d.n, 0);
  /* Reached: the broken include fails the render in its own file. */
  json_object_set_new(ctx, "x", json_integer(0));
  cc_buf out = CC_BUF_INIT;
  assert_int_equal(cc_tpl_render(t, ctx, &out, &d), CC_EINVAL);
  assert_int_equal(d.n, 1);
  assert_string_equal(d.items[0].file, "bad.txt");
  assert_int_equal(d.items[0].line, 2);
  cc_buf_free(&out);
  cc_diags_free(&d);
  /* check_refs: the missing one at its name, the broken one in its file;
   * the optional one is not an error. */
  cc_diags_init(&d);
  assert_int_equal(cc_tpl_check_refs(t, 1, &d), 2);
  cc_diags_sort(&d);
  assert_string_equal(d.items[0].file, "bad.txt");
  assert_string_equal(d.items[1].file, "main.txt");
  assert_int_equal(d.items[1].line, 1);
  assert_int_equal(d.items[1].col, (int)(strstr(src, "'gone.txt'") - src) + 1);
  assert_non_null(strstr(d.items[1].msg, "template 'gone.txt' not found"));
  cc_diags_free(&d);
  json_decref(ctx);
  cc_tpl_free(t);
}

/* A name that is an expression loads when a render reaches it (each
 * render on its own); check_refs reports it only when asked to. */
static void loader_expression_names_load_at_render(void **state) {
  (void)state;
  static const char *const files[] = {"a.txt", "A{{ v }}", NULL};
  S_files f = {files, 0};
  cc_tpl_opts o;
  cc_tpl_opts_default(&o);
  o.load = S_load;
  o.load_data = &f;
  const char *src = "{% include which %}";
  cc_tpl *t = NULL;
  cc_diags d;
  cc_diags_init(&d);
  assert_int_equal(cc_tpl_compile(&t, "main.txt", src, strlen(src), &o, &d), CC_OK);
  assert_int_equal(f.calls, 0);
  assert_int_equal(cc_tpl_check_refs(t, 0, &d), 0);
  assert_int_equal(cc_tpl_check_refs(t, 1, &d), 1);
  assert_int_equal(d.items[0].col, 12);
  cc_diags_free(&d);
  cc_diags_init(&d);
  json_t *ctx = json_pack("{sssi}", "which", "a.txt", "v", 5);
  for (int i = 0; i < 2; i++) {
    cc_buf out = CC_BUF_INIT;
    assert_int_equal(cc_tpl_render(t, ctx, &out, &d), CC_OK);
    assert_string_equal(cc_buf_str(&out), "A5");
    cc_buf_free(&out);
  }
  assert_int_equal(f.calls, 2);
  json_object_set_new(ctx, "which", json_string("zz.txt"));
  cc_buf out = CC_BUF_INIT;
  assert_int_equal(cc_tpl_render(t, ctx, &out, &d), CC_EINVAL);
  assert_non_null(strstr(d.items[0].msg, "template 'zz.txt' not found"));
  cc_buf_free(&out);
  cc_diags_free(&d);
  json_decref(ctx);
  cc_tpl_free(t);
}

/* ROOT: files under a folder; a name with a ".." part is never read. */
static void loader_folder(void **state) {
  (void)state;
  char dir[] = "/tmp/test_template_XXXXXX", path[200];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/parts", dir);
  assert_int_equal(mkdir(path, 0700), 0);
  snprintf(path, sizeof path, "%s/parts/row.html", dir);
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs("<td>{{ v }}</td>", fp);
  fclose(fp);
  cc_tpl_opts o;
  cc_tpl_opts_default(&o);
  o.root = dir;
  S_res r;
  S_run(&r, "t.html", "{% include 'parts/row.html' %}{% include './parts//row.html' %}", &o, "{\"v\": \"<\"}");
  S_expect_ok(&r, "<td>&lt;</td><td>&lt;</td>");
  S_run(&r, "t.html", "{% include '../x' %}", &o, "{}");
  S_expect_error(&r, CC_EINVAL, "t.html", 1, 12, "template '../x' not found");
  unlink(path);
  snprintf(path, sizeof path, "%s/parts", dir);
  rmdir(path);
  rmdir(dir);
}

/* Without a loader (an inline template) such a tag is a compile error. */
static void loader_none_is_a_compile_error(void **state) {
  (void)state;
  S_res r;
  S_run(&r, "i.txt", "x\n {% import 'm.txt' as m %}", NULL, "{}");
  S_expect_error(&r, CC_EINVAL, "i.txt", 2, 5, "`import` needs a folder");
}

/* Templates with macros, includes and imports shared by threads: a
 * render's scopes and loaded templates are its own. */
static void *S_thread_loader(void *arg) {
  S_thread *th = arg;
  char vars[128], want[128];
  snprintf(vars, sizeof vars, "{\"n\": %d, \"which\": \"p.txt\"}", th->id);
  snprintf(want, sizeof want, "(%d)[%d]{%d}", th->id, th->id, th->id);
  json_t *ctx = json_loads(vars, 0, NULL);
  cc_diags d;
  cc_diags_init(&d);
  for (int i = 0; i < 500 && ctx; i++) {
    cc_buf out = CC_BUF_INIT;
    if (cc_tpl_render(th->t, ctx, &out, &d) != CC_OK || strcmp(cc_buf_str(&out), want) != 0) th->failures++;
    cc_buf_free(&out);
  }
  if (!ctx) th->failures++;
  json_decref(ctx);
  cc_diags_free(&d);
  return NULL;
}

static void loader_templates_shared_by_threads(void **state) {
  (void)state;
  static const char *const files[] = {"m.txt", "{% macro w(x) %}({{ x }}){% endmacro %}", "p.txt", "{{ '{' }}{{ n }}}",
                                      "i.txt", "[{{ n }}]", NULL};
  S_files f = {files, 0};
  cc_tpl_opts o;
  cc_tpl_opts_default(&o);
  o.load = S_load;
  o.load_data = &f;
  const char *src = "{% import 'm.txt' as m %}{{ m.w(n) }}{% include 'i.txt' %}{% include which %}";
  cc_tpl *t = NULL;
  cc_diags d;
  cc_diags_init(&d);
  assert_int_equal(cc_tpl_compile(&t, "main.txt", src, strlen(src), &o, &d), CC_OK);
  S_thread th[4];
  pthread_t tid[4];
  for (int i = 0; i < 4; i++) {
    th[i] = (S_thread){t, i, 0};
    assert_int_equal(pthread_create(&tid[i], NULL, S_thread_loader, &th[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    assert_int_equal(pthread_join(tid[i], NULL), 0);
    assert_int_equal(th[i].failures, 0);
  }
  cc_tpl_free(t);
  cc_diags_free(&d);
}

/* ---- NULL cases and defaults ---- */

static void null_context_and_free(void **state) {
  (void)state;
  S_res r;
  S_run(&r, "n.txt", "[{{ x }}]{% for i in x %}{% endfor %}{{ 1 + 1 }}", NULL, NULL);
  S_expect_ok(&r, "[]2");
  /* A context that is not an object is empty too. */
  S_run(&r, "n.txt", "[{{ x }}]", NULL, "[1, 2]");
  S_expect_ok(&r, "[]");
  /* Empty source: empty output. */
  S_run(&r, "n.txt", "", NULL, NULL);
  S_expect_ok(&r, "");
  /* One trailing newline is dropped, as Jinja2 does by default. */
  S_run(&r, "n.txt", "a\n\n", NULL, NULL);
  S_expect_ok(&r, "a\n");
  cc_tpl_free(NULL);
  cc_tpl_opts o;
  memset(&o, 0x55, sizeof o);
  cc_tpl_opts_default(&o);
  assert_int_equal(o.autoescape, CC_TPL_AUTOESCAPE_BY_NAME);
  assert_int_equal(o.strict, 0);
  assert_int_equal(o.max_output, 0);
  assert_int_equal(o.max_iterations, 0);
  assert_int_equal(o.max_depth, 0);
}

/* ---- float formatting without printf ---- */

/* "%.Nf"|format(x) and filesizeformat print their own digits for most
 * values and fall back to printf near a rounding tie: the output must be
 * printf's (Python's) for values of every magnitude, ties (0.125, 2.675,
 * 1.005, 0.5), negative zero and tiny negatives, with the flags. */
static void fixed_point_matches_printf(void **state) {
  (void)state;
  static const char *const specs[] = {"%.0f", "%.1f", "%.2f", "%.3f", "%.6f", "%.9f", "%f", "%+.2f",
                                      "% .2f", "%08.2f", "%-9.2f|", "%9.3f", "%+010.1f", "%F"};
  enum { NS = sizeof specs / sizeof *specs };
  double fixed[] = {0, -0.0, 0.5, 1.5, 2.5, -0.5, 0.125, 0.375, 2.675, 1.005, -0.001, 1e-12, 99.995, 0.045,
                    1099511627776.0, 1e12 + 0.5, 123456.789, -98.765, 1e15, 3.0e20};
  json_t *xs = json_array();
  assert_non_null(xs);
  for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) assert_int_equal(json_array_append_new(xs, json_real(fixed[i])), 0);
  uint64_t r = 88172645463325252ULL;
  for (int i = 0; i < 3000; i++) {
    r ^= r << 13, r ^= r >> 7, r ^= r << 17;
    double m = (double)(r >> 11) / 9007199254740992.0; /* [0, 1) */
    int e = (int)(r % 25) - 12;                         /* 10^-12 .. 10^12 */
    double x = m * pow(10, e) * ((r >> 5) & 1 ? -1 : 1);
    if (i % 3 == 0) x = round(x * 1000) / 1000 + ((r >> 7) & 1 ? 0.0005 : 0); /* near ties */
    if (i % 3 == 1 && (r >> 9) & 1) x = (double)((r >> 20) % 4000000) / 1024 * ((r >> 5) & 1 ? -1 : 1); /* exact ties */
    assert_int_equal(json_array_append_new(xs, json_real(x)), 0);
  }
  cc_buf src = CC_BUF_INIT, want = CC_BUF_INIT, out = CC_BUF_INIT;
  assert_int_equal(cc_buf_puts(&src, "{% for x in xs %}{{ \""), 0);
  for (int k = 0; k < NS; k++) assert_int_equal(cc_buf_puts(&src, specs[k]), 0);
  assert_int_equal(cc_buf_puts(&src, "\\n\"|format("), 0);
  for (int k = 0; k < NS; k++) assert_int_equal(cc_buf_puts(&src, k ? ", x" : "x"), 0);
  assert_int_equal(cc_buf_puts(&src, ") }}{{ (x|abs * 1000)|filesizeformat }} {{ (x|abs * 1e6)|filesizeformat(true) }}\n"
                                     "{% endfor %}"), 0);
  for (size_t i = 0; i < json_array_size(xs); i++) {
    double x = json_real_value(json_array_get(xs, i));
    for (int k = 0; k < NS; k++) assert_int_equal(cc_buf_printf(&want, specs[k], x), 0);
    assert_int_equal(cc_buf_putc(&want, '\n'), 0);
    /* filesizeformat: "%.1f %s" of the value over its unit */
    for (int bin = 0; bin < 2; bin++) {
      double v = bin ? fabs(x) * 1e6 : fabs(x) * 1000, base = bin ? 1024 : 1000, unit = base;
      static const char *const dec[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
      static const char *const bn[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
      if (v == 1) assert_int_equal(cc_buf_puts(&want, "1 Byte"), 0);
      else if (v < base) assert_int_equal(cc_buf_printf(&want, "%lld Bytes", (long long)v), 0);
      else {
        int u;
        for (u = 0; u < 8; u++) {
          unit *= base;
          if (v < unit) break;
        }
        if (u == 8) u = 7;
        assert_int_equal(cc_buf_printf(&want, "%.1f %s", base * v / unit, bin ? bn[u] : dec[u]), 0);
      }
      assert_int_equal(cc_buf_puts(&want, bin ? "\n" : " "), 0);
    }
  }
  cc_tpl *t = NULL;
  cc_diags d;
  cc_diags_init(&d);
  json_t *ctx = json_pack("{so}", "xs", xs);
  assert_non_null(ctx);
  assert_int_equal(cc_tpl_compile(&t, "fixed.txt", src.ptr, src.len, NULL, &d), CC_OK);
  assert_int_equal(cc_tpl_render(t, ctx, &out, &d), CC_OK);
  size_t at = 0;
  while (at < out.len && at < want.len && out.ptr[at] == want.ptr[at]) at++;
  if (at != out.len || at != want.len)
    fail_msg("differs at byte %zu: got '%.60s' want '%.60s'", at, out.ptr + at, want.ptr + at);
  cc_tpl_free(t);
  cc_diags_free(&d);
  json_decref(ctx);
  cc_buf_free(&src);
  cc_buf_free(&want);
  cc_buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(compile_errors_carry_name_line_col),
      cmocka_unit_test(render_errors_carry_positions),
      cmocka_unit_test(output_limit_is_elimit),
      cmocka_unit_test(iteration_limit_is_elimit),
      cmocka_unit_test(depth_limit_is_elimit),
      cmocka_unit_test(strict_mode_makes_undefined_an_error),
      cmocka_unit_test(autoescape_by_name_and_forced),
      cmocka_unit_test(autoescape_markdown),
      cmocka_unit_test(one_template_renders_many_times),
      cmocka_unit_test(compiled_template_is_shared_by_threads),
      cmocka_unit_test(null_context_and_free),
      cmocka_unit_test(loader_callback_compiles_literal_names_once),
      cmocka_unit_test(loader_expression_names_load_at_render),
      cmocka_unit_test(loader_folder),
      cmocka_unit_test(loader_none_is_a_compile_error),
      cmocka_unit_test(loader_templates_shared_by_threads),
      cmocka_unit_test(filter_and_test_tables),
      cmocka_unit_test(embedder_filters),
      cmocka_unit_test(fixed_point_matches_printf),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
