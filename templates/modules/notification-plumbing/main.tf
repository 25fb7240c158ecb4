locals {
  # The region, read from an ARN of this module: hashicorp/aws 6.x deprecates
  # data.aws_region's name (and id), and 5.x has no region attribute.
  region = split(":", aws_sqs_queue.this.arn)[3]

  # A FIFO topic delivers only to FIFO queues, so the queue follows the topic.
  fifo   = endswith(var.topic_arn, ".fifo")
  suffix = local.fifo ? ".fifo" : ""

  dead_letter_queue_name = coalesce(var.dead_letter_queue_name, "${var.queue_name}-dlq")

  # Lambda's guidance: at least six times the function's timeout, so a batch
  # being retried is not handed to a second invocation meanwhile.
  visibility_timeout_seconds = coalesce(var.visibility_timeout_seconds, 6 * var.function_timeout)
}

################################################################################
# Queues
################################################################################

resource "aws_sqs_queue" "dead_letter" {
  name                        = "${local.dead_letter_queue_name}${local.suffix}"
  fifo_queue                  = local.fifo
  content_based_deduplication = local.fifo
  message_retention_seconds   = var.dead_letter_retention_seconds
  sqs_managed_sse_enabled     = var.kms_key_arn == null ? true : null
  kms_master_key_id           = var.kms_key_arn
  tags                        = var.tags
}

resource "aws_sqs_queue" "this" {
  name                        = "${var.queue_name}${local.suffix}"
  fifo_queue                  = local.fifo
  content_based_deduplication = local.fifo
  visibility_timeout_seconds  = local.visibility_timeout_seconds
  message_retention_seconds   = var.message_retention_seconds
  sqs_managed_sse_enabled     = var.kms_key_arn == null ? true : null
  kms_master_key_id           = var.kms_key_arn

  # The redrive policy is its own resource below: the queue's attribute
  # would plan a change whenever the API spaces the JSON differently (moto).
  lifecycle {
    ignore_changes = [redrive_policy]
  }

  tags = var.tags
}

# Messages that fail max_receive_count times move to the dead-letter queue.
resource "aws_sqs_queue_redrive_policy" "this" {
  queue_url = aws_sqs_queue.this.id

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter.arn
    maxReceiveCount     = var.max_receive_count
  })
}

# Only this module's queue may use the dead-letter queue.
resource "aws_sqs_queue_redrive_allow_policy" "dead_letter" {
  # moto cannot read a redrive allow policy back (the provider would wait forever).
  count = var.sandbox ? 0 : 1

  queue_url = aws_sqs_queue.dead_letter.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this.arn]
  })
}

data "aws_iam_policy_document" "queue" {
  statement {
    sid       = "ThisTopicOnly"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.this.arn]

    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }

    # Confused-deputy guard: SNS may deliver here for this one topic only.
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [var.topic_arn]
    }
  }
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy    = data.aws_iam_policy_document.queue.json

  # After the redrive policy: moto clears a queue's Policy whenever another
  # attribute is set (AWS does not), and the provider would wait for it forever.
  depends_on = [aws_sqs_queue_redrive_policy.this]
}

################################################################################
# Subscription
################################################################################

resource "aws_sns_topic_subscription" "this" {
  topic_arn = var.topic_arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.this.arn
  # The handler reads the task's JSON body as is, without SNS's envelope.
  raw_message_delivery = true
  filter_policy        = var.filter_policy
  filter_policy_scope  = var.filter_policy == null ? null : "MessageAttributes"

  depends_on = [aws_sqs_queue_policy.this]
}

################################################################################
# Handler: read access to the queue, and the event source mapping
################################################################################

data "aws_iam_policy_document" "consume" {
  statement {
    sid = "ConsumeOwnQueue"
    actions = [
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:ReceiveMessage",
    ]
    resources = [aws_sqs_queue.this.arn]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [1]
    content {
      sid       = "DecryptOwnQueue"
      actions   = ["kms:Decrypt"]
      resources = [var.kms_key_arn]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["sqs.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "consume" {
  name   = "cloudcron-consume-${var.queue_name}"
  role   = var.role_name
  policy = data.aws_iam_policy_document.consume.json
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn = aws_sqs_queue.this.arn
  function_name    = var.function_name
  batch_size       = var.batch_size
  # In the sandbox, messages stay in the queue: moto would run the container.
  enabled = var.enabled && !var.sandbox
  # The handler reports the records it could not deliver; only those return.
  function_response_types = ["ReportBatchItemFailures"]

  maximum_batching_window_in_seconds = local.fifo ? null : var.maximum_batching_window_in_seconds

  dynamic "scaling_config" {
    for_each = var.maximum_concurrency == null ? [] : [1]
    content {
      maximum_concurrency = var.maximum_concurrency
    }
  }

  # ... and a failing message is redriven from the first delivery on.
  depends_on = [aws_iam_role_policy.consume, aws_sqs_queue_redrive_policy.this]
}
