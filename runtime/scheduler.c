/* scheduler.c: EventBridge Scheduler requests, calls and comparison. */
#include "scheduler.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "clock.h"
#include "log.h"
#include "sigv4.h"

int rt_sched_name_ok(const char *name) {
  size_t n = name ? strlen(name) : 0;
  if (n < 1 || n > 64) return 0;
  for (const char *c = name; *c; c++)
    if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
          *c == '.' || *c == '_' || *c == '-'))
      return 0;
  return 1;
}

int rt_sched_client_token(char out[65], const char *group, const char *name, const json_t *def) {
  char *text = rt_json_dumps(def, JSON_COMPACT | JSON_SORT_KEYS);
  cc_buf b = CC_BUF_INIT;
  int rc = text ? cc_buf_printf(&b, "%s\n%s\n%s", group, name, text) : CC_ENOMEM;
  if (rc == CC_OK) rc = rt_sha256_hex(out, b.ptr, b.len);
  cc_buf_free(&b);
  free(text);
  return rc;
}

/* A request to Scheduler: METHOD /schedules[/NAME][?query] with body
 * (a new reference or NULL; stolen). */
static int S_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                   const char *method, const char *name, const char *query, json_t *body) {
  char path[96];
  char *text = NULL;
  memset(out, 0, sizeof *out);
  if (name && !rt_sched_name_ok(name)) {
    json_decref(body);
    return CC_EINVAL;
  }
  snprintf(path, sizeof path, "/schedules%s%s", name ? "/" : "", name ? name : "");
  if (body) {
    text = rt_json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(body);
    if (!text) return CC_EINVAL;
  }
  rt_aws_build_in b = {.method = method, .path = path, .query = query, .service = "scheduler",
                       .env_id = "SCHEDULER", .host_prefix = "scheduler",
                       .content_type = text ? "application/json" : NULL, .body = text,
                       .body_len = text ? strlen(text) : 0, .normalize_path = 1};
  int rc = rt_aws_build(out, cfg, amz_date, &b);
  free(text);
  return rc;
}

/* def plus GroupName and ClientToken (a new reference, NULL on error). */
static json_t *S_body(const char *group, const json_t *def, const char *token) {
  json_t *b = json_is_object(def) ? json_deep_copy(def) : NULL;
  if (!b || !rt_sched_name_ok(group) ||
      json_object_set_new(b, "GroupName", json_string(group)) != 0 ||
      (token && json_object_set_new(b, "ClientToken", json_string(token)) != 0)) {
    json_decref(b);
    return NULL;
  }
  return b;
}

int rt_sched_create_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                          const char *group, const char *name, const json_t *def,
                          const char *token) {
  json_t *b = S_body(group, def, token);
  if (!b) {
    memset(out, 0, sizeof *out);
    return CC_EINVAL;
  }
  return S_build(out, cfg, amz_date, "POST", name, NULL, b);
}

int rt_sched_update_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                          const char *group, const char *name, const json_t *def,
                          const char *token) {
  json_t *b = S_body(group, def, token);
  if (!b) {
    memset(out, 0, sizeof *out);
    return CC_EINVAL;
  }
  /* the whole definition: UpdateSchedule replaces it, it does not merge */
  return S_build(out, cfg, amz_date, "PUT", name, NULL, b);
}

int rt_sched_get_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                       const char *group, const char *name) {
  cc_buf q = CC_BUF_INIT;
  int rc = rt_sched_name_ok(group) ? rt_form_add(&q, "groupName", group) : CC_EINVAL;
  if (rc == CC_OK) rc = S_build(out, cfg, amz_date, "GET", name, q.ptr, NULL);
  else memset(out, 0, sizeof *out);
  cc_buf_free(&q);
  return rc;
}

int rt_sched_delete_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                          const char *group, const char *name, const char *token) {
  cc_buf q = CC_BUF_INIT;
  int rc = rt_sched_name_ok(group) ? CC_OK : CC_EINVAL;
  if (rc == CC_OK && token) rc = rt_form_add(&q, "clientToken", token);
  if (rc == CC_OK) rc = rt_form_add(&q, "groupName", group);
  if (rc == CC_OK) rc = S_build(out, cfg, amz_date, "DELETE", name, q.ptr, NULL);
  else memset(out, 0, sizeof *out);
  cc_buf_free(&q);
  return rc;
}

int rt_sched_list_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                        const char *group, const char *prefix, const char *next_token,
                        int max_results) {
  cc_buf q = CC_BUF_INIT;
  char n[16];
  int rc = rt_sched_name_ok(group) && max_results >= 0 && max_results <= 100 ? CC_OK : CC_EINVAL;
  snprintf(n, sizeof n, "%d", max_results);
  /* canonical order: the keys sorted */
  if (rc == CC_OK && max_results) rc = rt_form_add(&q, "MaxResults", n);
  if (rc == CC_OK && prefix && *prefix) rc = rt_form_add(&q, "NamePrefix", prefix);
  if (rc == CC_OK && next_token && *next_token) rc = rt_form_add(&q, "NextToken", next_token);
  if (rc == CC_OK) rc = rt_form_add(&q, "ScheduleGroup", group);
  if (rc == CC_OK) rc = S_build(out, cfg, amz_date, "GET", NULL, q.ptr, NULL);
  else memset(out, 0, sizeof *out);
  cc_buf_free(&q);
  return rc;
}

static const char *S_date(const rt_aws_client *c, char buf[17]) {
  if (c->fixed_date) return c->fixed_date;
  rt_aws_date_now(buf);
  return buf;
}

/* The CC_* code of a Scheduler error answer. */
static int S_code(int rc, const rt_http_resp *r) {
  if (rc != CC_EREMOTE) return rc;
  if (strcmp(r->code, "ConflictException") == 0) return CC_ECONFLICT;
  if (strcmp(r->code, "ThrottlingException") == 0 || r->status == 429) return CC_ETHROTTLED;
  if (strcmp(r->code, "ServiceQuotaExceededException") == 0) return CC_EQUOTA;
  if (strcmp(r->code, "ResourceNotFoundException") == 0 || r->status == 404)
    return CC_ENOTFOUND;
  if (strcmp(r->code, "ValidationException") == 0) return CC_EINVAL;
  return CC_EREMOTE;
}

static const char *S_hint(int rc) {
  switch (rc) {
  case CC_ECONFLICT: return " (a schedule of that name exists already)";
  case CC_ETHROTTLED: return " (throttled: retry later or lower the call rate)";
  case CC_EQUOTA: return " (the account's Scheduler quota is reached: delete schedules or "
                         "ask for a higher quota)";
  case CC_ENOTFOUND: return " (no such schedule or group)";
  default: return "";
  }
}

/* Sends req (built with build_rc) and, on success and when out is given,
 * parses the JSON answer into *out. Frees req. */
static int S_call(rt_aws_client *c, int build_rc, rt_http_req *req, const char *op,
                  const char *group, const char *name, json_t **out, cc_buf *err) {
  rt_http_resp resp;
  char what[160];
  int rc;
  if (out) *out = NULL;
  snprintf(what, sizeof what, "scheduler %s %s%s%s", op, group ? group : "", name ? "/" : "",
           name ? name : "");
  if (build_rc != CC_OK) {
    cc_buf_seterr(err, "%s: %s", what,
             build_rc == CC_EINVAL
                 ? "invalid request (names are 1-64 of [0-9A-Za-z._-]; the definition "
                   "must be a JSON object of valid UTF-8)"
                 : cc_strerror(build_rc));
    return build_rc;
  }
  rc = rt_http_send_via(&resp, req, &c->retry, c->transport);
  const char *s = resp.attempts == 1 ? "" : "s";
  if (rc == CC_EREMOTE) {
    rc = S_code(rc, &resp);
    cc_buf_seterr(err, "%s: HTTP %ld %s%s%s (%d attempt%s)%s", what, resp.status,
             resp.code[0] ? resp.code : "(no error code)", resp.detail[0] ? ": " : "",
             resp.detail, resp.attempts, s, S_hint(rc));
  } else if (rc == CC_ETIMEOUT || rc == CC_ENET) {
    cc_buf_seterr(err, "%s: %s after %d attempt%s: %s", what,
             rc == CC_ETIMEOUT ? "timed out" : "no answer", resp.attempts, s,
             resp.detail[0] ? resp.detail : cc_strerror(rc));
  } else if (rc != CC_OK) {
    cc_buf_seterr(err, "%s: %s", what, cc_strerror(rc));
  } else if (out) {
    json_error_t je;
    *out = json_loadb(resp.body.ptr ? resp.body.ptr : "", resp.body.len, 0, &je);
    if (!json_is_object(*out)) {
      json_decref(*out);
      *out = NULL;
      cc_buf_seterr(err, "%s: the answer is not a JSON object (%s)", what, je.text);
      rc = CC_EREMOTE;
    }
  }
  cc_buf_free(&resp.body);
  rt_http_req_free(req);
  return rc;
}

int rt_sched_get(rt_aws_client *c, const char *group, const char *name, json_t **out,
                 cc_buf *err) {
  rt_http_req req;
  char date[17];
  int rc = rt_sched_get_build(&req, &c->cfg, S_date(c, date), group, name);
  return S_call(c, rc, &req, "GetSchedule", group, name, out, err);
}

int rt_sched_create(rt_aws_client *c, const char *group, const char *name, const json_t *def,
                    cc_buf *err) {
  rt_http_req req;
  char date[17], token[65];
  int rc = json_is_object(def) ? rt_sched_client_token(token, group ? group : "", name ? name : "", def)
                               : CC_EINVAL;
  if (rc == CC_OK) rc = rt_sched_create_build(&req, &c->cfg, S_date(c, date), group, name, def, token);
  else memset(&req, 0, sizeof req);
  rc = S_call(c, rc, &req, "CreateSchedule", group, name, NULL, err);
  if (rc == CC_ECONFLICT) {
    /* a create retried after its answer was lost finds its own schedule */
    json_t *got = NULL;
    if (rt_sched_get(c, group, name, &got, NULL) == CC_OK &&
        rt_sched_same(def, got, NULL))
      rc = CC_OK;
    json_decref(got);
  }
  return rc;
}

int rt_sched_update(rt_aws_client *c, const char *group, const char *name, const json_t *def,
                    cc_buf *err) {
  rt_http_req req;
  char date[17], token[65];
  int rc = json_is_object(def) ? rt_sched_client_token(token, group ? group : "", name ? name : "", def)
                               : CC_EINVAL;
  if (rc == CC_OK) rc = rt_sched_update_build(&req, &c->cfg, S_date(c, date), group, name, def, token);
  else memset(&req, 0, sizeof req);
  return S_call(c, rc, &req, "UpdateSchedule", group, name, NULL, err);
}

int rt_sched_delete(rt_aws_client *c, const char *group, const char *name, cc_buf *err) {
  rt_http_req req;
  char date[17];
  int rc = rt_sched_delete_build(&req, &c->cfg, S_date(c, date), group, name, NULL);
  return S_call(c, rc, &req, "DeleteSchedule", group, name, NULL, err);
}

int rt_sched_list_page(rt_aws_client *c, const char *group, const char *prefix,
                       const char *next_token, int max_results, json_t **out, cc_buf *err) {
  rt_http_req req;
  char date[17];
  int rc = rt_sched_list_build(&req, &c->cfg, S_date(c, date), group, prefix, next_token,
                               max_results);
  return S_call(c, rc, &req, "ListSchedules", group, NULL, out, err);
}

int rt_sched_list_all(rt_aws_client *c, const char *group, const char *prefix, int max_pages,
                      json_t **out, cc_buf *err) {
  json_t *all = json_array(), *page = NULL;
  char *token = NULL;
  size_t plen = prefix ? strlen(prefix) : 0;
  int rc = all ? CC_OK : CC_ENOMEM;
  *out = NULL;
  for (int p = 0; rc == CC_OK; p++) {
    if (p >= max_pages) {
      cc_buf_seterr(err, "scheduler ListSchedules %s: more than %d pages", group, max_pages);
      rc = CC_ELIMIT;
      break;
    }
    rc = rt_sched_list_page(c, group, prefix, token, 100, &page, err);
    if (rc != CC_OK) break;
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(page, "Schedules"), i, s) {
      const char *name = json_string_value(json_object_get(s, "Name"));
      const char *g = json_string_value(json_object_get(s, "GroupName"));
      /* NamePrefix is the service's filter; the group and prefix are
       * checked again so nothing outside them is ever returned */
      if (name && (!g || strcmp(g, group) == 0) && strncmp(name, prefix ? prefix : "", plen) == 0)
        json_array_append(all, s);
    }
    const char *next = json_string_value(json_object_get(page, "NextToken"));
    int more = next && *next;
    free(token);
    token = more ? strdup(next) : NULL;
    json_decref(page); /* next points into page: not used past here */
    page = NULL;
    if (!more) break;
    if (!token) rc = CC_ENOMEM;
  }
  free(token);
  if (rc == CC_OK)
    *out = all;
  else
    json_decref(all);
  return rc;
}

/* ---- comparison ---- */

static const char *S_str(const json_t *o, const char *key, const char *dflt) {
  const char *s = json_string_value(json_object_get(o, key));
  return s && *s ? s : dflt;
}

static int S_streq(const char *a, const char *b) { return strcmp(a, b) == 0; }

/* The window as "OFF" or "FLEXIBLE/N". */
static void S_window(char *out, size_t cap, const json_t *def) {
  const json_t *w = json_object_get(def, "FlexibleTimeWindow");
  const char *mode = S_str(w, "Mode", "OFF");
  if (strcmp(mode, "OFF") == 0)
    snprintf(out, cap, "OFF");
  else
    snprintf(out, cap, "%s/%lld", mode,
             (long long)json_integer_value(json_object_get(w, "MaximumWindowInMinutes")));
}

static int S_input_same(const json_t *a, const json_t *b) {
  const char *sa = json_string_value(a), *sb = json_string_value(b);
  if (!sa || !sb) return !sa && !sb;
  if (strcmp(sa, sb) == 0) return 1;
  json_t *ja = json_loads(sa, JSON_DECODE_ANY, NULL), *jb = json_loads(sb, JSON_DECODE_ANY, NULL);
  int same = ja && jb && json_equal(ja, jb);
  json_decref(ja);
  json_decref(jb);
  return same;
}

int rt_sched_same(const json_t *def, const json_t *got, const char **what) {
  const char *dummy;
  char wa[48], wb[48];
  const json_t *td = json_object_get(def, "Target"), *tg = json_object_get(got, "Target");
  if (!what) what = &dummy;
  *what = NULL;
  S_window(wa, sizeof wa, def);
  S_window(wb, sizeof wb, got);
  if (!S_streq(S_str(def, "ScheduleExpression", ""), S_str(got, "ScheduleExpression", "")))
    *what = "expression";
  else if (!S_streq(S_str(def, "ScheduleExpressionTimezone", "UTC"),
                    S_str(got, "ScheduleExpressionTimezone", "UTC")))
    *what = "timezone";
  else if (!S_streq(S_str(def, "Description", ""), S_str(got, "Description", "")))
    *what = "description";
  else if (!S_streq(S_str(def, "State", "ENABLED"), S_str(got, "State", "ENABLED")))
    *what = "state";
  else if (!S_streq(wa, wb))
    *what = "window";
  else if (!S_streq(S_str(def, "ActionAfterCompletion", "NONE"),
                    S_str(got, "ActionAfterCompletion", "NONE")))
    *what = "action";
  else if (!S_streq(S_str(td, "Arn", ""), S_str(tg, "Arn", "")))
    *what = "target";
  else if (!S_streq(S_str(td, "RoleArn", ""), S_str(tg, "RoleArn", "")))
    *what = "role";
  else if (!S_input_same(json_object_get(td, "Input"), json_object_get(tg, "Input")))
    *what = "input";
  else if (json_object_get(td, "RetryPolicy") &&
           !json_equal(json_object_get(td, "RetryPolicy"), json_object_get(tg, "RetryPolicy")))
    *what = "retry";
  else if (json_object_get(td, "DeadLetterConfig") &&
           !json_equal(json_object_get(td, "DeadLetterConfig"),
                       json_object_get(tg, "DeadLetterConfig")))
    *what = "dead-letter";
  return *what == NULL;
}
