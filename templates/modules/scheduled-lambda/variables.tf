variable "function_name" {
  description = "Name of the Lambda function (at most 64 characters)."
  type        = string

  validation {
    condition     = length(var.function_name) <= 64 && can(regex("^[A-Za-z0-9_-]+$", var.function_name))
    error_message = "function_name must be 1 to 64 letters, digits, dashes or underscores."
  }
}

variable "image_uri" {
  description = "Container image of the task, in ECR, preferably pinned by digest (REPO@sha256:...)."
  type        = string

  validation {
    condition     = can(regex("^[^/]+/[^@:]+(@sha256:[0-9a-f]{64}|:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$", var.image_uri))
    error_message = "image_uri must be REGISTRY/REPOSITORY@sha256:<digest> or REGISTRY/REPOSITORY:TAG."
  }
}

variable "architecture" {
  description = "Instruction set of the image: x86_64 or arm64."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "schedule_expression" {
  description = "EventBridge Scheduler expression: cron(...), rate(...) or at(...)."
  type        = string

  validation {
    condition     = can(regex("^(cron|rate|at)\\(.+\\)$", var.schedule_expression))
    error_message = "schedule_expression must be cron(...), rate(...) or at(...)."
  }
}

variable "timezone" {
  description = "IANA time zone the schedule's wall times are in."
  type        = string
  default     = "UTC"
}

variable "schedule_name" {
  description = "Name of the schedule (at most 64 characters)."
  type        = string
}

variable "schedule_group_name" {
  description = "Schedule group the schedule belongs to."
  type        = string
  default     = "default"
}

variable "role_name" {
  description = "Name of the function's execution role (at most 64 characters)."
  type        = string
}

variable "scheduler_role_name" {
  description = "Name of the role EventBridge Scheduler assumes to invoke the function (at most 64 characters)."
  type        = string
}

variable "topic_arns" {
  description = "SNS topics the task may publish to, by key; the task sees each as CLOUDCRON_TOPIC_<KEY>."
  type        = map(string)
  default     = {}
}

variable "environment" {
  description = "Environment variables of the function (never secrets: pass ARNs or SSM names)."
  type        = map(string)
  default     = {}
}

variable "timeout" {
  description = "Function timeout in seconds."
  type        = number
  default     = 60

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900
    error_message = "timeout must be between 1 and 900 seconds."
  }
}

variable "memory_size" {
  description = "Function memory in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "input_json" {
  description = "JSON passed to the function on every run."
  type        = string
  default     = "{}"

  validation {
    condition     = can(jsondecode(var.input_json))
    error_message = "input_json must be valid JSON."
  }
}

variable "retry_attempts" {
  description = "How many times the scheduler retries a failed invocation."
  type        = number
  default     = 185

  validation {
    condition     = var.retry_attempts >= 0 && var.retry_attempts <= 185
    error_message = "retry_attempts must be between 0 and 185."
  }
}

variable "retry_max_age_seconds" {
  description = "How long, in seconds, the scheduler keeps retrying an event."
  type        = number
  default     = 86400

  validation {
    condition     = var.retry_max_age_seconds >= 60 && var.retry_max_age_seconds <= 86400
    error_message = "retry_max_age_seconds must be between 60 and 86400."
  }
}

variable "flexible_window_minutes" {
  description = "Flexible time window in minutes; 0 turns it off."
  type        = number
  default     = 0

  validation {
    condition     = var.flexible_window_minutes >= 0 && var.flexible_window_minutes <= 1440
    error_message = "flexible_window_minutes must be between 0 and 1440."
  }
}

variable "dead_letter" {
  description = "Whether invocations that still fail after the retries land in an SQS dead-letter queue."
  type        = bool
  default     = false
}

variable "dead_letter_queue_name" {
  description = "Name of the dead-letter queue, when dead_letter is true."
  type        = string
  default     = null
}

variable "enabled" {
  description = "Whether the schedule is enabled."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every taggable resource."
  type        = map(string)
  default     = {}
}
