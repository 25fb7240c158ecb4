#include "stack.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc/err.h"
#include "hcl.h"
#include "modules.h"
#include "readme.h"

/* ---- paths ---- */

/* PATH made absolute (against the current directory) and normalised
 * lexically: no ".", "..", or repeated slashes. */
static int S_abs(cc_buf *out, const char *path) {
  cc_buf raw = CC_BUF_INIT;
  if (path[0] != '/') {
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return CC_EIO;
    cc_buf_emitf(&raw, "%s/", cwd);
  }
  cc_buf_emit(&raw, path);
  const char *p = cc_buf_str(&raw);
  size_t *starts = calloc(raw.len + 1, sizeof *starts), depth = 0;
  if (!starts) {
    cc_buf_free(&raw);
    return CC_ENOMEM;
  }
  cc_buf_truncate(out, 0);
  int rc = CC_OK;
  while (*p && !rc) {
    while (*p == '/') p++;
    const char *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == 0 || (n == 1 && p[0] == '.')) {
    } else if (n == 2 && p[0] == '.' && p[1] == '.') {
      if (depth) cc_buf_truncate(out, starts[--depth]);
    } else {
      starts[depth++] = out->len;
      rc = cc_buf_printf(out, "/%.*s", (int)n, p);
    }
    p += n;
  }
  if (!out->len && !rc) rc = cc_buf_putc(out, '/');
  free(starts);
  cc_buf_free(&raw);
  return rc;
}

int gen_relpath(cc_buf *out, const char *from, const char *to) {
  cc_buf a = CC_BUF_INIT, b = CC_BUF_INIT;
  int rc = S_abs(&a, from);
  if (!rc) rc = S_abs(&b, to);
  if (rc) {
    cc_buf_free(&a);
    cc_buf_free(&b);
    return rc;
  }
  const char *x = cc_buf_str(&a), *y = cc_buf_str(&b);
  if (!strcmp(x, "/")) x = "";
  /* longest common prefix ending at a component boundary */
  size_t common = 0;
  for (size_t i = 0;; i++) {
    if ((x[i] == '/' || !x[i]) && (y[i] == '/' || !y[i])) common = i;
    if (!x[i] || !y[i] || x[i] != y[i]) break;
  }
  const char *rest = x + common;
  size_t ups = 0;
  for (const char *p = rest; *p; p++)
    if (*p == '/') ups++;
  for (size_t i = 0; i < ups && !rc; i++) rc = cc_buf_puts(out, i ? "/.." : "..");
  const char *down = y + common;
  if (*down == '/') down++;
  if (*down && !rc) rc = cc_buf_printf(out, "%s%s", ups ? "/" : "", down);
  if (!ups && !*down && !rc) rc = cc_buf_putc(out, '.');
  cc_buf_free(&a);
  cc_buf_free(&b);
  return rc;
}

/* ---- HCL writing helpers (layout is gen_hclfmt's job) ---- */

static void S_str_attr(cc_buf *b, const char *key, const char *value) {
  cc_buf_emitf(b, "%s = ", key);
  gen_hcl_str(b, value);
  cc_buf_emitc(b, '\n');
}

static void S_raw_attr(cc_buf *b, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void S_raw_attr(cc_buf *b, const char *key, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cc_buf_emitf(b, "%s = ", key);
  if (cc_buf_vprintf(b, fmt, ap) != CC_OK) {
    /* sticks in b: S_emit checks */
  }
  cc_buf_emitc(b, '\n');
  va_end(ap);
}

static void S_list_attr(cc_buf *b, const char *key, const gen_strs *list) {
  cc_buf_emitf(b, "%s = [", key);
  for (size_t i = 0; i < list->n; i++) {
    if (i) cc_buf_emit(b, ", ");
    gen_hcl_str(b, list->items[i]);
  }
  cc_buf_emit(b, "]\n");
}

static void S_map_attr(cc_buf *b, const char *key, const gen_kvs *kvs) {
  cc_buf_emitf(b, "%s = {\n", key);
  for (size_t i = 0; i < kvs->n; i++) {
    gen_hcl_key(b, kvs->items[i].key);
    cc_buf_emit(b, " = ");
    gen_hcl_str(b, kvs->items[i].value);
    cc_buf_emitc(b, '\n');
  }
  cc_buf_emit(b, "}\n");
}

/* jsonencode({...}) of a JSON value, on one line. */
static void S_json_attr(cc_buf *b, const char *key, const json_t *v) {
  cc_buf_emitf(b, "%s = jsonencode(", key);
  gen_hcl_value(b, v, false);
  cc_buf_emit(b, ")\n");
}

static const char *S_ident(cc_buf *scratch, const char *prefix, const char *key) {
  cc_buf_truncate(scratch, 0);
  gen_hcl_ident(scratch, prefix, key);
  return cc_buf_str(scratch);
}

static const char *S_base(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* ---- the stack ---- */

static const char *const S_channel_module[] = {"email-notification", "sms-notification", "print-notification"};

/* Whether notification N is wired (its channel's module is in this build). */
static bool S_wired(const gen_notification *n) { return gen_module_exists(S_channel_module[n->channel]); }

typedef struct S_ctx {
  const gen_spec *spec;
  gen_tree *tree;
  const char *out_dir;
  cc_buf dir; /* "stacks/<project>" */
  bool any_file_template, any_build, any_republish;
  bool any_idempotency; /* a wired channel records its deliveries */
  int rc;
} S_ctx;

static void S_emit(S_ctx *c, const char *name, cc_buf *body) {
  cc_buf path = CC_BUF_INIT;
  cc_buf_emitf(&path, "%s/%s", cc_buf_str(&c->dir), name);
  /* every append to body and path was unchecked: their failure sticks */
  if (!c->rc) c->rc = cc_buf_failed(body) ? cc_buf_failed(body) : cc_buf_failed(&path);
  if (!c->rc) c->rc = gen_emit(c->tree, cc_buf_str(&path), c->spec->path, cc_buf_str(body), body->len);
  cc_buf_free(&path);
  cc_buf_free(body);
}

static void S_versions(S_ctx *c) {
  cc_buf b = CC_BUF_INIT;
  /* one floor with the modules (1.9: validations referring to other
   * variables); hashicorp/aws 5.x from 5.100 and 6.x */
  cc_buf_emit(&b, "terraform {\nrequired_version = \">= 1.9\"\n\nrequired_providers {\naws = {\n"
                  "source = \"hashicorp/aws\"\nversion = \">= 5.100, < 7.0\"\n}\n}\n}\n");
  S_emit(c, "versions.tf", &b);
}

/* ---- the sandbox: -var aws_endpoint_url=http://127.0.0.1:PORT ---- */

/* AWS services the stack and its modules call, by the provider's endpoint
 * names: every one goes to the sandbox's endpoint when it is set. */
static const char *const S_sandbox_services[] = {"cloudwatch", "cloudwatchlogs", "dynamodb",       "ec2",       "ecr",
                                                 "events",     "iam",            "kms",            "lambda",    "scheduler",
                                                 "s3",         "secretsmanager", "sns",            "sqs",       "ssm",
                                                 "sts"};

static void S_sandbox_variable(cc_buf *b) {
  cc_buf_emit(b, "variable \"aws_endpoint_url\" {\ndescription = \"A local stand-in for AWS (moto_server), such as "
                 "http://127.0.0.1:5000: every AWS call of the stack, the provider's and the AWS CLI's, goes there with "
                 "fixed sandbox credentials, and what the stand-in cannot emulate is switched off (README). "
                 "null (the default): AWS.\"\ntype = string\ndefault = null\n\nvalidation {\n"
                 "condition = var.aws_endpoint_url == null || can(regex(\"^https?://[^/[:space:]]+/?$\", var.aws_endpoint_url))\n"
                 "error_message = \"aws_endpoint_url must be http(s)://HOST[:PORT].\"\n}\n}\n\n");
}

/* Provider settings that apply only with aws_endpoint_url (null otherwise,
 * which leaves the provider's defaults). */
static void S_provider_sandbox(cc_buf *b) {
  cc_buf_emit(b, "\n# Sandbox (var.aws_endpoint_url): every service at that endpoint, fixed\n"
                 "# credentials, no credential or account checks against AWS.\n"
                 "access_key = var.aws_endpoint_url == null ? null : \"sandbox\"\n"
                 "secret_key = var.aws_endpoint_url == null ? null : \"sandbox\"\n"
                 "skip_credentials_validation = var.aws_endpoint_url != null\n"
                 "skip_requesting_account_id = var.aws_endpoint_url != null\n"
                 "skip_metadata_api_check = var.aws_endpoint_url != null\n"
                 "s3_use_path_style = var.aws_endpoint_url != null\n\nendpoints {\n");
  for (size_t i = 0; i < sizeof S_sandbox_services / sizeof *S_sandbox_services; i++)
    cc_buf_emitf(b, "%s = var.aws_endpoint_url\n", S_sandbox_services[i]);
  cc_buf_emit(b, "}\n");
}

static void S_variables(S_ctx *c) {
  const gen_spec *s = c->spec;
  cc_buf b = CC_BUF_INIT;
  cc_buf_emit(&b, "variable \"region\" {\ndescription = ");
  gen_hcl_str(&b, s->region ? "AWS region of the stack (the spec's `region`)."
                            : "AWS region of the stack; null uses the provider's default (AWS_REGION, the profile).");
  cc_buf_emit(&b, "\ntype = string\ndefault = ");
  if (s->region) gen_hcl_str(&b, s->region);
  else cc_buf_emit(&b, "null");
  cc_buf_emit(&b, "\n}\n\n");
  cc_buf_emit(&b, "variable \"tags\" {\ndescription = \"Tags added to every resource, after the spec's tags (same keys win here).\"\n"
                  "type = map(string)\ndefault = {}\n}\n\n");
  S_sandbox_variable(&b);
  cc_buf_emit(&b, "variable \"log_retention_days\" {\ndescription = \"Retention of every function's log group, in days.\"\n"
                  "type = number\ndefault = 30\n}\n");
  if (c->any_build)
    cc_buf_emit(&b, "\nvariable \"build_tool\" {\ndescription = \"Tool that builds and pushes the images built here, on the "
                    "machine running terraform: docker (buildx) or buildah.\"\ntype = string\ndefault = \"docker\"\n\n"
                    "validation {\ncondition = contains([\"docker\", \"buildah\"], var.build_tool)\n"
                    "error_message = \"build_tool must be docker or buildah.\"\n}\n}\n");
  if (c->any_republish)
    cc_buf_emit(&b, "\nvariable \"republish_tool\" {\ndescription = \"Tool that copies the images republished here, on the "
                    "machine running terraform: docker (buildx imagetools), skopeo or crane.\"\ntype = string\n"
                    "default = \"docker\"\n\nvalidation {\ncondition = contains([\"docker\", \"skopeo\", \"crane\"], "
                    "var.republish_tool)\nerror_message = \"republish_tool must be docker, skopeo or crane.\"\n}\n}\n");
  S_emit(c, "variables.tf", &b);
}

static void S_provider(S_ctx *c, cc_buf *b) {
  const gen_spec *s = c->spec;
  cc_buf_emit(b, "provider \"aws\" {\nregion = var.region\n");
  S_provider_sandbox(b);
  cc_buf_emit(b, "\ndefault_tags {\ntags = merge({\n");
  S_str_attr(b, "cloudcron-project", s->project);
  for (size_t i = 0; i < s->tags.n; i++) {
    gen_hcl_key(b, s->tags.items[i].key);
    cc_buf_emit(b, " = ");
    gen_hcl_str(b, s->tags.items[i].value);
    cc_buf_emitc(b, '\n');
  }
  cc_buf_emit(b, "}, var.tags)\n}\n}\n\n");
  cc_buf_emit(b, "data \"aws_caller_identity\" \"current\" {}\n\n");
}

static void S_locals(S_ctx *c, cc_buf *b) {
  const gen_spec *s = c->spec;
  cc_buf id = CC_BUF_INIT;
  cc_buf_emit(b, "locals {\n# Every topic's ARN by key, created here or given as existing.\ntopic_arns = {\n");
  for (size_t i = 0; i < s->ntopics; i++) {
    const gen_topic *t = &s->topics[i];
    gen_hcl_key(b, t->key);
    cc_buf_emit(b, " = ");
    if (t->arn) gen_hcl_str(b, t->arn);
    else cc_buf_emitf(b, "aws_sns_topic.%s.arn", S_ident(&id, "", t->key));
    cc_buf_emitc(b, '\n');
  }
  cc_buf_emit(b, "}\n\n# Every image's URI by key: pinned as given, or the digest URI of the image\n"
                 "# built or republished here.\nimage_uris = {\n");
  for (size_t i = 0; i < s->nimages; i++) {
    const gen_image *img = &s->images[i];
    gen_hcl_key(b, img->key);
    cc_buf_emit(b, " = ");
    if (img->kind == GEN_IMAGE_URI) gen_hcl_str(b, img->uri);
    else cc_buf_emitf(b, "module.%s.image_uri", S_ident(&id, "image_", img->key));
    cc_buf_emitc(b, '\n');
  }
  cc_buf_emit(b, "}\n}\n\n");
  cc_buf_free(&id);
}

static void S_topics(S_ctx *c, cc_buf *b) {
  const gen_spec *s = c->spec;
  cc_buf id = CC_BUF_INIT;
  cc_buf_emit(b, "resource \"aws_scheduler_schedule_group\" \"this\" {\n");
  S_str_attr(b, "name", s->project);
  cc_buf_emit(b, "}\n\n");
  for (size_t i = 0; i < s->ntopics; i++) {
    const gen_topic *t = &s->topics[i];
    if (t->arn) continue;
    cc_buf_emitf(b, "resource \"aws_sns_topic\" \"%s\" {\n", S_ident(&id, "", t->key));
    S_str_attr(b, "name", t->name);
    if (t->fifo) cc_buf_emit(b, "fifo_topic = true\ncontent_based_deduplication = true\n");
    cc_buf_emit(b, "}\n\n");
  }
  cc_buf_free(&id);
}

/* The private bucket holding the channels' file templates. */
/* The channels' idempotency records: one table for the stack. */
static void S_idempotency_table(S_ctx *c, cc_buf *b) {
  cc_buf_emit(b, "# The idempotency records of the channels with `idempotency` (one item per\n"
                 "# delivery, claimed before sending and marked done after, so a redelivered\n"
                 "# message reaches each recipient once); DynamoDB's TTL deletes them once\n"
                 "# expires_at has passed.\nresource \"aws_dynamodb_table\" \"idempotency\" {\n");
  cc_buf_emitf(b, "name = \"%s-idempotency\"\n", c->spec->project);
  cc_buf_emit(b, "billing_mode = \"PAY_PER_REQUEST\"\nhash_key = \"id\"\n\n"
                 "attribute {\nname = \"id\"\ntype = \"S\"\n}\n\n"
                 "ttl {\nattribute_name = \"expires_at\"\nenabled = true\n}\n\n"
                 "server_side_encryption {\nenabled = true\n}\n}\n\n");
}

static void S_template_bucket(S_ctx *c, cc_buf *b) {
  const gen_spec *s = c->spec;
  cc_buf id = CC_BUF_INIT;
  cc_buf_emit(b, "# The channels' file templates: copied into templates/ beside this file and\n"
                 "# uploaded to a private, encrypted bucket; each channel may read its own\n"
                 "# object only.\nresource \"aws_s3_bucket\" \"templates\" {\n");
  cc_buf_emitf(b, "bucket = \"%s-templates-${data.aws_caller_identity.current.account_id}\"\n", s->project);
  cc_buf_emit(b, "force_destroy = true\n}\n\n"
                 "resource \"aws_s3_bucket_public_access_block\" \"templates\" {\nbucket = aws_s3_bucket.templates.id\n"
                 "block_public_acls = true\nblock_public_policy = true\nignore_public_acls = true\n"
                 "restrict_public_buckets = true\n}\n\n"
                 "resource \"aws_s3_bucket_ownership_controls\" \"templates\" {\nbucket = aws_s3_bucket.templates.id\n\n"
                 "rule {\nobject_ownership = \"BucketOwnerEnforced\"\n}\n}\n\n"
                 "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"templates\" {\n"
                 "bucket = aws_s3_bucket.templates.id\n\nrule {\napply_server_side_encryption_by_default {\n"
                 "sse_algorithm = \"AES256\"\n}\n}\n}\n\n"
                 "# TLS only: any request over plain HTTP is denied, whoever makes it.\n"
                 "# Left out in the sandbox, which is plain HTTP (moto enforces the policy).\n"
                 "resource \"aws_s3_bucket_policy\" \"templates\" {\ncount = var.aws_endpoint_url == null ? 1 : 0\n\n"
                 "bucket = aws_s3_bucket.templates.id\n"
                 "policy = jsonencode({\nVersion = \"2012-10-17\"\nStatement = [{\nSid = \"DenyInsecureTransport\"\n"
                 "Effect = \"Deny\"\nPrincipal = \"*\"\nAction = \"s3:*\"\n"
                 "Resource = [aws_s3_bucket.templates.arn, \"${aws_s3_bucket.templates.arn}/*\"]\n"
                 "Condition = { Bool = { \"aws:SecureTransport\" = \"false\" } }\n}]\n})\n\n"
                 "depends_on = [aws_s3_bucket_public_access_block.templates]\n}\n\n");
  for (size_t i = 0; i < s->nnotifications; i++) {
    const gen_notification *n = &s->notifications[i];
    if (!S_wired(n)) continue;
    if (n->text_value && n->text_kind == GEN_TEMPLATE_FILE) {
      /* The text part's template, under KEY.text/ (no clash with the
       * template's parts: a notification key has no dot). */
      const char *tname = S_base(n->text_value);
      cc_buf_emitf(b, "resource \"aws_s3_object\" \"%s\" {\n", S_ident(&id, "text_template_", n->key));
      cc_buf_emit(b, "bucket = aws_s3_bucket.templates.bucket\n");
      cc_buf_emitf(b, "key = \"%s.text/%s\"\n", n->key, tname);
      cc_buf_emitf(b, "source = \"${path.module}/templates/%s.text/%s\"\n", n->key, tname);
      cc_buf_emitf(b, "etag = filemd5(\"${path.module}/templates/%s.text/%s\")\n", n->key, tname);
      cc_buf_emit(b, "server_side_encryption = \"AES256\"\n\n"
                     "depends_on = [aws_s3_bucket_server_side_encryption_configuration.templates]\n}\n\n");
    }
    if (n->template_kind != GEN_TEMPLATE_FILE) continue;
    const char *name = S_base(n->template_value);
    cc_buf_emitf(b, "resource \"aws_s3_object\" \"%s\" {\n", S_ident(&id, "template_", n->key));
    cc_buf_emit(b, "bucket = aws_s3_bucket.templates.bucket\n");
    cc_buf_emitf(b, "key = \"%s/%s\"\n", n->key, name);
    cc_buf_emitf(b, "source = \"${path.module}/templates/%s/%s\"\n", n->key, name);
    cc_buf_emitf(b, "etag = filemd5(\"${path.module}/templates/%s/%s\")\n", n->key, name);
    cc_buf_emit(b, "server_side_encryption = \"AES256\"\n\n"
                   "depends_on = [aws_s3_bucket_server_side_encryption_configuration.templates]\n}\n\n");
    /* The templates it includes, imports or extends, beside it (the
     * handler loads them from the same prefix). */
    for (size_t k = 0; k < n->ntemplate_parts; k++) {
      const char *part = n->template_parts[k];
      cc_buf_emitf(b, "resource \"aws_s3_object\" \"%s_%zu\" {\n", S_ident(&id, "tpl_part_", n->key), k + 1);
      cc_buf_emit(b, "bucket = aws_s3_bucket.templates.bucket\n");
      cc_buf_emitf(b, "key = \"%s/%s\"\n", n->key, part);
      cc_buf_emitf(b, "source = \"${path.module}/templates/%s/%s\"\n", n->key, part);
      cc_buf_emitf(b, "etag = filemd5(\"${path.module}/templates/%s/%s\")\n", n->key, part);
      cc_buf_emit(b, "server_side_encryption = \"AES256\"\n\n"
                     "depends_on = [aws_s3_bucket_server_side_encryption_configuration.templates]\n}\n\n");
    }
  }
  cc_buf_free(&id);
}

static void S_images(S_ctx *c, cc_buf *b) {
  const gen_spec *s = c->spec;
  cc_buf id = CC_BUF_INIT, rel = CC_BUF_INIT, from = CC_BUF_INIT, to = CC_BUF_INIT;
  for (size_t i = 0; i < s->nimages; i++) {
    const gen_image *img = &s->images[i];
    if (img->kind == GEN_IMAGE_URI) continue;
    cc_buf_emitf(b, "module \"%s\" {\n", S_ident(&id, "image_", img->key));
    if (img->kind == GEN_IMAGE_BUILD) {
      cc_buf_emit(b, "source = \"../../modules/lambda-image-build\"\n\n");
      S_str_attr(b, "repository_name", img->build.repository);
      /* The context stays where the spec has it, referenced relative to
       * this stack so the tree can move as a whole. */
      cc_buf_truncate(&rel, 0);
      cc_buf_truncate(&from, 0);
      cc_buf_truncate(&to, 0);
      cc_buf_emitf(&from, "%s/%s", c->out_dir, cc_buf_str(&c->dir));
      cc_buf_emitf(&to, "%s/%s", s->dir, img->build.context);
      if (gen_relpath(&rel, cc_buf_str(&from), cc_buf_str(&to))) c->rc = CC_EIO;
      cc_buf q = CC_BUF_INIT;
      gen_hcl_str(&q, cc_buf_str(&rel));
      cc_buf_emit(b, "source_dir = \"${path.module}/");
      cc_buf_emitn(b, q.ptr + 1, q.len - 2); /* the quoted path without its quotes */
      cc_buf_emit(b, "\"\n");
      cc_buf_free(&q);
      S_str_attr(b, "dockerfile", img->build.dockerfile);
      S_str_attr(b, "platform", img->build.platform);
      if (img->build.tag) S_str_attr(b, "image_tag", img->build.tag);
      if (img->build.build_args.n) S_map_attr(b, "build_args", &img->build.build_args);
      cc_buf_emit(b, "tool = var.build_tool\nsandbox = var.aws_endpoint_url != null\n");
    } else {
      cc_buf_emit(b, "source = \"../../modules/lambda-container\"\n\n");
      S_str_attr(b, "repository_name", img->republish.repository);
      S_str_attr(b, "source_image", img->republish.source);
      S_str_attr(b, "source_tag", img->republish.tag);
      S_str_attr(b, "platform", strcmp(img->architecture, "arm64") ? "linux/amd64" : "linux/arm64");
      cc_buf_emit(b, "tool = var.republish_tool\nsandbox = var.aws_endpoint_url != null\n");
    }
    cc_buf_emit(b, "}\n\n");
  }
  cc_buf_free(&id);
  cc_buf_free(&rel);
  cc_buf_free(&from);
  cc_buf_free(&to);
}

static void S_task_environment(S_ctx *c, cc_buf *b, const gen_task *t);

static void S_task(S_ctx *c, cc_buf *b, const gen_task *t) {
  cc_buf id = CC_BUF_INIT;
  cc_buf_emitf(b, "module \"%s\" {\nsource = \"../../modules/scheduled-lambda\"\n\n", S_ident(&id, "task_", t->key));
  S_str_attr(b, "function_name", t->function_name);
  cc_buf_emitf(b, "image_uri = local.image_uris[");
  gen_hcl_str(b, t->image);
  cc_buf_emit(b, "]\n");
  S_str_attr(b, "architecture", t->image_ref->architecture);
  if (t->schedule) S_str_attr(b, "schedule_expression", t->schedule);
  S_str_attr(b, "timezone", t->timezone);
  S_str_attr(b, "schedule_name", t->schedule_name);
  S_raw_attr(b, "schedule_group_name", "aws_scheduler_schedule_group.this.name");
  S_str_attr(b, "role_name", t->role_name);
  S_str_attr(b, "scheduler_role_name", t->scheduler_role_name);
  S_raw_attr(b, "timeout", "%d", t->timeout);
  S_raw_attr(b, "memory_size", "%d", t->memory);
  if (t->max_concurrency) S_raw_attr(b, "reserved_concurrency", "%d", t->max_concurrency);
  S_raw_attr(b, "retry_attempts", "%d", t->retry_attempts);
  S_raw_attr(b, "retry_max_age_seconds", "%d", t->retry_max_age);
  /* the same retry for a run that fails in the function, within Lambda's
   * limits for asynchronous invocations (2 retries, 6 hours) */
  S_raw_attr(b, "function_retry_attempts", "%d", t->retry_attempts < 2 ? t->retry_attempts : 2);
  S_raw_attr(b, "function_max_event_age_seconds", "%d", t->retry_max_age < 21600 ? t->retry_max_age : 21600);
  S_raw_attr(b, "flexible_window_minutes", "%d", t->flexible_window);
  S_raw_attr(b, "enabled", "%s", t->enabled ? "true" : "false");
  S_raw_attr(b, "dead_letter", "%s", t->dead_letter ? "true" : "false");
  if (t->dead_letter) S_str_attr(b, "dead_letter_queue_name", t->dlq_name);
  if (t->input) S_json_attr(b, "input_json", t->input);
  S_raw_attr(b, "log_retention_days", "var.log_retention_days");
  S_raw_attr(b, "aws_endpoint_url", "var.aws_endpoint_url");
  if (t->publishes.n) {
    cc_buf_emit(b, "\ntopic_arns = {\n");
    for (size_t i = 0; i < t->publishes.n; i++) {
      gen_hcl_key(b, t->publishes.items[i]);
      cc_buf_emit(b, " = local.topic_arns[");
      gen_hcl_str(b, t->publishes.items[i]);
      cc_buf_emit(b, "]\n");
    }
    cc_buf_emit(b, "}\n");
  }
  S_task_environment(c, b, t);
  cc_buf_emit(b, "}\n\n");
  cc_buf_free(&id);
}


static void S_notification(S_ctx *c, cc_buf *b, const gen_notification *n) {
  cc_buf id = CC_BUF_INIT;
  cc_buf_emitf(b, "module \"%s\" {\nsource = \"../../modules/%s\"\n\n", S_ident(&id, "notify_", n->key),
                S_channel_module[n->channel]);
  S_str_attr(b, "function_name", n->function_name);
  S_str_attr(b, "role_name", n->role_name);
  cc_buf_emit(b, "image_uri = local.image_uris[");
  gen_hcl_str(b, n->image);
  cc_buf_emit(b, "]\n");
  S_str_attr(b, "architecture", n->image_ref->architecture);
  cc_buf_emit(b, "topic_arn = local.topic_arns[");
  gen_hcl_str(b, n->topic);
  cc_buf_emit(b, "]\n");
  /* the module adds .fifo itself when the topic is FIFO */
  cc_buf q = CC_BUF_INIT;
  cc_buf_emit(&q, n->queue_name);
  if (q.len > 5 && !strcmp(q.ptr + q.len - 5, ".fifo")) cc_buf_truncate(&q, q.len - 5);
  S_str_attr(b, "queue_name", cc_buf_str(&q));
  cc_buf_truncate(&q, 0);
  cc_buf_emit(&q, n->dlq_name);
  if (q.len > 5 && !strcmp(q.ptr + q.len - 5, ".fifo")) cc_buf_truncate(&q, q.len - 5);
  S_str_attr(b, "dead_letter_queue_name", cc_buf_str(&q));
  cc_buf_free(&q);
  S_raw_attr(b, "log_retention_days", "var.log_retention_days");
  S_raw_attr(b, "sandbox", "var.aws_endpoint_url != null");
  if (n->filter) S_json_attr(b, "filter_policy", n->filter);
  cc_buf_emitc(b, '\n');
  switch (n->template_kind) {
  case GEN_TEMPLATE_INLINE: S_str_attr(b, "template", n->template_value); break;
  case GEN_TEMPLATE_FILE: {
    const char *r = S_ident(&id, "template_", n->key);
    cc_buf_emitf(b, "template_url = \"s3://${aws_s3_object.%s.bucket}/${aws_s3_object.%s.key}\"\n", r, r);
    break;
  }
  case GEN_TEMPLATE_URL:
  case GEN_TEMPLATE_S3: S_str_attr(b, "template_url", n->template_value); break;
  }
  if (n->template_name) S_str_attr(b, "template_name", n->template_name);
  if (n->template_kind == GEN_TEMPLATE_FILE && n->ntemplate_parts) {
    cc_buf_emit(b, "template_parts = [");
    for (size_t k = 0; k < n->ntemplate_parts; k++) {
      if (k) cc_buf_emit(b, ", ");
      gen_hcl_str(b, n->template_parts[k]);
    }
    cc_buf_emit(b, "]\n");
  }
  if (n->text_value) {
    switch (n->text_kind) {
    case GEN_TEMPLATE_INLINE: S_str_attr(b, "text_template", n->text_value); break;
    case GEN_TEMPLATE_FILE: {
      const char *r = S_ident(&id, "text_template_", n->key);
      cc_buf_emitf(b, "text_template_url = \"s3://${aws_s3_object.%s.bucket}/${aws_s3_object.%s.key}\"\n", r, r);
      break;
    }
    case GEN_TEMPLATE_URL:
    case GEN_TEMPLATE_S3: S_str_attr(b, "text_template_url", n->text_value); break;
    }
    if (n->text_name) S_str_attr(b, "text_template_name", n->text_name);
  }
  if (json_object_size(n->vars)) S_json_attr(b, "vars_json", n->vars);
  switch (n->channel) {
  case GEN_CHANNEL_EMAIL:
    if (n->subject) S_str_attr(b, "subject", n->subject);
    /* "Name <addr>" as is: the module grants and conditions on the address */
    S_str_attr(b, "sender", n->sender);
    S_list_attr(b, "recipients", &n->recipients);
    if (n->reply_to.n) S_list_attr(b, "reply_to", &n->reply_to);
    if (n->configuration_set) S_str_attr(b, "configuration_set", n->configuration_set);
    break;
  case GEN_CHANNEL_SMS:
    S_str_attr(b, "from", n->from);
    S_list_attr(b, "recipients", &n->recipients);
    S_raw_attr(b, "allow_override", "%s", n->allow_override ? "true" : "false");
    S_str_attr(b, "twilio_secret", n->twilio_secret);
    break;
  case GEN_CHANNEL_PRINT: break;
  }
  if (n->idempotency && n->channel != GEN_CHANNEL_PRINT)
    S_raw_attr(b, "idempotency_table_arn", "aws_dynamodb_table.idempotency.arn");
  cc_buf_emit(b, "}\n\n");
  cc_buf_free(&id);
}

/* ---- schedule groups and reconcilers ---- */

/* "CLOUDCRON_SCHEDULE_<WHAT>_<KEY>": what the task SDK reads for a group key. */
static void S_group_var(cc_buf *b, const char *what, const char *key) {
  cc_buf_emitf(b, "CLOUDCRON_SCHEDULE_%s_", what);
  for (const char *k = key; *k; k++) cc_buf_emitc(b, *k == '-' ? '_' : (char)(*k >= 'a' && *k <= 'z' ? *k - 32 : *k));
}

/* A task's environment: its own `env`, and for each schedule group it
 * creates schedules in, the group's name, role, target and queue. */
static void S_task_environment(S_ctx *c, cc_buf *b, const gen_task *t) {
  const gen_spec *s = c->spec;
  cc_buf id = CC_BUF_INIT;
  size_t ng = 0;
  for (size_t i = 0; i < s->nschedule_groups; i++)
    for (size_t j = 0; j < s->schedule_groups[i].creators.n; j++)
      ng += !strcmp(s->schedule_groups[i].creators.items[j], t->key);
  if (!t->env.n && !ng) return;
  cc_buf_emitc(b, '\n');
  if (!ng) {
    S_map_attr(b, "environment", &t->env);
    return;
  }
  cc_buf_emit(b, "environment = {\n");
  for (size_t i = 0; i < t->env.n; i++) {
    gen_hcl_key(b, t->env.items[i].key);
    cc_buf_emit(b, " = ");
    gen_hcl_str(b, t->env.items[i].value);
    cc_buf_emitc(b, '\n');
  }
  for (size_t i = 0; i < s->nschedule_groups; i++) {
    const gen_schedule_group *g = &s->schedule_groups[i];
    bool creator = false;
    for (size_t j = 0; j < g->creators.n; j++) creator |= !strcmp(g->creators.items[j], t->key);
    if (!creator) continue;
    static const char *const what[][2] = {{"GROUP", "group_name"}, {"ROLE", "scheduler_role_arn"},
                                          {"TARGET", "target_function_arn"}, {"DLQ", NULL}};
    if (g->has_retry) {
      S_group_var(b, "RETRY", g->key);
      cc_buf_emitf(b, " = \"%d,%d\"\n", g->retry_attempts, g->retry_max_age);
    }
    for (size_t w = 0; w < 4; w++) {
      if (!what[w][1] && !g->dead_letter) continue;
      S_group_var(b, what[w][0], g->key);
      if (what[w][1])
        cc_buf_emitf(b, " = module.%s.%s\n", S_ident(&id, "group_", g->key), what[w][1]);
      else
        cc_buf_emitf(b, " = aws_sqs_queue.%s.arn\n", S_ident(&id, "group_dlq_", g->key));
    }
  }
  cc_buf_emit(b, "}\n");
  cc_buf_free(&id);
}

/* A schedule group: the module, its optional dead-letter queue, and the
 * creators' policy attached to each creating task's role. */
static void S_schedule_group(S_ctx *c, cc_buf *b, const gen_schedule_group *g) {
  cc_buf id = CC_BUF_INIT, q = CC_BUF_INIT;
  if (g->dead_letter) {
    cc_buf_emitf(&q, "%s", S_ident(&id, "group_dlq_", g->key));
    cc_buf_emitf(b, "resource \"aws_sqs_queue\" \"%s\" {\n", cc_buf_str(&q));
    S_str_attr(b, "name", g->dlq_name);
    cc_buf_emit(b, "message_retention_seconds = 1209600\nsqs_managed_sse_enabled = true\n}\n\n");
  }
  cc_buf_emitf(b, "module \"%s\" {\nsource = \"../../modules/schedule-group\"\n\n", S_ident(&id, "group_", g->key));
  S_str_attr(b, "group_name", g->group_name);
  cc_buf_emitf(b, "target_function_arn = module.%s.function_arn\n", S_ident(&id, "task_", g->target));
  S_str_attr(b, "scheduler_role_name", g->scheduler_role_name);
  S_str_attr(b, "creators_policy_name", g->policy_name);
  if (g->dead_letter) cc_buf_emitf(b, "dead_letter_queue_arn = aws_sqs_queue.%s.arn\n", cc_buf_str(&q));
  cc_buf_emit(b, "}\n\n");
  for (size_t j = 0; j < g->creators.n; j++) {
    const gen_task *t = g->creators_ref ? g->creators_ref[j] : NULL;
    if (!t) continue;
    cc_buf_emitf(b, "# Task %s may create schedules in group %s.\n", t->key, g->key);
    cc_buf_truncate(&q, 0);
    gen_hcl_ident(&q, "group_", g->key);
    gen_hcl_ident(&q, "_", t->key);
    cc_buf_emitf(b, "resource \"aws_iam_role_policy_attachment\" \"%s\" {\n", cc_buf_str(&q));
    S_str_attr(b, "role", t->role_name);
    cc_buf_emitf(b, "policy_arn = module.%s.creators_policy_arn\n\n", S_ident(&id, "group_", g->key));
    cc_buf_emitf(b, "depends_on = [module.%s]\n}\n\n", S_ident(&id, "task_", t->key));
  }
  cc_buf_free(&id);
  cc_buf_free(&q);
}

static void S_reconciler(S_ctx *c, cc_buf *b, const gen_reconciler *x) {
  cc_buf id = CC_BUF_INIT;
  (void)c;
  cc_buf_emitf(b, "module \"%s\" {\nsource = \"../../modules/schedule-reconciler\"\n\n", S_ident(&id, "reconcile_", x->key));
  S_str_attr(b, "function_name", x->function_name);
  S_str_attr(b, "role_name", x->role_name);
  cc_buf_emit(b, "image_uri = local.image_uris[");
  gen_hcl_str(b, x->image);
  cc_buf_emit(b, "]\n");
  S_str_attr(b, "architecture", x->image_ref->architecture);
  S_str_attr(b, "schedule_name", x->function_name);
  S_raw_attr(b, "schedule_group_name", "aws_scheduler_schedule_group.this.name");
  S_str_attr(b, "schedule_expression", x->schedule);
  S_str_attr(b, "scheduler_role_name", x->scheduler_role_name);
  S_raw_attr(b, "enabled", "%s", x->enabled ? "true" : "false");
  S_raw_attr(b, "log_retention_days", "var.log_retention_days");
  cc_buf_emitc(b, '\n');
  S_str_attr(b, "config_url", x->config);
  S_str_attr(b, "collection", x->collection);
  S_str_attr(b, "default_timezone", x->timezone);
  S_raw_attr(b, "allow_empty", "%s", x->allow_empty ? "true" : "false");
  S_raw_attr(b, "dry_run", "%s", x->dry_run ? "true" : "false");
  const char *g = S_ident(&id, "group_", x->group);
  cc_buf_emitf(b, "managed_group_name = module.%s.group_name\n", g);
  S_str_attr(b, "managed_prefix", x->prefix);
  cc_buf_emitf(b, "managed_scheduler_role_arn = module.%s.scheduler_role_arn\n", g);
  cc_buf_emitf(b, "managed_target_arn = module.%s.target_function_arn\n", g);
  if (x->group_ref && x->group_ref->has_retry)
    cc_buf_emitf(b, "schedule_retry = {\nattempts = %d\nmax_age_seconds = %d\n}\n", x->group_ref->retry_attempts,
                  x->group_ref->retry_max_age);
  cc_buf_emit(b, "}\n\n");
  cc_buf_free(&id);
}

/* The groups' outputs, for code and roles outside the spec. */
static void S_group_outputs(S_ctx *c, cc_buf *b) {
  const gen_spec *s = c->spec;
  cc_buf id = CC_BUF_INIT;
  if (!s->nschedule_groups) return;
  cc_buf_emit(b, "\noutput \"schedule_groups\" {\ndescription = \"Every schedule group by key: its name, the role its "
                 "schedules assume, their target, and the managed policy that lets a role create schedules in it.\"\nvalue = {\n");
  for (size_t i = 0; i < s->nschedule_groups; i++) {
    const char *m = S_ident(&id, "group_", s->schedule_groups[i].key);
    gen_hcl_key(b, s->schedule_groups[i].key);
    cc_buf_emitf(b, " = {\nname = module.%s.group_name\nscheduler_role_arn = module.%s.scheduler_role_arn\n"
                     "target_function_arn = module.%s.target_function_arn\ncreators_policy_arn = module.%s.creators_policy_arn\n}\n",
                  m, m, m, m);
  }
  cc_buf_emit(b, "}\n}\n");
  cc_buf_free(&id);
}

static void S_main(S_ctx *c) {
  const gen_spec *s = c->spec;
  cc_buf b = CC_BUF_INIT;
  S_provider(c, &b);
  S_locals(c, &b);
  S_topics(c, &b);
  if (c->any_file_template) S_template_bucket(c, &b);
  if (c->any_idempotency) S_idempotency_table(c, &b);
  S_images(c, &b);
  for (size_t i = 0; i < s->ntasks; i++) S_task(c, &b, &s->tasks[i]);
  for (size_t i = 0; i < s->nnotifications; i++)
    if (S_wired(&s->notifications[i])) S_notification(c, &b, &s->notifications[i]);
  for (size_t i = 0; i < s->nschedule_groups; i++) S_schedule_group(c, &b, &s->schedule_groups[i]);
  for (size_t i = 0; i < s->nreconcilers; i++) S_reconciler(c, &b, &s->reconcilers[i]);
  gen_stack_dispatchers(&b, s);
  gen_stack_alarms(&b, s);
  S_emit(c, "main.tf", &b);
}

static void S_outputs(S_ctx *c) {
  const gen_spec *s = c->spec;
  cc_buf b = CC_BUF_INIT, id = CC_BUF_INIT;
  cc_buf_emit(&b, "output \"schedule_group_name\" {\ndescription = \"Name of the stack's schedule group.\"\n"
                  "value = aws_scheduler_schedule_group.this.name\n}\n\n");
  cc_buf_emit(&b, "output \"topic_arns\" {\ndescription = \"ARN of every topic, by key.\"\nvalue = local.topic_arns\n}\n\n");
  cc_buf_emit(&b, "output \"task_function_arns\" {\ndescription = \"ARN of every task's Lambda function, by key.\"\nvalue = {\n");
  for (size_t i = 0; i < s->ntasks; i++) {
    gen_hcl_key(&b, s->tasks[i].key);
    cc_buf_emitf(&b, " = module.%s.function_arn\n", S_ident(&id, "task_", s->tasks[i].key));
  }
  cc_buf_emit(&b, "}\n}\n\n");
  cc_buf_emit(&b, "output \"task_schedule_arns\" {\ndescription = \"ARN of every task's schedule, by key.\"\nvalue = {\n");
  for (size_t i = 0; i < s->ntasks; i++) {
    gen_hcl_key(&b, s->tasks[i].key);
    cc_buf_emitf(&b, " = module.%s.schedule_arn\n", S_ident(&id, "task_", s->tasks[i].key));
  }
  cc_buf_emit(&b, "}\n}\n\n");
  static const char *const what[][3] = {
      {"notification_function_arns", "ARN of every notification channel's Lambda function, by key.", "function_arn"},
      {"notification_queue_urls", "URL of every notification channel's SQS queue, by key.", "queue_url"},
      {"notification_dead_letter_queue_urls", "URL of every notification channel's dead-letter queue, by key.",
       "dead_letter_queue_url"},
  };
  for (size_t w = 0; w < 3; w++) {
    cc_buf_emitf(&b, "output \"%s\" {\ndescription = \"%s\"\nvalue = {", what[w][0], what[w][1]);
    size_t nw = 0;
    for (size_t i = 0; i < s->nnotifications; i++) nw += S_wired(&s->notifications[i]);
    cc_buf_emit(&b, nw ? "\n" : "");
    for (size_t i = 0; i < s->nnotifications; i++) {
      if (!S_wired(&s->notifications[i])) continue;
      gen_hcl_key(&b, s->notifications[i].key);
      cc_buf_emitf(&b, " = module.%s.%s\n", S_ident(&id, "notify_", s->notifications[i].key), what[w][2]);
    }
    cc_buf_emit(&b, "}\n}\n\n");
  }
  cc_buf_emit(&b, "output \"image_uris\" {\ndescription = \"URI of every image, by key (digest URIs for images built or "
                  "republished here).\"\nvalue = local.image_uris\n}\n");
  if (c->any_idempotency)
    cc_buf_emit(&b, "\noutput \"idempotency_table_name\" {\ndescription = \"Name of the DynamoDB table holding the "
                    "channels' idempotency records.\"\nvalue = aws_dynamodb_table.idempotency.name\n}\n");
  if (c->any_file_template)
    cc_buf_emit(&b, "\noutput \"template_bucket\" {\ndescription = \"Name of the private bucket holding the channels' "
                    "file templates.\"\nvalue = aws_s3_bucket.templates.bucket\n}\n");
  S_group_outputs(c, &b);
  gen_stack_dispatcher_outputs(&b, s);
  cc_buf_free(&id);
  S_emit(c, "outputs.tf", &b);
}

/* Each file template, copied under templates/KEY/ with the do-not-edit
 * line as a template comment (which renders as nothing) on its first line. */
static void S_template_files(S_ctx *c) {
  const gen_spec *s = c->spec;
  for (size_t i = 0; i < s->nnotifications; i++) {
    const gen_notification *n = &s->notifications[i];
    if (!S_wired(n)) continue;
    cc_buf b = CC_BUF_INIT, path = CC_BUF_INIT;
    if (n->text_value && n->text_kind == GEN_TEMPLATE_FILE && n->text_text) {
      cc_buf_emitf(&b, "{# %s from %s (`%s` of notification %s); do not edit #}", GEN_DO_NOT_EDIT, s->path,
                    n->text_value, n->key);
      cc_buf_emit(&b, n->text_text);
      cc_buf_emitf(&path, "%s/templates/%s.text/%s", cc_buf_str(&c->dir), n->key, S_base(n->text_value));
      if (!c->rc) c->rc = cc_buf_failed(&b) ? cc_buf_failed(&b) : cc_buf_failed(&path);
      if (!c->rc) c->rc = gen_tree_add(c->tree, cc_buf_str(&path), cc_buf_str(&b), b.len);
      cc_buf_truncate(&b, 0);
      cc_buf_truncate(&path, 0);
    }
    if (n->template_kind != GEN_TEMPLATE_FILE || !n->template_text) {
      cc_buf_free(&b);
      cc_buf_free(&path);
      continue;
    }
    cc_buf_emitf(&b, "{# %s from %s (`%s` of notification %s); do not edit #}", GEN_DO_NOT_EDIT, s->path,
                  n->template_value, n->key);
    cc_buf_emit(&b, n->template_text);
    cc_buf_emitf(&path, "%s/templates/%s/%s", cc_buf_str(&c->dir), n->key, S_base(n->template_value));
    if (!c->rc) c->rc = cc_buf_failed(&b) ? cc_buf_failed(&b) : cc_buf_failed(&path);
    if (!c->rc) c->rc = gen_tree_add(c->tree, cc_buf_str(&path), cc_buf_str(&b), b.len);
    for (size_t k = 0; k < n->ntemplate_parts; k++) {
      cc_buf_truncate(&b, 0);
      cc_buf_truncate(&path, 0);
      cc_buf_emitf(&b, "{# %s from %s (reached from `%s` of notification %s); do not edit #}", GEN_DO_NOT_EDIT,
                    s->path, n->template_value, n->key);
      cc_buf_emit(&b, n->template_part_texts[k]);
      cc_buf_emitf(&path, "%s/templates/%s/%s", cc_buf_str(&c->dir), n->key, n->template_parts[k]);
      if (!c->rc) c->rc = cc_buf_failed(&b) ? cc_buf_failed(&b) : cc_buf_failed(&path);
      if (!c->rc) c->rc = gen_tree_add(c->tree, cc_buf_str(&path), cc_buf_str(&b), b.len);
    }
    cc_buf_free(&b);
    cc_buf_free(&path);
  }
}

int gen_stack_build(gen_tree *tree, const gen_spec *spec, const char *out_dir, cc_diags *diags) {
  int rc = gen_modules_build(tree, diags);
  if (rc) return rc;
  S_ctx c = {.spec = spec, .tree = tree, .out_dir = out_dir, .dir = CC_BUF_INIT};
  cc_buf_emitf(&c.dir, "stacks/%s", spec->project);
  c.rc = cc_buf_failed(&c.dir);
  size_t before = diags->nerrors;
  for (size_t i = 0; i < spec->nnotifications; i++) {
    const gen_notification *n = &spec->notifications[i];
    if (!S_wired(n))
      cc_diags_add(diags, CC_DIAG_WARNING, spec->path, n->span.line, n->span.col,
                   "notification `%s` is not generated: this build has no %s module", n->key,
                   S_channel_module[n->channel]);
    else if (n->template_kind == GEN_TEMPLATE_FILE || (n->text_value && n->text_kind == GEN_TEMPLATE_FILE))
      c.any_file_template = true;
    if (S_wired(n) && n->idempotency && n->channel != GEN_CHANNEL_PRINT) c.any_idempotency = true;
  }
  for (size_t i = 0; i < spec->nimages; i++) {
    const gen_image *img = &spec->images[i];
    if (img->kind == GEN_IMAGE_URI) continue;
    if (img->kind == GEN_IMAGE_BUILD) c.any_build = true;
    else c.any_republish = true;
    const char *m = img->kind == GEN_IMAGE_BUILD ? "lambda-image-build" : "lambda-container";
    if (!gen_module_exists(m))
      cc_diags_error(diags, spec->path, img->span.line, img->span.col,
                     "image `%s` needs the %s module, which this build does not have; give it a `uri:` for now",
                     img->key, m);
  }
  if (diags->nerrors > before) {
    cc_buf_free(&c.dir);
    return CC_EINVAL;
  }
  S_versions(&c);
  S_variables(&c);
  S_main(&c);
  S_outputs(&c);
  S_template_files(&c);
  cc_buf readme = CC_BUF_INIT;
  if (!c.rc) c.rc = gen_stack_readme(&readme, spec);
  S_emit(&c, "README.md", &readme);
  if (c.rc == CC_EIO) cc_diags_error(diags, out_dir, 0, 0, "cannot resolve the output folder's path");
  cc_buf_free(&c.dir);
  return c.rc;
}
