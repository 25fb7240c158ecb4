{#- The root stack: the provider, the stack's own resources and one module
    per image, task, channel, schedule group, reconciler and dispatcher.
    Every value comes from the context gen/stack_ctx.c builds; strings are
    quoted by the `hcl` filter and the layout is gen/hclfmt's. -#}
provider "aws" {
  region = var.region

  # Sandbox (var.aws_endpoint_url): every service at that endpoint, fixed
  # credentials, no credential or account checks against AWS.
  access_key                  = var.aws_endpoint_url == null ? null : "sandbox"
  secret_key                  = var.aws_endpoint_url == null ? null : "sandbox"
  skip_credentials_validation = var.aws_endpoint_url != null
  skip_requesting_account_id  = var.aws_endpoint_url != null
  skip_metadata_api_check     = var.aws_endpoint_url != null
  s3_use_path_style           = var.aws_endpoint_url != null

  endpoints {
{%- for service in sandbox_services %}
    {{ service }} = var.aws_endpoint_url
{%- endfor %}
  }

  default_tags {
    tags = merge({
      cloudcron-project = {{ project | hcl }}
{%- for tag in tags %}
      {{ tag.key | hcl_key }} = {{ tag.value | hcl }}
{%- endfor %}
    }, var.tags)
  }
}

data "aws_caller_identity" "current" {}

locals {
  # Every topic's ARN by key, created here or given as existing.
  topic_arns = {
{%- for topic in topics %}
    {{ topic.key | hcl_key }} = {{ topic.arn | hcl if topic.arn else "aws_sns_topic." ~ topic.id ~ ".arn" }}
{%- endfor %}
  }

  # Every image's URI by key: pinned as given, or the digest URI of the image
  # built or republished here.
  image_uris = {
{%- for image in images %}
    {{ image.key | hcl_key }} = {{ image.uri | hcl if image.kind == "uri" else "module." ~ image.module ~ ".image_uri" }}
{%- endfor %}
  }
}

resource "aws_scheduler_schedule_group" "this" {
  name = {{ project | hcl }}
}
{%- for topic in topics if not topic.arn %}

resource "aws_sns_topic" "{{ topic.id }}" {
  name = {{ topic.name | hcl }}
{%- if platform.kms_topics %}
  kms_master_key_id = {{ platform.kms_topics | hcl }}
{%- endif %}
{%- if topic.fifo %}
  fifo_topic                  = true
  content_based_deduplication = true
{%- endif %}
}
{%- endfor %}
{%- if any_file_template %}

{% include "parts/template-bucket.tf" %}
{%- endif %}
{%- if any_idempotency %}

# The idempotency records of the channels with `idempotency` (one item per
# delivery, claimed before sending and marked done after, so a redelivered
# message reaches each recipient once); DynamoDB's TTL deletes them once
# expires_at has passed.
resource "aws_dynamodb_table" "idempotency" {
  name         = "{{ project | hcl_escape }}-idempotency"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  server_side_encryption {
    enabled = true
  }
}
{%- endif %}

{% include "parts/images.tf" %}

{% include "parts/tasks.tf" %}

{% include "parts/notifications.tf" %}

{% include "parts/schedule-groups.tf" %}

{% include "parts/dispatchers.tf" %}

{% include "parts/alarms.tf" %}
