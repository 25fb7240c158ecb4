variable "region" {
{%- if region %}
  description = "AWS region of the stack (the spec's `region`)."
  type        = string
  default     = {{ region | hcl }}
{%- else %}
  description = "AWS region of the stack; null uses the provider's default (AWS_REGION, the profile)."
  type        = string
  default     = null
{%- endif %}
}

variable "tags" {
  description = "Tags added to every resource, after the spec's tags (same keys win here)."
  type        = map(string)
  default     = {}
}

variable "aws_endpoint_url" {
  description = "A local stand-in for AWS (moto_server), such as http://127.0.0.1:5000: every AWS call of the stack, the provider's and the AWS CLI's, goes there with fixed sandbox credentials, and what the stand-in cannot emulate is switched off (README). null (the default): AWS."
  type        = string
  default     = null

  validation {
    condition     = var.aws_endpoint_url == null || can(regex("^https?://[^/[:space:]]+/?$", var.aws_endpoint_url))
    error_message = "aws_endpoint_url must be http(s)://HOST[:PORT]."
  }
}

variable "log_retention_days" {
  description = "Retention of every function's log group, in days."
  type        = number
  default     = 30
}
{%- if any_build %}

variable "build_tool" {
  description = "Tool that builds and pushes the images built here, on the machine running terraform: docker (buildx) or buildah."
  type        = string
  default     = "docker"

  validation {
    condition     = contains(["docker", "buildah"], var.build_tool)
    error_message = "build_tool must be docker or buildah."
  }
}
{%- endif %}
{%- if any_republish %}

variable "republish_tool" {
  description = "Tool that copies the images republished here, on the machine running terraform: docker (buildx imagetools), skopeo or crane."
  type        = string
  default     = "docker"

  validation {
    condition     = contains(["docker", "skopeo", "crane"], var.republish_tool)
    error_message = "republish_tool must be docker, skopeo or crane."
  }
}
{%- endif %}
