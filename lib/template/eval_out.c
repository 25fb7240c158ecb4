/* eval_out.c: expressions printed part by part, straight into the
 * output ({{ }} of a conditional expression or a concatenation), with the
 * bytes Jinja2 prints for the value the whole expression would have. */
#include "cc/err.h"
#include "eval.h"

static int S_deeper(tpl_rs *rs, const tpl_node *e) {
  if (rs->depth >= rs->max_depth * TPL_EXPR_DEPTH_FACTOR)
    return tpl_fail(rs, e, CC_ELIMIT, "nesting of blocks and expressions exceeds the limit (max_depth %d)", rs->max_depth);
  rs->depth++;
  return CC_OK;
}

int tpl_out_cond(tpl_rs *rs, const tpl_node *e) {
  /* The branch printed as {{ a }} would be; the value of a missing else
   * prints nothing (even in strict mode). */
  int t, rc = S_deeper(rs, e);
  if (rc) return rc;
  if ((rc = tpl_truth(rs, e->a, &t)) == CC_OK && (t || e->c)) rc = tpl_out(rs, t ? e->b : e->c);
  rs->depth--;
  return rc;
}

int tpl_out_concat(tpl_rs *rs, const tpl_node *e) {
  /* Jinja2 joins the operands with markup_join under autoescape (a Markup
   * operand makes the result Markup, the others escaped; else the plain
   * string is escaped when printed) and str_join without: either way
   * each operand prints as {{ operand }} would. Not for CommonMark (a
   * Markup operand is escaped there) nor strict mode (an undefined
   * operand fails as the join's). */
  if (rs->md_escape || rs->strict) return 1;
  int rc = S_deeper(rs, e);
  if (rc) return rc;
  const tpl_node *l = e->a;
  if (l->kind == E_BIN && l->s[0] == '~') {
    /* a ~ b ~ c is (a ~ b) ~ c: the left part first. */
    if ((rc = tpl_out_concat(rs, l)) == 1) rc = tpl_out(rs, l);
  } else {
    rc = tpl_out(rs, l);
  }
  if (rc == CC_OK) rc = tpl_out(rs, e->b);
  rs->depth--;
  return rc;
}
