# Offline checks of the plumbing's wiring with a mocked AWS provider.
mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

# Queue ARNs follow their names, as AWS's do, so assertions can tell them apart.
override_resource {
  target = aws_sqs_queue.this
  values = {
    arn = "arn:aws:sqs:us-west-2:123456789012:acme-cron-ops-email.fifo"
    id  = "https://sqs.us-west-2.amazonaws.com/123456789012/acme-cron-ops-email.fifo"
  }
}

override_resource {
  target = aws_sqs_queue.dead_letter
  values = {
    arn = "arn:aws:sqs:us-west-2:123456789012:acme-cron-ops-email-dlq.fifo"
    id  = "https://sqs.us-west-2.amazonaws.com/123456789012/acme-cron-ops-email-dlq.fifo"
  }
}

variables {
  topic_arn        = "arn:aws:sns:us-west-2:123456789012:acme-cron-alerts.fifo"
  queue_name       = "acme-cron-ops-email"
  function_name    = "acme-cron-ops-email"
  function_timeout = 30
  role_name        = "acme-cron-ops-email"
}

run "fifo_topic" {
  command = apply

  assert {
    condition = (
      aws_sqs_queue.this.name == "acme-cron-ops-email.fifo" && aws_sqs_queue.this.fifo_queue &&
      aws_sqs_queue.this.content_based_deduplication &&
      aws_sqs_queue.dead_letter.name == "acme-cron-ops-email-dlq.fifo" && aws_sqs_queue.dead_letter.fifo_queue
    )
    error_message = "a FIFO topic needs FIFO queues with content-based de-duplication"
  }

  assert {
    condition     = aws_sqs_queue.this.sqs_managed_sse_enabled && aws_sqs_queue.dead_letter.sqs_managed_sse_enabled
    error_message = "both queues are encrypted at rest"
  }

  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds == 180
    error_message = "the visibility timeout defaults to six times the handler's timeout"
  }

  assert {
    condition = jsondecode(aws_sqs_queue_redrive_policy.this.redrive_policy) == {
      deadLetterTargetArn = aws_sqs_queue.dead_letter.arn
      maxReceiveCount     = 5
    }
    error_message = "the queue redrives to its dead-letter queue after max_receive_count receives"
  }

  assert {
    condition = jsondecode(aws_sqs_queue_redrive_allow_policy.dead_letter[0].redrive_allow_policy) == {
      redrivePermission = "byQueue"
      sourceQueueArns   = [aws_sqs_queue.this.arn]
    }
    error_message = "only this module's queue may redrive into the dead-letter queue"
  }

  assert {
    condition = (
      one(data.aws_iam_policy_document.queue.statement).actions == toset(["sqs:SendMessage"]) &&
      one(data.aws_iam_policy_document.queue.statement).resources == toset([aws_sqs_queue.this.arn]) &&
      one(one(data.aws_iam_policy_document.queue.statement).principals).type == "Service" &&
      one(one(data.aws_iam_policy_document.queue.statement).principals).identifiers == toset(["sns.amazonaws.com"])
    )
    error_message = "the queue policy allows SNS sqs:SendMessage on this queue and nothing else"
  }

  assert {
    condition = one([
      for c in one(data.aws_iam_policy_document.queue.statement).condition : c
      if c.test == "ArnEquals" && c.variable == "aws:SourceArn"
    ]).values == tolist([var.topic_arn])
    error_message = "the queue policy admits only its topic (aws:SourceArn)"
  }

  assert {
    condition = (
      aws_sns_topic_subscription.this.protocol == "sqs" && aws_sns_topic_subscription.this.endpoint == aws_sqs_queue.this.arn &&
      aws_sns_topic_subscription.this.topic_arn == var.topic_arn && aws_sns_topic_subscription.this.raw_message_delivery
    )
    error_message = "the queue subscribes to the topic with raw message delivery"
  }

  assert {
    condition     = aws_sns_topic_subscription.this.filter_policy == null
    error_message = "no filter policy unless asked for"
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.this.event_source_arn == aws_sqs_queue.this.arn &&
      aws_lambda_event_source_mapping.this.function_name == var.function_name &&
      aws_lambda_event_source_mapping.this.function_response_types == toset(["ReportBatchItemFailures"]) &&
      aws_lambda_event_source_mapping.this.batch_size == 10
    )
    error_message = "the queue drives the handler, which reports partial batch failures"
  }

  assert {
    condition = (
      one(data.aws_iam_policy_document.consume.statement).actions == toset(["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]) &&
      one(data.aws_iam_policy_document.consume.statement).resources == toset([aws_sqs_queue.this.arn]) &&
      aws_iam_role_policy.consume.role == var.role_name
    )
    error_message = "the handler role may consume exactly its own queue"
  }
}

run "standard_topic_with_filter_and_key" {
  command = apply

  variables {
    topic_arn                  = "arn:aws:sns:us-west-2:123456789012:acme-cron-reports"
    filter_policy              = "{\"severity\":[\"critical\",\"warning\"]}"
    visibility_timeout_seconds = 600
    max_receive_count          = 3
    batch_size                 = 5
    kms_key_arn                = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = aws_sqs_queue.this.name == "acme-cron-ops-email" && !aws_sqs_queue.this.fifo_queue
    error_message = "a standard topic gets a standard queue"
  }

  assert {
    condition     = aws_sns_topic_subscription.this.filter_policy == var.filter_policy && aws_sns_topic_subscription.this.filter_policy_scope == "MessageAttributes"
    error_message = "the filter policy applies to message attributes"
  }

  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds == 600 && jsondecode(aws_sqs_queue_redrive_policy.this.redrive_policy).maxReceiveCount == 3
    error_message = "visibility timeout and maxReceiveCount follow the variables"
  }

  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn && aws_sqs_queue.dead_letter.kms_master_key_id == var.kms_key_arn
    error_message = "both queues use the given KMS key"
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.consume.statement : [s.resources, [for c in s.condition : [c.test, c.variable, c.values]]]
      if contains(s.actions, "kms:Decrypt")
      ] == [
      [toset([var.kms_key_arn]), [["StringEquals", "kms:ViaService", tolist(["sqs.us-west-2.amazonaws.com"])]]]
    ]
    error_message = "kms:Decrypt only on the queue's key and only through SQS"
  }
}

run "sandbox" {
  command = apply

  variables {
    sandbox = true
  }

  assert {
    condition = length(aws_sqs_queue_redrive_allow_policy.dead_letter) == 0 && jsondecode(aws_sqs_queue_redrive_policy.this.redrive_policy) == {
      deadLetterTargetArn = aws_sqs_queue.dead_letter.arn
      maxReceiveCount     = 5
    }
    error_message = "in the sandbox only the redrive allow policy is left out; the queue still redrives to its dead-letter queue"
  }

  assert {
    condition = (
      !aws_lambda_event_source_mapping.this.enabled &&
      aws_lambda_event_source_mapping.this.function_response_types == toset(["ReportBatchItemFailures"])
    )
    error_message = "in the sandbox the event source mapping exists but is disabled, so messages stay in the queue"
  }
}

run "rejects_short_visibility_timeout" {
  command = plan

  variables {
    visibility_timeout_seconds = 179
  }

  expect_failures = [var.visibility_timeout_seconds]
}

run "rejects_bad_topic_arn" {
  command = plan

  variables {
    topic_arn = "arn:aws:sqs:us-west-2:123456789012:not-a-topic"
  }

  expect_failures = [var.topic_arn]
}

run "rejects_bad_filter_policy" {
  command = plan

  variables {
    filter_policy = "[\"severity\"]"
  }

  expect_failures = [var.filter_policy]
}

run "rejects_big_batch" {
  command = plan

  variables {
    batch_size = 11
  }

  expect_failures = [var.batch_size]
}
