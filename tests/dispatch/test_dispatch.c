/* The dispatcher's pure parts: the connection settings read from an RDS
 * secret (defaults, overrides, every refusal naming the key and never the
 * password), PostgreSQL array literals, and SendMessageBatch answers read
 * per entry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cc/buf.h"
#include "cc/err.h"
#include "dispatch_db.h"
#include "sqs.h"

#define PW "s3cr3t-\"pw\""
#define PWJ "s3cr3t-\\\"pw\\\"" /* PW inside a JSON string */

static void conf_rds_shape(void **state) {
  (void)state;
  const char *s = "{\"username\":\"app\",\"password\":\"s3cr3t-\\\"pw\\\"\",\"engine\":\"postgres\","
                  "\"host\":\"db.example.internal\",\"port\":6432,\"dbname\":\"flows\","
                  "\"dbInstanceIdentifier\":\"flows-db\"}";
  rt_db_conf c;
  cc_buf err = CC_BUF_INIT;
  assert_int_equal(rt_db_conf_from_secret(&c, s, strlen(s), NULL, NULL, &err), CC_OK);
  assert_string_equal(c.host, "db.example.internal");
  assert_string_equal(c.port, "6432");
  assert_string_equal(c.dbname, "flows");
  assert_string_equal(c.user, "app");
  assert_string_equal(c.password, PW);
  assert_string_equal(c.sslmode, "require");
  assert_string_equal(c.sslrootcert, "");
  rt_db_conf_free(&c);
  assert_null(c.password);
  cc_buf_free(&err);
}

static void conf_defaults_and_overrides(void **state) {
  (void)state;
  /* RDS's managed master secrets have no dbname and no port */
  const char *s = "{\"username\":\"u\",\"password\":\"p\",\"host\":\"h\",\"sslmode\":\"verify-full\"}";
  rt_db_conf c;
  cc_buf err = CC_BUF_INIT;
  assert_int_equal(rt_db_conf_from_secret(&c, s, strlen(s), NULL, "/ca.pem", &err),
                   CC_OK);
  assert_string_equal(c.port, "5432");
  assert_string_equal(c.dbname, "postgres");
  assert_string_equal(c.sslmode, "verify-full");
  assert_string_equal(c.sslrootcert, "/ca.pem");
  rt_db_conf_free(&c);
  assert_int_equal(rt_db_conf_from_secret(&c, s, strlen(s), "disable", NULL, &err),
                   CC_OK);
  assert_string_equal(c.sslmode, "disable");
  rt_db_conf_free(&c);
  cc_buf_free(&err);
}

static void conf_refusals(void **state) {
  (void)state;
  static const struct {
    const char *secret, *sslmode, *want;
  } cases[] = {
      {"{\"username\":\"u\",\"password\":\"" PWJ "\"}", NULL, "\"host\" is missing"},
      {"{\"host\":\"h\",\"password\":\"" PWJ "\"}", NULL, "\"username\" is missing"},
      {"{\"host\":\"h\",\"username\":\"u\"}", NULL, "\"password\" is missing"},
      {"{\"host\":\"h\",\"username\":\"u\",\"password\":7}", NULL, "\"password\" is missing"},
      {"{\"host\":[],\"username\":\"u\",\"password\":\"x\"}", NULL, "\"host\" is not"},
      {"{\"host\":\"h\",\"username\":\"u\",\"password\":\"x\"}", "sometimes", "sslmode \"sometimes\""},
      {"host=h password=" PW, NULL, "not a JSON object"},
      {"[\"" PW "\"]", NULL, "not a JSON object"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rt_db_conf c;
    cc_buf err = CC_BUF_INIT;
    int rc = rt_db_conf_from_secret(&c, cases[i].secret, strlen(cases[i].secret),
                                    cases[i].sslmode, NULL, &err);
    assert_int_equal(rc, CC_EINVAL);
    assert_non_null(strstr(cc_buf_str(&err), cases[i].want));
    assert_null(strstr(cc_buf_str(&err), "s3cr3t"));
    assert_null(c.password);
    cc_buf_free(&err);
  }
}

static void arrays(void **state) {
  (void)state;
  const char *items[] = {"a", "b\"c", "d\\e", NULL, "", "caf\xc3\xa9 {x,y}"};
  cc_buf b = CC_BUF_INIT;
  assert_int_equal(rt_db_array(&b, items, 6), CC_OK);
  assert_string_equal(cc_buf_str(&b), "{\"a\",\"b\\\"c\",\"d\\\\e\",NULL,\"\",\"caf\xc3\xa9 {x,y}\"}");
  cc_buf_free(&b);
  assert_int_equal(rt_db_array(&b, items, 0), CC_OK);
  assert_string_equal(cc_buf_str(&b), "{}");
  cc_buf_free(&b);
}

static void batch_answers(void **state) {
  (void)state;
  rt_sqs_result r[4];
  const char *a = "{\"Successful\":[{\"Id\":\"0\",\"MessageId\":\"m0\"},{\"Id\":\"2\",\"MessageId\":"
                  "\"m2\"}],\"Failed\":[{\"Id\":\"1\",\"SenderFault\":false,\"Code\":"
                  "\"InternalError\",\"Message\":\"try again\"},{\"Id\":\"9\",\"Code\":\"X\"}]}";
  assert_int_equal(rt_sqs_send_batch_parse(r, 4, a, strlen(a)), CC_OK);
  assert_true(r[0].ok && r[2].ok);
  assert_false(r[1].ok);
  assert_false(r[1].sender_fault);
  assert_string_equal(r[1].code, "InternalError");
  assert_string_equal(r[1].message, "try again");
  /* an entry the answer does not mention was not sent */
  assert_false(r[3].ok);
  assert_string_equal(r[3].code, "MissingFromAnswer");
  const char *f = "{\"Failed\":[{\"Id\":\"0\",\"SenderFault\":true,\"Code\":\"InvalidMessageContents\"}]}";
  assert_int_equal(rt_sqs_send_batch_parse(r, 1, f, strlen(f)), CC_OK);
  assert_true(r[0].sender_fault);
  /* a Failed entry with an empty Code still says it failed (fuzz_dispatch) */
  const char *e = "{\"Failed\":[{\"Id\":\"0\",\"Code\":\"\"}]}";
  assert_int_equal(rt_sqs_send_batch_parse(r, 1, e, strlen(e)), CC_OK);
  assert_false(r[0].ok);
  assert_string_equal(r[0].code, "(no code)");
  assert_int_equal(rt_sqs_send_batch_parse(r, 1, "<xml/>", 6), CC_EREMOTE);
  assert_int_equal(rt_sqs_send_batch_parse(r, 1, NULL, 0), CC_EREMOTE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(conf_rds_shape),    cmocka_unit_test(conf_defaults_and_overrides),
      cmocka_unit_test(conf_refusals),     cmocka_unit_test(arrays),
      cmocka_unit_test(batch_answers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
