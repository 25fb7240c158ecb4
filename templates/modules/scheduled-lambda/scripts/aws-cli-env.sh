# Sourced before the one-time schedule scripts: the AWS CLI acts where the
# provider does, never silently elsewhere.
#  - The region is the function's (--region "$CLOUDCRON_SCHEDULE_REGION").
#  - With the stack's aws_endpoint_url (the sandbox), every call goes to that
#    endpoint with the sandbox's fixed credentials, whatever the shell has
#    (AWS_PROFILE, AWS_ENDPOINT_URL, real keys).
#  - The CLI's account must be the provider's: otherwise (another profile,
#    other keys in the shell) nothing is created or deleted.
set -euo pipefail

if [[ -n "${CLOUDCRON_ENDPOINT_URL:-}" ]]; then
  unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL_SCHEDULER AWS_ENDPOINT_URL_STS
  export AWS_ENDPOINT_URL="$CLOUDCRON_ENDPOINT_URL" AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox
  export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
fi

if ! cli_account=$(aws sts get-caller-identity --region "$CLOUDCRON_SCHEDULE_REGION" --query Account --output text 2>&1); then
  echo "cloudcron: the AWS CLI cannot identify itself (${AWS_ENDPOINT_URL:-AWS}): $cli_account" >&2
  exit 1
fi
if [[ "$cli_account" != "$CLOUDCRON_ACCOUNT_ID" ]]; then
  echo "cloudcron: the AWS CLI acts for account $cli_account but the provider for $CLOUDCRON_ACCOUNT_ID;" \
    "give the CLI the provider's credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...) and run again" >&2
  exit 1
fi
