# Every generated module applied together against moto_server by
# run_e2e.py, which copies this file to stacks/e2e-modules/ of a freshly
# generated tree (so ../../modules/ resolves) and applies it with
# -var aws_endpoint_url=... only: the provider settings below are the ones a
# generated stack has, and the modules get the same sandbox switches.

terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}

variable "aws_endpoint_url" {
  type = string
}

provider "aws" {
  region                      = "us-west-2"
  access_key                  = "sandbox"
  secret_key                  = "sandbox"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {
    cloudwatch     = var.aws_endpoint_url
    cloudwatchlogs = var.aws_endpoint_url
    dynamodb       = var.aws_endpoint_url
    ec2            = var.aws_endpoint_url
    ecr            = var.aws_endpoint_url
    events         = var.aws_endpoint_url
    iam            = var.aws_endpoint_url
    kms            = var.aws_endpoint_url
    lambda         = var.aws_endpoint_url
    scheduler      = var.aws_endpoint_url
    s3             = var.aws_endpoint_url
    secretsmanager = var.aws_endpoint_url
    sns            = var.aws_endpoint_url
    sqs            = var.aws_endpoint_url
    ssm            = var.aws_endpoint_url
    sts            = var.aws_endpoint_url
  }
}

locals {
  image = "123456789012.dkr.ecr.us-west-2.amazonaws.com/cloudcron-runtime@sha256:1b7e0c2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c"
}

resource "aws_sns_topic" "alerts" {
  name                        = "e2e-alerts.fifo"
  fifo_topic                  = true
  content_based_deduplication = true
}

resource "aws_sns_topic" "reports" {
  name = "e2e-reports"
}

resource "aws_scheduler_schedule_group" "this" {
  name = "e2e"
}

# One-time schedules: created through the AWS CLI with ActionAfterCompletion=DELETE.
module "once" {
  source = "../../modules/scheduled-lambda"

  function_name          = "e2e-once"
  image_uri              = local.image
  schedule_expression    = "at(2030-01-01T09:00:00)"
  timezone               = "America/New_York"
  schedule_name          = "e2e-once"
  schedule_group_name    = aws_scheduler_schedule_group.this.name
  role_name              = "e2e-once-exec"
  scheduler_role_name    = "e2e-once-sched"
  aws_endpoint_url       = var.aws_endpoint_url
  input_json             = "{\"note\":\"it's $(not) a `command`\"}"
  retry_attempts         = 3
  retry_max_age_seconds  = 600
  dead_letter            = true
  dead_letter_queue_name = "e2e-once-dlq"
  topic_arns             = { alerts = aws_sns_topic.alerts.arn }
}

# The harness deletes this one behind Terraform's back, as Scheduler does
# after a run: destroy must still succeed.
module "once_ran" {
  source = "../../modules/scheduled-lambda"

  function_name       = "e2e-once-ran"
  image_uri           = local.image
  schedule_expression = "at(2030-01-02T09:00:00)"
  schedule_name       = "e2e-once-ran"
  schedule_group_name = aws_scheduler_schedule_group.this.name
  role_name           = "e2e-once-ran-exec"
  scheduler_role_name = "e2e-once-ran-sched"
  aws_endpoint_url    = var.aws_endpoint_url
}

module "hourly_rule" {
  source = "../../modules/scheduled-lambda"

  function_name          = "e2e-hourly"
  image_uri              = local.image
  schedule_expression    = "rate(1 hour)"
  schedule_name          = "e2e-hourly"
  role_name              = "e2e-hourly-exec"
  use_eventbridge_rule   = true
  dead_letter            = true
  dead_letter_queue_name = "e2e-hourly-dlq"
  aws_endpoint_url       = var.aws_endpoint_url
}

module "email" {
  source = "../../modules/email-notification"

  function_name     = "e2e-email"
  role_name         = "e2e-email"
  image_uri         = local.image
  topic_arn         = aws_sns_topic.alerts.arn
  queue_name        = "e2e-email"
  template_url      = "s3://e2e-templates/alert.html"
  template_name     = "alert.html"
  sender            = "cron@example.com"
  recipients        = ["alice@example.com", "bob@example.com"]
  configuration_set = "e2e-tracking"
  timeout           = 20
  max_receive_count = 4
  sandbox           = true
}

module "sms" {
  source = "../../modules/sms-notification"

  function_name  = "e2e-sms"
  role_name      = "e2e-sms"
  image_uri      = local.image
  topic_arn      = aws_sns_topic.alerts.arn
  queue_name     = "e2e-sms"
  template       = "{{ subject }}"
  from           = "+15005550006"
  allow_override = true
  twilio_secret  = "/e2e/twilio"
  sandbox        = true
}

module "print" {
  source = "../../modules/print-notification"

  function_name = "e2e-print"
  role_name     = "e2e-print"
  image_uri     = local.image
  topic_arn     = aws_sns_topic.reports.arn
  queue_name    = "e2e-print"
  template      = "{{ subject }}: {{ message.vars|tojson }}"
  filter_policy = jsonencode({ severity = ["critical", "warning"] })
  sandbox       = true
}

output "topics" {
  value = { alerts = aws_sns_topic.alerts.arn, reports = aws_sns_topic.reports.arn }
}

output "queues" {
  value = {
    email = module.email.queue_url
    sms   = module.sms.queue_url
    print = module.print.queue_url
  }
}

output "rule_arn" {
  value = module.hourly_rule.schedule_arn
}
