data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # The region, read from an ARN of this module: hashicorp/aws 6.x deprecates
  # data.aws_region's name (and id), and 5.x has no region attribute.
  region = split(":", aws_cloudwatch_log_group.this.arn)[3]

  # s3://BUCKET/KEY -> the one object the handler may read.
  template_s3 = var.template_url == null ? null : regex("^(?:s3://(?P<bucket>[^/]+)/(?P<key>.+)|.*)$", var.template_url)
  template_object_arn = (local.template_s3 == null ? null :
    local.template_s3.bucket == null ? null :
  "arn:${data.aws_partition.current.partition}:s3:::${local.template_s3.bucket}/${local.template_s3.key}")
  # The templates it includes, imports or extends: objects beside it, in
  # the key's folder ("a/b/t.html" -> "a/b/", "t.html" -> "").
  template_key_parts = local.template_object_arn == null ? [] : split("/", local.template_s3.key)
  template_dir = (local.template_object_arn == null ? null :
  "arn:${data.aws_partition.current.partition}:s3:::${local.template_s3.bucket}/${join("/", concat(slice(local.template_key_parts, 0, length(local.template_key_parts) - 1), [""]))}")
  template_part_arns = local.template_dir == null ? [] : [for p in var.template_parts : "${local.template_dir}${p}"]

  secret_is_secretsmanager = startswith(var.twilio_secret, "arn:") && strcontains(var.twilio_secret, ":secretsmanager:")
  # A secret ARN may be given without its random six-character suffix.
  secret_arns = local.secret_is_secretsmanager ? [var.twilio_secret, "${var.twilio_secret}-??????"] : []
  parameter_arn = (local.secret_is_secretsmanager ? null :
    startswith(var.twilio_secret, "arn:") ? var.twilio_secret :
  "arn:${data.aws_partition.current.partition}:ssm:${local.region}:${data.aws_caller_identity.current.account_id}:parameter/${trimprefix(var.twilio_secret, "/")}")

  # Settings reach the handler as CLOUDCRON_* variables; unset ones are left out.
  environment = { for k, v in {
    CLOUDCRON_TEMPLATE          = var.template
    CLOUDCRON_TEMPLATE_URL      = var.template_url
    CLOUDCRON_TEMPLATE_NAME     = var.template_name
    CLOUDCRON_VARS              = var.vars_json
    CLOUDCRON_FROM              = var.from
    CLOUDCRON_RECIPIENTS        = length(var.recipients) > 0 ? join(",", var.recipients) : null
    CLOUDCRON_ALLOW_OVERRIDE    = var.allow_override ? "true" : "false"
    CLOUDCRON_TWILIO_SECRET     = var.twilio_secret
    CLOUDCRON_IDEMPOTENCY_TABLE = var.idempotency_table_arn == null ? null : split("/", var.idempotency_table_arn)[1]
  } : k => v if v != null }
}

################################################################################
# Handler function
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    # Only Lambda acting for this account (confused-deputy protection).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.role_name
  path                 = var.role_path
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  dynamic "statement" {
    for_each = local.template_object_arn == null ? [] : [1]
    content {
      sid       = "ReadOwnTemplate"
      actions   = ["s3:GetObject"]
      resources = concat([local.template_object_arn], local.template_part_arns)
    }
  }

  dynamic "statement" {
    for_each = local.secret_is_secretsmanager ? [1] : []
    content {
      sid       = "ReadTwilioSecret"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = local.secret_arns
    }
  }

  dynamic "statement" {
    for_each = local.secret_is_secretsmanager ? [] : [1]
    content {
      sid       = "ReadTwilioParameter"
      actions   = ["ssm:GetParameter"]
      resources = [local.parameter_arn]
    }
  }

  # A customer-managed key: decrypt only on behalf of the service holding the secret.
  dynamic "statement" {
    for_each = var.secret_kms_key_arn == null ? [] : [1]
    content {
      sid       = "DecryptTwilioSecret"
      actions   = ["kms:Decrypt"]
      resources = [var.secret_kms_key_arn]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["${local.secret_is_secretsmanager ? "secretsmanager" : "ssm"}.${local.region}.amazonaws.com"]
      }
    }
  }

  # The idempotency records: read, claim and mark done, nothing else.
  dynamic "statement" {
    for_each = var.idempotency_table_arn == null ? [] : [1]
    content {
      sid       = "RecordDeliveries"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
      resources = [var.idempotency_table_arn]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "cloudcron-sms"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_lambda_function" "this" {
  function_name = var.function_name
  description   = "cloudcron sms channel"
  role          = aws_iam_role.this.arn
  kms_key_arn   = var.kms_key_arn
  package_type  = "Image"
  image_uri     = var.image_uri
  architectures = [var.architecture]
  timeout       = var.timeout
  memory_size   = var.memory_size
  tags          = var.tags

  # The runtime image holds every handler; this channel runs cloudcron-sms.
  image_config {
    command = ["cloudcron-sms"]
    # moto reads an unset entry point back as [], AWS leaves it out.
    entry_point = var.sandbox ? [] : null
  }

  environment {
    variables = local.environment
  }

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

################################################################################
# SNS -> SQS -> Lambda
################################################################################

module "plumbing" {
  source = "../notification-plumbing"

  topic_arn                  = var.topic_arn
  queue_name                 = var.queue_name
  dead_letter_queue_name     = var.dead_letter_queue_name
  function_name              = aws_lambda_function.this.arn
  function_timeout           = var.timeout
  role_name                  = aws_iam_role.this.name
  visibility_timeout_seconds = var.visibility_timeout_seconds
  max_receive_count          = var.max_receive_count
  batch_size                 = var.batch_size
  filter_policy              = var.filter_policy
  kms_key_arn                = var.queue_kms_key_arn
  sandbox                    = var.sandbox
  tags                       = var.tags
}
