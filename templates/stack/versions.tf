{#- The root stack's constraints: one floor with the modules (1.9:
    validations referring to other variables); hashicorp/aws 5.x from
    5.100 and 6.x. -#}
terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}
